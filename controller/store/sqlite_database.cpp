#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

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

namespace {

// A file: URI for `path` (RFC 3986 escapes for the characters SQLite's URI parser treats
// specially), with `query`.
std::string file_uri(const std::string& path, const std::string& query) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20) {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      uri += escaped;
    } else {
      uri += c;
    }
  }
  return uri + "?" + query;
}

// Reads the schema: the first statement that needs the file (and, in WAL mode, the -shm).
int first_read(sqlite3* db) {
  return sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
}

}  // namespace

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open_read_only(
    const std::string& path, std::string* immutable_note) {
  const std::string context = "cannot open " + path + " for reading";
  if (path.empty()) return Status::invalid_argument("cannot open the store: the path is empty");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::not_found(context + ": there is no such file (no run has been stored there)");
  }
  auto attempt = [&](const std::string& name,
                     int extra) -> Result<std::unique_ptr<SqliteDatabase>> {
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | extra;
    int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(raw, path));
    if (rc == SQLITE_OK) {
      sqlite3_extended_result_codes(raw, 1);
      sqlite3_busy_timeout(raw, kBusyTimeoutMs);
      rc = first_read(raw);
    }
    if (rc != SQLITE_OK) return sqlite_status(raw, rc).with_context(context);
    return db;
  };
  auto db = attempt(path, 0);
  if (db) return db;
  // SQLITE_CANTOPEN (or a read-only -shm): a WAL database whose -shm cannot be opened or made.
  auto immutable = attempt(file_uri(path, "immutable=1"), SQLITE_OPEN_URI);
  if (!immutable) return db.status();
  if (immutable_note != nullptr) {
    const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
    *immutable_note = "note: " + path +
                      " is read as an immutable snapshot (its directory cannot be written, so "
                      "SQLite cannot share its WAL index): writes by a controller running now " +
                      (!ec && wal_size > 0 ? "and the changes still in " + path + "-wal (" +
                                                 std::to_string(wal_size) + " bytes) "
                                           : std::string()) +
                      "are not shown";
  }
  return immutable;
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
