#pragma once
// Reads the journal's records from query rows. Each reader expects the columns in the order of
// the matching CHAOS_STORE_*_COLUMNS list below, which the queries in store.cpp select. They are
// macros so they paste into the SQL literals at compile time: column names only, never values.
//
// Thread-safety: stateless.

#include "store/sqlite_statement.h"
#include "store/store.h"

#define CHAOS_STORE_RUN_COLUMNS                                                          \
  "id, experiment_path, title, description, source, source_sha256, plugins_json, seed, " \
  "started_unix_ms, ended_unix_ms, state, verdict, reason, summary_json"
#define CHAOS_STORE_EVENT_COLUMNS "id, run_id, unix_ms, phase, kind, message, detail_json"
#define CHAOS_STORE_SAMPLE_COLUMNS "run_id, series, unix_ms, value, ok, phase, error, detail"
#define CHAOS_STORE_CHECK_COLUMNS \
  "run_id, probe, phase, aggregate, value, expectation, outcome, samples, unix_ms"

namespace chaos::store {

RunRecord read_run(const SqliteStatement& row);
EventRecord read_event(const SqliteStatement& row);
SampleRecord read_sample(const SqliteStatement& row);
CheckRecord read_check(const SqliteStatement& row);

}  // namespace chaos::store
