#include "store/refusal_log.h"

#include "common/clock.h"
#include "store/migrator.h"
#include "store/sqlite_database.h"
#include "store/sqlite_statement.h"

namespace chaos::store {

namespace {

#define CHAOS_STORE_REFUSAL_COLUMNS "id, unix_ms, origin, experiment, schedule, blackout, message"

RefusalRecord read_refusal(const SqliteStatement& row) {
  RefusalRecord r;
  r.id = row.column_int(0);
  r.unix_ms = row.column_int(1);
  r.origin = row.column_text(2);
  r.experiment = row.column_text(3);
  r.schedule = row.column_text(4);
  r.blackout = row.column_text(5);
  r.message = row.column_text(6);
  return r;
}

Result<std::vector<RefusalRecord>> collect(SqliteStatement& stmt) {
  std::vector<RefusalRecord> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return row.status();
    if (!*row) return out;
    out.push_back(read_refusal(stmt));
  }
}

}  // namespace

RefusalLog::RefusalLog(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}
RefusalLog::~RefusalLog() = default;

Result<std::unique_ptr<RefusalLog>> RefusalLog::open(const std::string& path) {
  auto db = SqliteDatabase::open(path);
  if (!db) return db.status();
  SystemClock clock;
  if (auto version = apply_migrations(**db, clock); !version) return version.status();
  return std::unique_ptr<RefusalLog>(new RefusalLog(std::move(*db)));
}

Result<int64_t> RefusalLog::append(const RefusalRecord& r) {
  const std::string context = "cannot record a refused start in " + db_->path();
  auto stmt = SqliteStatement::prepare(
      db_->handle(),
      "INSERT INTO start_refusals (unix_ms, origin, experiment, schedule, blackout, message) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, r.unix_ms);
  stmt->bind_text(2, r.origin);
  stmt->bind_text(3, r.experiment);
  stmt->bind_text(4, r.schedule);
  stmt->bind_text(5, r.blackout);
  stmt->bind_text(6, r.message);
  if (Status s = stmt->run(); !s) return s.with_context(context);
  return db_->last_insert_rowid();
}

Result<std::vector<RefusalRecord>> RefusalLog::recent(int limit) {
  const std::string context = "cannot read refused starts in " + db_->path();
  auto stmt =
      SqliteStatement::prepare(db_->handle(), "SELECT " CHAOS_STORE_REFUSAL_COLUMNS
                                              " FROM start_refusals ORDER BY id DESC LIMIT ?1");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, limit);
  auto rows = collect(*stmt);
  if (!rows) return rows.status().with_context(context);
  return rows;
}

Result<std::vector<RefusalRecord>> RefusalLog::recent_for_schedule(const std::string& schedule,
                                                                   const std::string& experiment,
                                                                   int limit) {
  const std::string context = "cannot read refused starts in " + db_->path();
  auto stmt = SqliteStatement::prepare(
      db_->handle(), "SELECT " CHAOS_STORE_REFUSAL_COLUMNS
                     " FROM start_refusals WHERE schedule = ?1 AND experiment = ?2 AND "
                     "origin = 'schedule' ORDER BY id DESC LIMIT ?3");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_text(1, schedule);
  stmt->bind_text(2, experiment);
  stmt->bind_int(3, limit);
  auto rows = collect(*stmt);
  if (!rows) return rows.status().with_context(context);
  return rows;
}

Result<int64_t> RefusalLog::count_for_schedule(const std::string& schedule,
                                               const std::string& experiment) {
  const std::string context = "cannot count refused starts in " + db_->path();
  auto stmt = SqliteStatement::prepare(
      db_->handle(),
      "SELECT COUNT(*) FROM start_refusals WHERE schedule = ?1 AND experiment = ?2 AND "
      "origin = 'schedule'");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_text(1, schedule);
  stmt->bind_text(2, experiment);
  auto row = stmt->step();
  if (!row) return row.status().with_context(context);
  return *row ? stmt->column_int(0) : 0;
}

}  // namespace chaos::store
