#pragma once
// Turns SQLite result codes into Status values, so the rest of the store never sees an int code.
// Thread-safety: reads the connection's last error, so call it from the failing call's thread.

#include "common/status.h"

struct sqlite3;

namespace chaos::store {

// OK for SQLITE_OK, SQLITE_ROW and SQLITE_DONE. Otherwise a Status carrying SQLite's own message
// for `db` (or the generic text for `rc` when `db` is null). Constraint failures are
// InvalidArgument: the caller passed something the schema refuses (an unknown run id, say).
// Everything else is IoError. Callers add what failed and the file with Status::with_context.
Status sqlite_status(sqlite3* db, int rc);

}  // namespace chaos::store
