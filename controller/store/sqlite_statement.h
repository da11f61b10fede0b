#pragma once
// SqliteStatement: one prepared statement, finalized when the object goes away.
//
// Values only ever reach SQL through the bind_* calls, never by pasting them into the SQL text.
// Bind indexes are 1-based and column indexes 0-based, as in SQLite's own API. A failed bind is
// remembered and returned by the next step() or run(), so a run of binds needs no checks between.
//
// Finalizing (or reset()) also ends the read snapshot a SELECT holds, which in WAL mode would
// otherwise hide newer commits and hold back checkpoints: keep statements short-lived.
//
// Thread-safety: as its connection, one thread at a time.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace chaos::store {

class SqliteStatement {
 public:
  // REQUIRES: `db` outlives the statement. `sql` holds one statement.
  static Result<SqliteStatement> prepare(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_int(int index, int64_t value);
  // SQLite would store NaN as NULL anyway; binding NULL says so, and column_double reads it back
  // as NaN.
  void bind_double(int index, double value);
  // Copies the bytes (embedded NULs included), so `value` may be a temporary.
  void bind_text(int index, std::string_view value);
  void bind_null(int index);

  // Advances: true when a row is ready to read, false when the statement is done.
  Result<bool> step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DDL) to completion.
  Status run();
  // Rewinds and clears the bindings, for running the same statement again.
  void reset();

  // REQUIRES: the last step() returned true.
  int64_t column_int(int index) const;
  double column_double(int index) const;  // NaN for NULL
  // Text, with any byte that is not well-formed UTF-8 replaced by U+FFFD (common/utf8.h).
  std::string column_text(int index) const;

 private:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void note_bind(int rc);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = 0;  // first failed bind's SQLite code, 0 if none
};

}  // namespace chaos::store
