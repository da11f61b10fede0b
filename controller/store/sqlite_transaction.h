#pragma once
// SqliteTransaction: BEGIN IMMEDIATE ... COMMIT, rolled back if the object goes away uncommitted.
//
// IMMEDIATE takes the write lock at BEGIN, so a second writer (another process) waits on the busy
// timeout; a deferred transaction that upgrades from read to write would instead fail at once
// with SQLITE_BUSY.
//
// Thread-safety: as its connection, one thread at a time.

#include "common/status.h"
#include "store/sqlite_database.h"

namespace chaos::store {

class SqliteTransaction {
 public:
  // REQUIRES: no transaction is open on `db`; `db` outlives the transaction.
  static Result<SqliteTransaction> begin(SqliteDatabase& db);
  ~SqliteTransaction();
  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  // After a failed commit the transaction is rolled back on destruction.
  Status commit();

 private:
  explicit SqliteTransaction(SqliteDatabase* db) : db_(db) {}
  SqliteDatabase* db_;  // null once committed or moved from
};

}  // namespace chaos::store
