#pragma once
// Store: the run journal in SQLite (WAL mode, versioned migrations).
//
// What is kept: each run (experiment source and its SHA-256, plugin names and versions, seed,
// verdict), its events in the order they were written, metric samples, and hypothesis checks.
// The engine writes an event *before* the action it describes takes effect, so after a crash
// the journal says what may still be injected.
//
// Thread-safety: a Store is used from one thread at a time (the run's event loop or a CLI
// command). Several processes may open the same file; SQLite's locking and WAL handle that.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/run_ledger.h"

namespace chaos::store {

struct RunRecord {
  int64_t id = 0;
  std::string experiment_path;
  std::string title;
  std::string description;
  std::string source;         // the Lua source as it was run
  std::string source_sha256;  // hex
  std::string plugins_json;   // [{"name":..,"version":..}, ...]
  int64_t seed = 0;
  int64_t started_unix_ms = 0;
  int64_t ended_unix_ms = 0;  // 0 while running
  std::string state;          // "running", "done", "interrupted"
  std::string verdict;        // "" while running; passed|deviated|aborted|errored|not_steady
  std::string reason;         // why the verdict, for people
  // While running: who runs it ({"pid":..,"pid_start":..,"boot_id":..}, engine/run_owner.h);
  // once done: {"abort_latency_ms":..,"time_to_recover_ms":..} etc.
  std::string summary_json;
};

struct EventRecord {
  int64_t id = 0;  // assigned by the store; increases in write order
  int64_t run_id = 0;
  int64_t unix_ms = 0;
  std::string phase;  // journal::Phase by name: validating ... done, aborted, errored
  std::string kind;   // e.g. phase, fault_start, fault_stop, log, probe_error, verdict
  std::string message;
  std::string detail_json;  // "{}" when there is nothing more
};

struct SampleRecord {
  int64_t run_id = 0;
  std::string series;  // e.g. "checkout.latency_ms" or "db-latency.delayed_chunks"
  int64_t unix_ms = 0;
  double value = 0;
  bool ok = true;  // false: the probe failed to produce a healthy reading
  std::string phase;
  std::string error;   // the probe's error message when !ok
  std::string detail;  // what the probe saw, e.g. a PromQL query, its time and the answer
};

struct CheckRecord {
  int64_t run_id = 0;
  std::string probe;      // probe name
  std::string phase;      // baseline|injecting|recovering
  std::string aggregate;  // e.g. "p99_ms", "error_ratio"
  double value = 0;
  std::string expectation;  // e.g. "<= 300"
  std::string outcome;      // ok|failed|inconclusive|error
  int64_t samples = 0;
  int64_t unix_ms = 0;
};

// What reconcile needs to undo one fault of a run whose controller died: the fault's real
// parameters, writeOnly ones included. Kept apart from the journal and never shown.
struct RecoveryRecord {
  int64_t run_id = 0;
  int64_t fault_id = 0;
  std::string kind;
  std::string name;
  std::string params_json;
};

// A fault of a dead controller's run that reconcile could not undo yet (its kind was not loaded,
// or recover failed): kept, and retried by every later start that has the kind.
struct PendingRecovery {
  RecoveryRecord record;
  int64_t since_unix_ms = 0;
  std::string reason;  // why it is still pending, e.g. "the plugin of kind 'x' is not loaded"
};

// What a fault's `status` entry returned, polled while it ran or at its stop (`final`, called
// after stop and before destroy: the whole run's figures).
struct FaultStatusRecord {
  int64_t run_id = 0;
  int64_t fault_id = 0;
  std::string name;
  std::string kind;
  int64_t unix_ms = 0;
  bool final = false;
  std::string status_json;  // the plugin's JSON object, or {"error": "..."}
};

// One step of a sweep (migrations.cpp, version 8).
struct SweepStepRecord {
  int64_t run_id = 0;
  int64_t sweep = 0;  // the run's first sweep is 1
  int64_t step = 0;   // from 1
  std::string fault;  // the fault's name
  std::string kind;
  std::string param;
  std::string magnitude;  // as the fault was given it, e.g. "150ms"
  double value = 0;       // as a number (NaN: none)
  std::string unit;       // "ms" for durations
  int64_t from_unix_ms = 0;
  int64_t to_unix_ms = 0;
  std::string outcome;  // held|broke|inconclusive
  std::string reason;
  std::string checks_json;  // [{probe, aggregate, value, expectation, outcome, samples}]
  std::string status_json;  // the fault's status as the step ended
};

// One line of the runs list: a run without its source, description or plugins, so a page of
// runs stays small however long the experiments are.
struct RunSummary {
  int64_t id = 0;
  std::string experiment_path;
  std::string title;
  std::string source_sha256;
  int64_t started_unix_ms = 0;
  int64_t ended_unix_ms = 0;
  std::string state;
  std::string verdict;
  std::string reason;
  std::string summary_json;
};

// Which runs to list. Empty filters match every run; both filters use an index.
struct RunQuery {
  std::string experiment_path;  // exact match
  std::string verdict;          // exact match, e.g. "aborted"
  int limit = 50;
  int offset = 0;
};

struct RunPage {
  std::vector<RunSummary> runs;  // newest first
  int64_t total = 0;             // how many runs match the filters, across all pages
};

class Store {
 public:
  // Opens or creates the database at `path` and applies pending migrations.
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  // Opens an existing store for commands that only read (runs, show, report), with
  // SqliteDatabase::open_read_only: nothing is created or written, so a read-only file, mount
  // or directory can be read (`note` then says what an immutable read misses). A store at an
  // older schema is migrated by open() when it can be written; if it cannot, it is refused
  // naming both versions. Write methods on a store opened this way fail (SQLITE_READONLY).
  static Result<std::unique_ptr<Store>> open_for_reading(const std::string& path,
                                                         std::string* note);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int schema_version() const;

  // Inserts a run with state "running" (and its summary_json: the owner); returns its id.
  // `run.id` is ignored.
  Result<int64_t> begin_run(const RunRecord& run);
  // Sets state "done", the end time, verdict, reason and summary.
  Status finish_run(int64_t run_id, int64_t ended_unix_ms, const std::string& verdict,
                    const std::string& reason, const std::string& summary_json);
  // Runs still "running" (left by a controller that died), for reconciliation at start-up.
  Result<std::vector<RunRecord>> runs_left_running();
  Status mark_interrupted(int64_t run_id, int64_t unix_ms, const std::string& reason);

  // Appends and returns the event's id. Durable (committed) on return.
  Result<int64_t> append_event(const EventRecord& event);
  // Appends `event` and keeps `recovery` in one transaction: both or neither.
  Result<int64_t> append_event(const EventRecord& event, const RecoveryRecord& recovery);
  // The recovery records of a run, by fault id, and forgetting them once they are not needed
  // (fault_id 0: every record of the run). Forgetting what is not there is not an error.
  Result<std::vector<RecoveryRecord>> recovery_records(int64_t run_id);
  Status forget_recovery(int64_t run_id, int64_t fault_id = 0);
  // Keeps `record` (written if it was not there) as pending recovery, or updates why it still is.
  Status mark_pending_recovery(const RecoveryRecord& record, int64_t unix_ms,
                               const std::string& reason);
  // Faults pending recovery, oldest run first; run_id 0: of every run.
  Result<std::vector<PendingRecovery>> pending_recoveries(int64_t run_id = 0);
  // The runs whose controller counted their commits outside the database and has not ended
  // them (store/run_ledger.h): after a crash, what each had stored, to compare with what the
  // database still holds (stored_counts), and to forget once compared.
  std::vector<LedgerEntry> ledger_entries() const;
  Result<LedgerEntry> stored_counts(int64_t run_id);
  void forget_ledger_entry(int64_t run_id);
  // Appends many samples in one transaction.
  Status append_samples(const std::vector<SampleRecord>& samples);
  Status append_check(const CheckRecord& check);
  // Appends the statuses of one poll in one transaction.
  Status append_fault_statuses(const std::vector<FaultStatusRecord>& statuses);
  Status append_sweep_step(const SweepStepRecord& step);

  // Newest first.
  Result<std::vector<RunRecord>> list_runs(int limit, int offset);
  // A page of run summaries matching `query`, newest first, and how many match in all.
  // InvalidArgument when limit or offset is negative.
  Result<RunPage> list_run_summaries(const RunQuery& query);
  // Every experiment path that has a run, sorted, for filters.
  Result<std::vector<std::string>> experiment_paths();
  Result<RunRecord> get_run(int64_t run_id);                  // NotFound when absent
  Result<std::vector<EventRecord>> events(int64_t run_id);    // in write order
  Result<std::vector<SampleRecord>> samples(int64_t run_id);  // by series, then time
  Result<std::vector<CheckRecord>> checks(int64_t run_id);    // in write order
  // By fault id, then time; `final_only`: the one at each fault's stop.
  Result<std::vector<FaultStatusRecord>> fault_statuses(int64_t run_id, bool final_only);
  // By sweep, then step.
  Result<std::vector<SweepStepRecord>> sweep_steps(int64_t run_id);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chaos::store
