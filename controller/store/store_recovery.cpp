// The recovery records: a fault's real parameters, kept for reconcile while the fault may be
// injected (see migrations.cpp, version 5). Only reconcile reads them.
#include "store/sqlite_transaction.h"
#include "store/store.h"
#include "store/store_impl.h"

namespace chaos::store {

Result<int64_t> Store::append_event(const EventRecord& event, const RecoveryRecord& recovery) {
  const std::string context = impl_->context("record the start of fault " +
                                             std::to_string(recovery.fault_id) + " of run " +
                                             std::to_string(recovery.run_id));
  auto tx = SqliteTransaction::begin(*impl_->db);
  if (!tx) return tx.status().with_context(context);
  auto id = impl_->insert_event(event);
  if (!id) return id.status();
  auto stmt = impl_->prepare(
      "INSERT OR REPLACE INTO fault_recovery (run_id, fault_id, kind, name, params_json) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, recovery.run_id);
  stmt->bind_int(2, recovery.fault_id);
  stmt->bind_text(3, recovery.kind);
  stmt->bind_text(4, recovery.name);
  stmt->bind_text(5, json_or(recovery.params_json, "{}"));
  if (Status s = stmt->run(); !s) return s.with_context(context);
  if (Status s = tx->commit(); !s) return s.with_context(context);
  return id;
}

Result<std::vector<RecoveryRecord>> Store::recovery_records(int64_t run_id) {
  const std::string context =
      impl_->context("read the recovery records of run " + std::to_string(run_id));
  auto stmt = impl_->prepare(
      "SELECT run_id, fault_id, kind, name, params_json FROM fault_recovery WHERE run_id = ?1 "
      "ORDER BY fault_id");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto records = collect(*stmt, [](const SqliteStatement& row) {
    return RecoveryRecord{row.column_int(0), row.column_int(1), row.column_text(2),
                          row.column_text(3), row.column_text(4)};
  });
  if (!records) return records.status().with_context(context);
  return records;
}

Status Store::forget_recovery(int64_t run_id, int64_t fault_id) {
  const std::string context =
      impl_->context("forget the recovery records of run " + std::to_string(run_id));
  auto stmt = impl_->prepare(
      "DELETE FROM fault_recovery WHERE run_id = ?1 AND (?2 = 0 OR fault_id = ?2)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  stmt->bind_int(2, fault_id);
  if (Status s = stmt->run(); !s) return s.with_context(context);
  return Status::ok();
}

}  // namespace chaos::store
