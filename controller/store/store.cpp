#include "store/store.h"

#include <map>
#include <string_view>
#include <utility>

#include "common/clock.h"
#include "store/migrator.h"
#include "store/record_rows.h"
#include "store/sqlite_database.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_transaction.h"
#include "store/store_impl.h"

namespace chaos::store {

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  auto db = SqliteDatabase::open(path);
  if (!db) return db.status();
  SystemClock clock;
  auto version = apply_migrations(**db, clock);
  if (!version) return version.status();

  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  impl->schema_version = *version;
  impl->ledger.emplace(path);
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<std::unique_ptr<Store>> Store::open_for_reading(const std::string& path, std::string* note) {
  auto db = SqliteDatabase::open_read_only(path, note);
  // No file yet: created empty, as every command always did (`runs` then lists nothing).
  if (!db && db.status().code() == Status::Code::kNotFound) return open(path);
  if (!db) return db.status();
  auto version = applied_schema_version(**db);
  if (!version) return version.status().with_context("cannot read the schema version of " + path);
  const int known = latest_schema_version();
  if (*version < known) {
    db->reset();
    auto migrated = open(path);  // needs to write: what an older chaosctl left is upgraded
    if (migrated) return migrated;
    return Status::failed(path + " has schema version " + std::to_string(*version) +
                          " and this chaosctl reads version " + std::to_string(known) +
                          "; it must be migrated once by a chaosctl that can write it (" +
                          migrated.status().message() + ")");
  }
  if (*version > known) {
    return Status::failed(path + " has schema version " + std::to_string(*version) +
                          ", newer than this chaosctl knows (version " + std::to_string(known) +
                          "); use a chaosctl at least as new as the one that wrote it");
  }
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  impl->schema_version = *version;
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

std::vector<LedgerEntry> Store::ledger_entries() const {
  return RunLedger(impl_->db->path()).entries();
}

void Store::forget_ledger_entry(int64_t run_id) { RunLedger(impl_->db->path()).remove(run_id); }

Result<LedgerEntry> Store::stored_counts(int64_t run_id) {
  const std::string context =
      impl_->context("count the events and samples of run " + std::to_string(run_id));
  auto stmt = impl_->prepare(
      "SELECT (SELECT count(*) FROM events WHERE run_id = ?1), "
      "(SELECT count(*) FROM samples WHERE run_id = ?1)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto row = stmt->step();
  if (!row) return row.status().with_context(context);
  return LedgerEntry{run_id, stmt->column_int(0), stmt->column_int(1)};
}

int Store::schema_version() const { return impl_->schema_version; }

Result<int64_t> Store::begin_run(const RunRecord& run) {
  const std::string context = impl_->context("record the start of a run");
  auto stmt = impl_->prepare(
      "INSERT INTO runs (experiment_path, title, description, source, source_sha256, "
      "plugins_json, seed, started_unix_ms, ended_unix_ms, state, verdict, reason, summary_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 'running', '', '', ?9)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_text(1, run.experiment_path);
  stmt->bind_text(2, run.title);
  stmt->bind_text(3, run.description);
  stmt->bind_text(4, run.source);
  stmt->bind_text(5, run.source_sha256);
  stmt->bind_text(6, json_or(run.plugins_json, "[]"));
  stmt->bind_int(7, run.seed);
  stmt->bind_int(8, run.started_unix_ms);
  stmt->bind_text(9, json_or(run.summary_json, "{}"));
  if (Status s = stmt->run(); !s) return s.with_context(context);
  const int64_t id = impl_->db->last_insert_rowid();
  impl_->counted[id] = LedgerEntry{id, 0, 0};
  impl_->count(id, 0, 0);
  return id;
}

Status Store::Impl::end_run(int64_t run_id, const char* state, int64_t unix_ms,
                            const std::string& verdict, const std::string& reason,
                            const std::string* summary_json) {
  const std::string what = std::string(state == std::string_view("done") ? "finish" : "interrupt") +
                           " run " + std::to_string(run_id);
  // ?6 NULL keeps the summary as it is.
  auto stmt = prepare(
      "UPDATE runs SET state = ?2, ended_unix_ms = ?3, verdict = ?4, reason = ?5, "
      "summary_json = COALESCE(?6, summary_json) WHERE id = ?1 AND state = 'running'");
  if (!stmt) return stmt.status().with_context(context(what));
  stmt->bind_int(1, run_id);
  stmt->bind_text(2, state);
  stmt->bind_int(3, unix_ms);
  stmt->bind_text(4, verdict);
  stmt->bind_text(5, reason);
  if (summary_json != nullptr) {
    stmt->bind_text(6, json_or(*summary_json, "{}"));
  } else {
    stmt->bind_null(6);
  }
  if (Status s = stmt->run(); !s) return s.with_context(context(what));
  if (db->changes() == 1) {
    counted.erase(run_id);
    if (ledger) ledger->remove(run_id);
    return Status::ok();
  }

  // Nothing changed: say why.
  auto check = prepare("SELECT state FROM runs WHERE id = ?1");
  if (!check) return check.status().with_context(context(what));
  check->bind_int(1, run_id);
  auto row = check->step();
  if (!row) return row.status().with_context(context(what));
  if (!*row)
    return Status::not_found("no run " + std::to_string(run_id)).with_context(context(what));
  return Status::failed("it is no longer running (state " + check->column_text(0) + ")")
      .with_context(context(what));
}

Status Store::finish_run(int64_t run_id, int64_t ended_unix_ms, const std::string& verdict,
                         const std::string& reason, const std::string& summary_json) {
  return impl_->end_run(run_id, "done", ended_unix_ms, verdict, reason, &summary_json);
}

Result<std::vector<RunRecord>> Store::runs_left_running() {
  const std::string context = impl_->context("list runs left running");
  auto stmt = impl_->prepare("SELECT " CHAOS_STORE_RUN_COLUMNS
                             " FROM runs WHERE state = 'running' ORDER BY id");
  if (!stmt) return stmt.status().with_context(context);
  auto runs = collect(*stmt, read_run);
  if (!runs) return runs.status().with_context(context);
  return runs;
}

Status Store::mark_interrupted(int64_t run_id, int64_t unix_ms, const std::string& reason) {
  // The verdict stays empty: nobody saw the run end, so there is no verdict to give.
  return impl_->end_run(run_id, "interrupted", unix_ms, "", reason, nullptr);
}

Result<int64_t> Store::append_event(const EventRecord& event) {
  // Autocommit: the INSERT is its own transaction, committed when step() returns.
  auto id = impl_->insert_event(event);
  if (id) impl_->count(event.run_id, 1, 0);
  return id;
}

Result<int64_t> Store::Impl::insert_event(const EventRecord& event) {
  const std::string what =
      context("append a " + event.kind + " event for run " + std::to_string(event.run_id));
  auto stmt = prepare(
      "INSERT INTO events (run_id, unix_ms, phase, kind, message, detail_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt) return stmt.status().with_context(what);
  stmt->bind_int(1, event.run_id);
  stmt->bind_int(2, event.unix_ms);
  stmt->bind_text(3, event.phase);
  stmt->bind_text(4, event.kind);
  stmt->bind_text(5, event.message);
  stmt->bind_text(6, json_or(event.detail_json, "{}"));
  if (Status s = stmt->run(); !s) return s.with_context(what);
  return db->last_insert_rowid();
}

Status Store::append_samples(const std::vector<SampleRecord>& samples) {
  if (samples.empty()) return Status::ok();
  const std::string context =
      impl_->context("append " + std::to_string(samples.size()) + " samples");
  auto tx = SqliteTransaction::begin(*impl_->db);
  if (!tx) return tx.status().with_context(context);
  auto stmt = impl_->prepare(
      "INSERT INTO samples (run_id, series, unix_ms, value, ok, phase, error, detail) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!stmt) return stmt.status().with_context(context);
  for (const SampleRecord& sample : samples) {
    stmt->reset();
    stmt->bind_int(1, sample.run_id);
    stmt->bind_text(2, sample.series);
    stmt->bind_int(3, sample.unix_ms);
    stmt->bind_double(4, sample.value);
    stmt->bind_int(5, sample.ok ? 1 : 0);
    stmt->bind_text(6, sample.phase);
    stmt->bind_text(7, sample.error);
    stmt->bind_text(8, sample.detail);
    if (Status s = stmt->run(); !s) {
      return s.with_context(context + " (series " + sample.series + ", run " +
                            std::to_string(sample.run_id) + ")");
    }
  }
  if (Status s = tx->commit(); !s) return s.with_context(context);
  std::map<int64_t, int64_t> per_run;
  for (const SampleRecord& sample : samples) ++per_run[sample.run_id];
  for (const auto& [run_id, n] : per_run) impl_->count(run_id, 0, n);
  return Status::ok();
}

Status Store::append_check(const CheckRecord& check) {
  const std::string context = impl_->context("append the " + check.probe + " check for run " +
                                             std::to_string(check.run_id));
  auto stmt = impl_->prepare(
      "INSERT INTO checks (run_id, probe, phase, aggregate, value, expectation, outcome, "
      "samples, unix_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, check.run_id);
  stmt->bind_text(2, check.probe);
  stmt->bind_text(3, check.phase);
  stmt->bind_text(4, check.aggregate);
  stmt->bind_double(5, check.value);
  stmt->bind_text(6, check.expectation);
  stmt->bind_text(7, check.outcome);
  stmt->bind_int(8, check.samples);
  stmt->bind_int(9, check.unix_ms);
  if (Status s = stmt->run(); !s) return s.with_context(context);
  return Status::ok();
}

Result<std::vector<RunRecord>> Store::list_runs(int limit, int offset) {
  const std::string context = impl_->context("list runs");
  if (limit < 0 || offset < 0) {
    return Status::invalid_argument("limit and offset must not be negative (got " +
                                    std::to_string(limit) + " and " + std::to_string(offset) + ")")
        .with_context(context);
  }
  // id breaks ties between runs started in the same millisecond: the later insert is newer.
  auto stmt = impl_->prepare("SELECT " CHAOS_STORE_RUN_COLUMNS
                             " FROM runs ORDER BY started_unix_ms DESC, id DESC"
                             " LIMIT ?1 OFFSET ?2");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, limit);
  stmt->bind_int(2, offset);
  auto runs = collect(*stmt, read_run);
  if (!runs) return runs.status().with_context(context);
  return runs;
}

Result<RunRecord> Store::get_run(int64_t run_id) {
  const std::string context = impl_->context("read run " + std::to_string(run_id));
  auto stmt = impl_->prepare("SELECT " CHAOS_STORE_RUN_COLUMNS " FROM runs WHERE id = ?1");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto row = stmt->step();
  if (!row) return row.status().with_context(context);
  if (!*row)
    return Status::not_found("no run " + std::to_string(run_id) + " in " + impl_->db->path());
  return read_run(*stmt);
}

Result<std::vector<EventRecord>> Store::events(int64_t run_id) {
  const std::string context = impl_->context("read the events of run " + std::to_string(run_id));
  auto stmt = impl_->prepare("SELECT " CHAOS_STORE_EVENT_COLUMNS
                             " FROM events WHERE run_id = ?1 ORDER BY id");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto events = collect(*stmt, read_event);
  if (!events) return events.status().with_context(context);
  return events;
}

Result<std::vector<SampleRecord>> Store::samples(int64_t run_id) {
  const std::string context = impl_->context("read the samples of run " + std::to_string(run_id));
  auto stmt = impl_->prepare("SELECT " CHAOS_STORE_SAMPLE_COLUMNS
                             " FROM samples WHERE run_id = ?1 ORDER BY series, unix_ms, id");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto samples = collect(*stmt, read_sample);
  if (!samples) return samples.status().with_context(context);
  return samples;
}

Result<std::vector<CheckRecord>> Store::checks(int64_t run_id) {
  const std::string context = impl_->context("read the checks of run " + std::to_string(run_id));
  auto stmt = impl_->prepare("SELECT " CHAOS_STORE_CHECK_COLUMNS
                             " FROM checks WHERE run_id = ?1 ORDER BY id");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto checks = collect(*stmt, read_check);
  if (!checks) return checks.status().with_context(context);
  return checks;
}

}  // namespace chaos::store

namespace chaos::store {

Result<RunPage> Store::list_run_summaries(const RunQuery& query) {
  const std::string context = impl_->context("list runs");
  if (query.limit < 0 || query.offset < 0) {
    return Status::invalid_argument("limit and offset must not be negative (got " +
                                    std::to_string(query.limit) + " and " +
                                    std::to_string(query.offset) + ")")
        .with_context(context);
  }
  // Only fixed fragments are pasted into the SQL; values are bound. One WHERE per filter (not
  // "?1 = '' OR ...") so SQLite can pick runs_by_experiment or runs_by_verdict.
  std::string where;
  if (!query.experiment_path.empty()) where += " AND experiment_path = ?3";
  if (!query.verdict.empty()) where += " AND verdict = ?4";
  if (!where.empty()) where = " WHERE" + where.substr(4);
  auto bind_filters = [&](SqliteStatement& stmt) {
    if (!query.experiment_path.empty()) stmt.bind_text(3, query.experiment_path);
    if (!query.verdict.empty()) stmt.bind_text(4, query.verdict);
  };

  RunPage page;
  auto count = impl_->prepare("SELECT count(*) FROM runs" + where);
  if (!count) return count.status().with_context(context);
  bind_filters(*count);
  auto counted = count->step();
  if (!counted) return counted.status().with_context(context);
  page.total = *counted ? count->column_int(0) : 0;

  auto stmt = impl_->prepare(
      "SELECT id, experiment_path, title, source_sha256, started_unix_ms, ended_unix_ms, state, "
      "verdict, reason, summary_json FROM runs" +
      where + " ORDER BY started_unix_ms DESC, id DESC LIMIT ?1 OFFSET ?2");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, query.limit);
  stmt->bind_int(2, query.offset);
  bind_filters(*stmt);
  auto runs = collect(*stmt, [](const SqliteStatement& row) {
    RunSummary r;
    r.id = row.column_int(0);
    r.experiment_path = row.column_text(1);
    r.title = row.column_text(2);
    r.source_sha256 = row.column_text(3);
    r.started_unix_ms = row.column_int(4);
    r.ended_unix_ms = row.column_int(5);
    r.state = row.column_text(6);
    r.verdict = row.column_text(7);
    r.reason = row.column_text(8);
    r.summary_json = row.column_text(9);
    return r;
  });
  if (!runs) return runs.status().with_context(context);
  page.runs = std::move(runs.value());
  return page;
}

Result<std::vector<std::string>> Store::experiment_paths() {
  const std::string context = impl_->context("list experiment paths");
  auto stmt = impl_->prepare("SELECT DISTINCT experiment_path FROM runs ORDER BY experiment_path");
  if (!stmt) return stmt.status().with_context(context);
  auto paths = collect(*stmt, [](const SqliteStatement& row) { return row.column_text(0); });
  if (!paths) return paths.status().with_context(context);
  return paths;
}

}  // namespace chaos::store
