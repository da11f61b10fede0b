#pragma once
// Direct access to a database file, bypassing the Store, so tests can check what is really on
// disk and plant states the Store would never write. Fails the current test on SQLite errors.

#include <string>
#include <vector>

namespace chaos::store::testing {

using Rows = std::vector<std::vector<std::string>>;  // NULL reads as "NULL"

// Runs `sql` on its own connection to `path` and returns every row as text.
Rows raw_query(const std::string& path, const std::string& sql);

}  // namespace chaos::store::testing
