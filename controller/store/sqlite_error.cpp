#include "store/sqlite_error.h"

#include <sqlite3.h>

#include <string>

namespace chaos::store {

Status sqlite_status(sqlite3* db, int rc) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Status::ok();
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::invalid_argument(std::move(message));
  return Status::io_error(std::move(message));
}

}  // namespace chaos::store
