// The recovery records: a fault's real parameters, kept for reconcile while the fault may be
// injected (see migrations.cpp, versions 5 and 7). Only reconcile reads their parameters.
#include "store/sqlite_transaction.h"
#include "store/store.h"
#include "store/store_impl.h"

namespace chaos::store {

Result<int64_t> Store::append_event(const EventRecord& event, const RecoveryRecord& recovery) {
  const std::string context =
      impl_->context("record the start of fault " + std::to_string(recovery.fault_id) + " of run " +
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
  impl_->count(event.run_id, 1, 0);
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
  auto stmt =
      impl_->prepare("DELETE FROM fault_recovery WHERE run_id = ?1 AND (?2 = 0 OR fault_id = ?2)");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  stmt->bind_int(2, fault_id);
  if (Status s = stmt->run(); !s) return s.with_context(context);
  return Status::ok();
}

Status Store::mark_pending_recovery(const RecoveryRecord& record, int64_t unix_ms,
                                    const std::string& reason) {
  const std::string context =
      impl_->context("keep fault " + std::to_string(record.fault_id) + " of run " +
                     std::to_string(record.run_id) + " pending recovery");
  // The first time it became pending is kept; the reason is the latest attempt's.
  auto stmt = impl_->prepare(
      "INSERT INTO fault_recovery (run_id, fault_id, kind, name, params_json, pending_since_ms, "
      "pending_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (run_id, fault_id) DO "
      "UPDATE SET pending_since_ms = coalesce(pending_since_ms, ?6), pending_reason = ?7");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, record.run_id);
  stmt->bind_int(2, record.fault_id);
  stmt->bind_text(3, record.kind);
  stmt->bind_text(4, record.name);
  stmt->bind_text(5, json_or(record.params_json, "{}"));
  stmt->bind_int(6, unix_ms);
  stmt->bind_text(7, reason);
  if (Status s = stmt->run(); !s) return s.with_context(context);
  return Status::ok();
}

Result<std::vector<PendingRecovery>> Store::pending_recoveries(int64_t run_id) {
  const std::string context = impl_->context("read the faults pending recovery");
  auto stmt = impl_->prepare(
      "SELECT run_id, fault_id, kind, name, params_json, pending_since_ms, pending_reason "
      "FROM fault_recovery WHERE pending_since_ms IS NOT NULL AND (?1 = 0 OR run_id = ?1) "
      "ORDER BY run_id, fault_id");
  if (!stmt) return stmt.status().with_context(context);
  stmt->bind_int(1, run_id);
  auto pending = collect(*stmt, [](const SqliteStatement& row) {
    return PendingRecovery{RecoveryRecord{row.column_int(0), row.column_int(1), row.column_text(2),
                                          row.column_text(3), row.column_text(4)},
                           row.column_int(5), row.column_text(6)};
  });
  if (!pending) return pending.status().with_context(context);
  return pending;
}

}  // namespace chaos::store
