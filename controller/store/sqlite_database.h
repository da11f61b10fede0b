#pragma once
// SqliteDatabase: one open SQLite connection, configured the way the journal relies on.
//
// Opening sets: extended result codes, a busy timeout (writers from other processes queue
// instead of failing), foreign keys on, WAL journal mode, synchronous=NORMAL. In WAL mode with
// NORMAL, a commit survives a crash of the process at once and a power loss after the next
// checkpoint; faults with effects outside the process do not survive a power loss either.
//
// Thread-safety: one thread at a time (the connection is opened without SQLite's mutex).

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

struct sqlite3;

namespace chaos::store {

class SqliteDatabase {
 public:
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens or creates the file at `path`. Errors read "cannot open <path>: <reason>".
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path);

  // Opens an existing file for reading only (SQLITE_OPEN_READONLY): nothing is created,
  // migrated or switched to WAL, so a file or directory the user cannot write (a read-only
  // mount, a copy from another machine) can still be read. A WAL database needs its -shm file;
  // when that can be neither opened nor created (a read-only directory without it), the file is
  // read as immutable instead (no locks), and `immutable_note` says what that misses: changes
  // still in DB-wal, and writes by a controller running at the same time.
  static Result<std::unique_ptr<SqliteDatabase>> open_read_only(const std::string& path,
                                                                std::string* immutable_note);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // The connection, for SqliteStatement. Owned by this object.
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs SQL text that holds no values (DDL, BEGIN, COMMIT); several statements allowed.
  // Anything carrying a value goes through SqliteStatement and its binds instead.
  Status exec(const char* sql);

  int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t changes() const;

 private:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status configure();
  Status enable_wal();

  sqlite3* db_;
  std::string path_;
};

}  // namespace chaos::store
