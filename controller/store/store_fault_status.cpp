// What faults' `status` entries returned (see migrations.cpp, version 6).
#include "store/sqlite_transaction.h"
#include "store/store.h"
#include "store/store_impl.h"

namespace chaos::store {

Status Store::append_fault_statuses(const std::vector<FaultStatusRecord>& statuses) {
  if (statuses.empty()) return Status::ok();
  const std::string context =
      impl_->context("append " + std::to_string(statuses.size()) + " fault statuses");
  auto tx = SqliteTransaction::begin(*impl_->db);
  if (!tx) return tx.status().with_context(context);
  auto stmt = impl_->prepare(
      "INSERT INTO fault_status (run_id, fault_id, name, kind, unix_ms, final, status_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!stmt) return stmt.status().with_context(context);
  for (const FaultStatusRecord& status : statuses) {
    stmt->reset();
    stmt->bind_int(1, status.run_id);
    stmt->bind_int(2, status.fault_id);
    stmt->bind_text(3, status.name);
    stmt->bind_text(4, status.kind);
    stmt->bind_int(5, status.unix_ms);
    stmt->bind_int(6, status.final ? 1 : 0);
    stmt->bind_text(7, json_or(status.status_json, "{}"));
    if (Status s = stmt->run(); !s) {
      return s.with_context(context + " (fault " + status.name + ", run " +
                            std::to_string(status.run_id) + ")");
    }
  }
  if (Status s = tx->commit(); !s) return s.with_context(context);
  return Status::ok();
}

Result<std::vector<FaultStatusRecord>> Store::fault_statuses(int64_t run_id, bool final_only) {
  const std::string context =
      impl_->context("read the fault statuses of run " + std::to_string(run_id));
  auto stmt = impl_->prepare(
      "SELECT run_id, fault_id, name, kind, unix_ms, final, status_json FROM fault_status "
      "WHERE run_id = ?1 AND (?2 = 0 OR final = 1) ORDER BY fault_id, unix_ms, id");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  stmt->bind_int(2, final_only ? 1 : 0);
  auto records = collect(*stmt, [](const SqliteStatement& row) {
    return FaultStatusRecord{row.column_int(0),  row.column_int(1), row.column_text(2),
                             row.column_text(3), row.column_int(4), row.column_int(5) != 0,
                             row.column_text(6)};
  });
  if (!records) return records.status().with_context(context);
  return records;
}

}  // namespace chaos::store
