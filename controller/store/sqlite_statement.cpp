#include "store/sqlite_statement.h"

#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <utility>

#include "common/utf8.h"
#include "store/sqlite_error.h"

namespace chaos::store {

Result<SqliteStatement> SqliteStatement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_status(db, rc);
  }
  return SqliteStatement(db, stmt);
}

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(other.bind_error_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = other.bind_error_;
  }
  return *this;
}

void SqliteStatement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void SqliteStatement::bind_int(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
}

void SqliteStatement::bind_double(int index, double value) {
  if (std::isnan(value)) {
    bind_null(index);
  } else {
    note_bind(sqlite3_bind_double(stmt_, index, value));
  }
}

void SqliteStatement::bind_text(int index, std::string_view value) {
  // sqlite3_bind_text64 takes the length, so embedded NULs survive; TRANSIENT makes SQLite copy.
  note_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void SqliteStatement::bind_null(int index) { note_bind(sqlite3_bind_null(stmt_, index)); }

Result<bool> SqliteStatement::step() {
  if (bind_error_ != 0) {
    return Status::invalid_argument(std::string("cannot bind a value: ") +
                                    sqlite3_errstr(bind_error_));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_status(db_, rc);
}

Status SqliteStatement::run() {
  auto row = step();
  if (!row) return row.status();
  if (*row) return Status::failed("statement returned rows where none were expected");
  return Status::ok();
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

int64_t SqliteStatement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double SqliteStatement::column_double(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return sqlite3_column_double(stmt_, index);
}

std::string SqliteStatement::column_text(int index) const {
  // Text first, then its length: the documented order that avoids a second conversion.
  const auto* text = sqlite3_column_text(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  if (text == nullptr) return {};
  // Everything read back is shown as text or JSON, which must be UTF-8: a byte a Lua string
  // carried into a stored reason or source comes back as U+FFFD (the SHA-256 stays the bytes').
  return valid_utf8(
      std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(size)));
}

}  // namespace chaos::store
