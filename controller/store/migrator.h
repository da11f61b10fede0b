#pragma once
// Brings a database's schema up to the version this build knows (see migrations.h).
//
// Thread-safety: uses the connection it is given, one thread at a time. Several processes may
// migrate the same file at once: each step re-reads the version inside its write transaction,
// so a step another process has just applied is skipped, not applied twice.

#include <span>

#include "common/clock.h"
#include "common/status.h"
#include "store/migrations.h"
#include "store/sqlite_database.h"

namespace chaos::store {

// The highest version recorded in schema_migrations; 0 for a database with none.
Result<int> applied_schema_version(SqliteDatabase& db);

// Applies every step of `steps` newer than the database, each in its own transaction, recording
// (version, name, applied_unix_ms from `clock`) in schema_migrations. Returns the version the
// database ends at. A database newer than the last step is refused, naming both versions;
// nothing is changed then. REQUIRES: `steps` versions increase by one from 1.
Result<int> apply_migrations(SqliteDatabase& db, const Clock& clock,
                             std::span<const Migration> steps = migrations());

}  // namespace chaos::store
