// The steps of sweeps (see migrations.cpp, version 8).
#include "store/store.h"
#include "store/store_impl.h"

namespace chaos::store {

Status Store::append_sweep_step(const SweepStepRecord& s) {
  const std::string context =
      impl_->context("append step " + std::to_string(s.step) + " of sweep " +
                     std::to_string(s.sweep) + " for run " + std::to_string(s.run_id));
  auto stmt = impl_->prepare(
      "INSERT INTO sweep_steps (run_id, sweep, step, fault, kind, param, magnitude, value, unit, "
      "from_unix_ms, to_unix_ms, outcome, reason, checks_json, status_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, s.run_id);
  stmt->bind_int(2, s.sweep);
  stmt->bind_int(3, s.step);
  stmt->bind_text(4, s.fault);
  stmt->bind_text(5, s.kind);
  stmt->bind_text(6, s.param);
  stmt->bind_text(7, s.magnitude);
  stmt->bind_double(8, s.value);
  stmt->bind_text(9, s.unit);
  stmt->bind_int(10, s.from_unix_ms);
  stmt->bind_int(11, s.to_unix_ms);
  stmt->bind_text(12, s.outcome);
  stmt->bind_text(13, s.reason);
  stmt->bind_text(14, json_or(s.checks_json, "[]"));
  stmt->bind_text(15, json_or(s.status_json, "{}"));
  if (Status st = stmt->run(); !st) return st.with_context(context);
  return Status::ok();
}

Result<std::vector<SweepStepRecord>> Store::sweep_steps(int64_t run_id) {
  const std::string context =
      impl_->context("read the sweep steps of run " + std::to_string(run_id));
  auto stmt = impl_->prepare(
      "SELECT run_id, sweep, step, fault, kind, param, magnitude, value, unit, from_unix_ms, "
      "to_unix_ms, outcome, reason, checks_json, status_json FROM sweep_steps WHERE run_id = ?1 "
      "ORDER BY sweep, step");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto records = collect(*stmt, [](const SqliteStatement& row) {
    SweepStepRecord r;
    r.run_id = row.column_int(0);
    r.sweep = row.column_int(1);
    r.step = row.column_int(2);
    r.fault = row.column_text(3);
    r.kind = row.column_text(4);
    r.param = row.column_text(5);
    r.magnitude = row.column_text(6);
    r.value = row.column_double(7);
    r.unit = row.column_text(8);
    r.from_unix_ms = row.column_int(9);
    r.to_unix_ms = row.column_int(10);
    r.outcome = row.column_text(11);
    r.reason = row.column_text(12);
    r.checks_json = row.column_text(13);
    r.status_json = row.column_text(14);
    return r;
  });
  if (!records) return records.status().with_context(context);
  return records;
}

}  // namespace chaos::store
