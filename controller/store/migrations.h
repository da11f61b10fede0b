#pragma once
// The schema's history: an ordered list of migration steps, oldest first.
//
// Append only. A step that has shipped is never edited, because databases in the field already
// ran it; a change is a new step with the next version. The migrator applies each pending step
// in its own transaction and records it in schema_migrations.
//
// Thread-safety: the list is immutable.

#include <span>

namespace chaos::store {

struct Migration {
  int version;       // 1, 2, 3, ... with no gaps
  const char* name;  // for people reading schema_migrations
  const char* sql;   // DDL only: no values, several statements allowed
};

std::span<const Migration> migrations();

// The version a database has once every step is applied.
int latest_schema_version();

}  // namespace chaos::store
