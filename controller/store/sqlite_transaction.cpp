#include "store/sqlite_transaction.h"

#include <utility>

namespace chaos::store {

Result<SqliteTransaction> SqliteTransaction::begin(SqliteDatabase& db) {
  if (Status s = db.exec("BEGIN IMMEDIATE"); !s) return s;
  return SqliteTransaction(&db);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

SqliteTransaction::~SqliteTransaction() {
  // Nothing to report to from a destructor; a failed ROLLBACK leaves SQLite to roll back when
  // the connection closes.
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Status SqliteTransaction::commit() {
  if (db_ == nullptr) return Status::failed("the transaction has already ended");
  Status s = db_->exec("COMMIT");
  if (s) db_ = nullptr;
  return s;
}

}  // namespace chaos::store
