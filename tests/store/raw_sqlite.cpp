#include "raw_sqlite.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace chaos::store::testing {

Rows raw_query(const std::string& path, const std::string& sql) {
  Rows rows;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int n, char** values, char**) {
          auto& row = static_cast<Rows*>(out)->emplace_back();
          for (int i = 0; i < n; ++i) row.emplace_back(values[i] != nullptr ? values[i] : "NULL");
          return 0;
        },
        &rows, &error);
    if (error != nullptr) {
      ADD_FAILURE() << "raw query failed on " << path << ": " << error << "\n  " << sql;
      sqlite3_free(error);
    }
  } else {
    ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db);
  }
  sqlite3_close(db);
  return rows;
}

}  // namespace chaos::store::testing
