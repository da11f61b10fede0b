#pragma once
// Store's private parts, shared by the files that implement it (store.cpp, store_recovery.cpp).
// Not for use outside controller/store.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/run_ledger.h"
#include "store/sqlite_database.h"
#include "store/sqlite_statement.h"
#include "store/store.h"

namespace chaos::store {

// Empty JSON text is stored as the empty value of its shape, so readers can always parse it.
inline std::string_view json_or(const std::string& json, std::string_view empty) {
  return json.empty() ? empty : std::string_view(json);
}

// Steps `stmt` to the end, reading each row with `read`.
template <typename Read>
inline auto collect(SqliteStatement& stmt, Read read) -> Result<std::vector<decltype(read(stmt))>> {
  std::vector<decltype(read(stmt))> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return row.status();
    if (!*row) return out;
    out.push_back(read(stmt));
  }
}

struct Store::Impl {
  std::unique_ptr<SqliteDatabase> db;
  int schema_version = 0;
  // Stores opened for writing count what each run they began has committed (run_ledger.h).
  std::optional<RunLedger> ledger;
  std::map<int64_t, LedgerEntry> counted;  // the runs this Store began and has not ended

  // After a commit: `events` and `samples` more for the run, if this Store began it.
  void count(int64_t run_id, int64_t events, int64_t samples) {
    auto it = counted.find(run_id);
    if (it == counted.end() || !ledger) return;
    it->second.events += events;
    it->second.samples += samples;
    ledger->write(it->second);
  }

  Result<SqliteStatement> prepare(std::string_view sql) {
    return SqliteStatement::prepare(db->handle(), sql);
  }
  // "cannot <what> in <path>", the prefix every error from this Store carries.
  std::string context(const std::string& what) const {
    return "cannot " + what + " in " + db->path();
  }

  // Moves a running run to `state`; NotFound when absent, Failed when it is no longer running
  // (another process reconciled it, or it was already finished).
  Status end_run(int64_t run_id, const char* state, int64_t unix_ms, const std::string& verdict,
                 const std::string& reason, const std::string* summary_json);
  // One INSERT into events, in whatever transaction is open; returns the event's id.
  Result<int64_t> insert_event(const EventRecord& event);
};

}  // namespace chaos::store
