#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>

#include "store/sqlite_error.h"

namespace chaos::store {

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path) {
  const std::string context = "cannot open " + path;
  // An empty name would silently give a private temporary database that nothing else can read.
  if (path.empty()) return Status::invalid_argument("cannot open the store: the path is empty");

  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // SQLite hands back a handle even on failure (for the message); the object owns it either way.
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(raw, path));
  if (rc != SQLITE_OK) return sqlite_status(raw, rc).with_context(context);

  if (Status s = db->configure(); !s) return s.with_context(context);
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  // Statements are owned by their callers and finalized before this; close_v2 tolerates any
  // left over rather than leaking the connection.
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status SqliteDatabase::configure() {
  sqlite3_extended_result_codes(db_, 1);
  if (Status s = sqlite_status(db_, sqlite3_busy_timeout(db_, kBusyTimeoutMs)); !s) return s;
  if (Status s = exec("PRAGMA foreign_keys = ON"); !s) return s;
  if (Status s = enable_wal(); !s) return s;
  return exec("PRAGMA synchronous = NORMAL");
}

Status SqliteDatabase::enable_wal() {
  // Switching to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without
  // the busy handler, when another connection is switching the same file at the same moment
  // (several processes opening a fresh file). So wait here, within the same busy timeout.
  // Regression: StoreMigrations.ProcessesOpeningAFreshFileAtOnceMigrateItOnce.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  std::string mode;
  auto keep_mode = [](void* out, int, char** values, char**) {
    *static_cast<std::string*>(out) = values[0] != nullptr ? values[0] : "";
    return 0;
  };
  for (;;) {
    const int rc = sqlite3_exec(db_, "PRAGMA journal_mode = WAL", keep_mode, &mode, nullptr);
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      if (Status s = sqlite_status(db_, rc); !s) return s;
      break;
    }
    sqlite3_sleep(2);
  }
  // journal_mode answers with the mode in effect: a file system without shared memory, for one,
  // leaves it unchanged without an error.
  if (mode != "wal") {
    return Status::io_error("cannot enable WAL journal mode (it stayed '" + mode + "')");
  }
  return Status::ok();
}

Status SqliteDatabase::exec(const char* sql) {
  // The connection keeps the error message, so sqlite_status reads it from there.
  return sqlite_status(db_, sqlite3_exec(db_, sql, nullptr, nullptr, nullptr));
}

int64_t SqliteDatabase::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int64_t SqliteDatabase::changes() const { return sqlite3_changes64(db_); }

}  // namespace chaos::store
