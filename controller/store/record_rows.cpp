#include "store/record_rows.h"

namespace chaos::store {

RunRecord read_run(const SqliteStatement& row) {
  RunRecord run;
  run.id = row.column_int(0);
  run.experiment_path = row.column_text(1);
  run.title = row.column_text(2);
  run.description = row.column_text(3);
  run.source = row.column_text(4);
  run.source_sha256 = row.column_text(5);
  run.plugins_json = row.column_text(6);
  run.seed = row.column_int(7);
  run.started_unix_ms = row.column_int(8);
  run.ended_unix_ms = row.column_int(9);
  run.state = row.column_text(10);
  run.verdict = row.column_text(11);
  run.reason = row.column_text(12);
  run.summary_json = row.column_text(13);
  return run;
}

EventRecord read_event(const SqliteStatement& row) {
  EventRecord event;
  event.id = row.column_int(0);
  event.run_id = row.column_int(1);
  event.unix_ms = row.column_int(2);
  event.phase = row.column_text(3);
  event.kind = row.column_text(4);
  event.message = row.column_text(5);
  event.detail_json = row.column_text(6);
  return event;
}

SampleRecord read_sample(const SqliteStatement& row) {
  SampleRecord sample;
  sample.run_id = row.column_int(0);
  sample.series = row.column_text(1);
  sample.unix_ms = row.column_int(2);
  sample.value = row.column_double(3);
  sample.ok = row.column_int(4) != 0;
  sample.phase = row.column_text(5);
  sample.error = row.column_text(6);
  sample.detail = row.column_text(7);
  return sample;
}

CheckRecord read_check(const SqliteStatement& row) {
  CheckRecord check;
  check.run_id = row.column_int(0);
  check.probe = row.column_text(1);
  check.phase = row.column_text(2);
  check.aggregate = row.column_text(3);
  check.value = row.column_double(4);
  check.expectation = row.column_text(5);
  check.outcome = row.column_text(6);
  check.samples = row.column_int(7);
  check.unix_ms = row.column_int(8);
  return check;
}

}  // namespace chaos::store
