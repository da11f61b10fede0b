#include "store/migrator.h"

#include <string>

#include "store/sqlite_statement.h"
#include "store/sqlite_transaction.h"

namespace chaos::store {
namespace {

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version          INTEGER PRIMARY KEY,
  name             TEXT    NOT NULL DEFAULT '',
  applied_unix_ms  INTEGER NOT NULL
)
)sql";

Status record_step(SqliteDatabase& db, const Migration& step, int64_t unix_ms) {
  auto stmt = SqliteStatement::prepare(
      db.handle(),
      "INSERT INTO schema_migrations (version, name, applied_unix_ms) VALUES (?1, ?2, ?3)");
  if (!stmt) return stmt.status();
  stmt->bind_int(1, step.version);
  stmt->bind_text(2, step.name);
  stmt->bind_int(3, unix_ms);
  return stmt->run();
}

// One step in one transaction. Another process may have applied it since we last looked, so the
// version is read again under the write lock.
Status apply_step(SqliteDatabase& db, const Migration& step, const Clock& clock) {
  auto tx = SqliteTransaction::begin(db);
  if (!tx) return tx.status();
  auto current = applied_schema_version(db);
  if (!current) return current.status();
  if (*current >= step.version) return Status::ok();  // rolled back: nothing was written
  if (Status s = db.exec(step.sql); !s) return s;
  if (Status s = record_step(db, step, clock.unix_ms()); !s) return s;
  return tx->commit();
}

Status newer_schema(const std::string& path, int found, int known) {
  return Status::failed(path + " has schema version " + std::to_string(found) +
                        ", newer than this chaosctl knows (version " + std::to_string(known) +
                        "); use a chaosctl at least as new as the one that wrote it");
}

}  // namespace

Result<int> applied_schema_version(SqliteDatabase& db) {
  auto stmt = SqliteStatement::prepare(db.handle(),
                                       "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!stmt) return stmt.status();
  auto row = stmt->step();
  if (!row) return row.status();
  return static_cast<int>(stmt->column_int(0));
}

Result<int> apply_migrations(SqliteDatabase& db, const Clock& clock,
                             std::span<const Migration> steps) {
  const std::string& path = db.path();
  if (Status s = db.exec(kCreateMigrationsTable); !s) {
    return s.with_context("cannot create schema_migrations in " + path);
  }
  auto found = applied_schema_version(db);
  if (!found) return found.status().with_context("cannot read the schema version of " + path);

  const int known = steps.empty() ? 0 : steps.back().version;
  if (*found > known) return newer_schema(path, *found, known);
  for (const Migration& step : steps) {
    if (step.version <= *found) continue;
    if (Status s = apply_step(db, step, clock); !s) {
      return s.with_context("cannot migrate " + path + " to schema version " +
                            std::to_string(step.version) + " (" + step.name + ")");
    }
  }
  // A newer chaosctl may have migrated the file while we were at it.
  auto now_at = applied_schema_version(db);
  if (!now_at) return now_at.status().with_context("cannot read the schema version of " + path);
  if (*now_at > known) return newer_schema(path, *now_at, known);
  return *now_at;
}

}  // namespace chaos::store
