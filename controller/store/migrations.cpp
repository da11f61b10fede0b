#include "store/migrations.h"

namespace chaos::store {
namespace {

// Version 1: the journal. Columns mirror the records in store.h. Text is NOT NULL with empty
// defaults so a reader never has to tell NULL from "". REAL values are nullable only because
// SQLite stores NaN as NULL. AUTOINCREMENT on runs and events: an id is never reused, even after
// deletes, so event ids keep increasing in write order.
constexpr const char* kJournalTables = R"sql(
CREATE TABLE runs (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_path  TEXT    NOT NULL DEFAULT '',
  title            TEXT    NOT NULL DEFAULT '',
  description      TEXT    NOT NULL DEFAULT '',
  source           TEXT    NOT NULL DEFAULT '',
  source_sha256    TEXT    NOT NULL DEFAULT '',
  plugins_json     TEXT    NOT NULL DEFAULT '[]',
  seed             INTEGER NOT NULL DEFAULT 0,
  started_unix_ms  INTEGER NOT NULL,
  ended_unix_ms    INTEGER NOT NULL DEFAULT 0,
  state            TEXT    NOT NULL CHECK (state IN ('running', 'done', 'interrupted')),
  verdict          TEXT    NOT NULL DEFAULT '',
  reason           TEXT    NOT NULL DEFAULT '',
  summary_json     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_by_started ON runs (started_unix_ms DESC, id DESC);
-- Start-up reconciliation looks for the few runs still running among many finished ones.
CREATE INDEX runs_running ON runs (id) WHERE state = 'running';

CREATE TABLE events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  unix_ms      INTEGER NOT NULL,
  phase        TEXT    NOT NULL DEFAULT '',
  kind         TEXT    NOT NULL,
  message      TEXT    NOT NULL DEFAULT '',
  detail_json  TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_run ON events (run_id, id);

CREATE TABLE samples (
  id       INTEGER PRIMARY KEY,
  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  series   TEXT    NOT NULL,
  unix_ms  INTEGER NOT NULL,
  value    REAL,
  ok       INTEGER NOT NULL CHECK (ok IN (0, 1)),
  phase    TEXT    NOT NULL DEFAULT '',
  error    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX samples_by_run_series_time ON samples (run_id, series, unix_ms);

CREATE TABLE checks (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  probe        TEXT    NOT NULL,
  phase        TEXT    NOT NULL DEFAULT '',
  aggregate    TEXT    NOT NULL DEFAULT '',
  value        REAL,
  expectation  TEXT    NOT NULL DEFAULT '',
  outcome      TEXT    NOT NULL,
  samples      INTEGER NOT NULL DEFAULT 0,
  unix_ms      INTEGER NOT NULL
);
CREATE INDEX checks_by_run ON checks (run_id, id);
)sql";

// Version 2: what a probe saw with each sample (e.g. a PromQL query, its time and the answer).
constexpr const char* kSampleDetail = R"sql(
ALTER TABLE samples ADD COLUMN detail TEXT NOT NULL DEFAULT '';
)sql";

// Version 3: the runs list filtered by experiment or by verdict, newest first, without a scan.
constexpr const char* kRunFilters = R"sql(
CREATE INDEX runs_by_experiment ON runs (experiment_path, started_unix_ms DESC, id DESC);
CREATE INDEX runs_by_verdict ON runs (verdict, started_unix_ms DESC, id DESC);
)sql";

// Version 4: starts that `serve` refused (a blackout window, the experiment still running, an
// invalid experiment), from a schedule or the API; no run exists for them, so not events.
constexpr const char* kStartRefusals = R"sql(
CREATE TABLE start_refusals (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  unix_ms     INTEGER NOT NULL,
  origin      TEXT    NOT NULL CHECK (origin IN ('schedule', 'api')),
  experiment  TEXT    NOT NULL DEFAULT '',
  schedule    TEXT    NOT NULL DEFAULT '',
  blackout    TEXT    NOT NULL DEFAULT '',
  message     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX start_refusals_by_schedule ON start_refusals (schedule, experiment, id DESC);
)sql";

// Version 5: what reconcile needs to undo a fault a dead controller left behind, with the real
// parameters, writeOnly ones (passwords) included — the journal redacts those. Nothing that
// shows a run reads this table (show, the API, the UI); a row lives only while its fault may be
// injected: it is written with the fault's fault_start and deleted when the fault stops.
constexpr const char* kFaultRecovery = R"sql(
CREATE TABLE fault_recovery (
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  fault_id     INTEGER NOT NULL,
  kind         TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  params_json  TEXT    NOT NULL,
  PRIMARY KEY (run_id, fault_id)
);
)sql";

// Version 6: what each fault's `status` said, polled while it ran and once at its stop (the
// final one, `final` = 1), so whole-run figures a plugin keeps (a flood's percentiles, a proxy's
// bytes) outlive the fault. status_json is the plugin's JSON, or {"error": ...} when it failed.
constexpr const char* kFaultStatus = R"sql(
CREATE TABLE fault_status (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  fault_id     INTEGER NOT NULL,
  name         TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  unix_ms      INTEGER NOT NULL,
  final        INTEGER NOT NULL CHECK (final IN (0, 1)),
  status_json  TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX fault_status_by_run ON fault_status (run_id, fault_id, unix_ms);
)sql";

// Version 7: a fault reconcile could not undo (its plugin was not loaded at the next start, or
// its recover failed) stays pending recovery: its fault_recovery row is kept past the run, marked
// with when it became pending and why, and every later start that has the kind retries it. Only
// kind and name are shown (runs, show, the API); params_json stays for recover alone.
constexpr const char* kPendingRecovery = R"sql(
ALTER TABLE fault_recovery ADD COLUMN pending_since_ms INTEGER;
ALTER TABLE fault_recovery ADD COLUMN pending_reason TEXT NOT NULL DEFAULT '';
)sql";

// Version 8: each step of a sweep (engine/sweep.lua), judged over its own window: the fault and
// parameter, the magnitude as given and as a number (durations in ms, for curves), the window,
// held|broke|inconclusive, and each check's figures as JSON ([{probe, aggregate, value,
// expectation, outcome, samples}]). The tipping point is the last held step before the first
// broken one. status_json: the fault's status when the step ended (requested vs achieved).
constexpr const char* kSweepSteps = R"sql(
CREATE TABLE sweep_steps (
  id               INTEGER PRIMARY KEY,
  run_id           INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  sweep            INTEGER NOT NULL,
  step             INTEGER NOT NULL,
  fault            TEXT    NOT NULL,
  kind             TEXT    NOT NULL,
  param            TEXT    NOT NULL,
  magnitude        TEXT    NOT NULL,
  value            REAL,
  unit             TEXT    NOT NULL DEFAULT '',
  from_unix_ms     INTEGER NOT NULL,
  to_unix_ms       INTEGER NOT NULL,
  outcome          TEXT    NOT NULL CHECK (outcome IN ('held', 'broke', 'inconclusive')),
  reason           TEXT    NOT NULL DEFAULT '',
  checks_json      TEXT    NOT NULL DEFAULT '[]',
  status_json      TEXT    NOT NULL DEFAULT '{}',
  UNIQUE (run_id, sweep, step)
);
)sql";

constexpr Migration kMigrations[] = {
    {1, "journal tables: runs, events, samples, checks", kJournalTables},
    {2, "samples.detail: what the probe saw", kSampleDetail},
    {3, "indexes for the runs list filtered by experiment or verdict", kRunFilters},
    {4, "start_refusals: starts serve refused, and why", kStartRefusals},
    {5, "fault_recovery: real parameters for reconcile, never shown", kFaultRecovery},
    {6, "fault_status: each fault's status, polled and final", kFaultStatus},
    {7, "fault_recovery.pending_since_ms: faults left pending recovery", kPendingRecovery},
    {8, "sweep_steps: each step of a sweep, judged on its own", kSweepSteps},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

}  // namespace chaos::store
