#include "engine/run_journal.h"

namespace chaos::engine {

Status RunJournal::write(journal::EventKind kind, std::string message, std::string detail_json) {
  journal::JournalEvent event{0, run_id_, clock_.unix_ms(), phase_, kind, std::move(message),
                              std::move(detail_json)};
  if (!run_id_) return written(std::move(event), int64_t{0});
  auto id = store_.append_event(journal::encode(event));
  return written(std::move(event), std::move(id));
}

Status RunJournal::write(journal::EventKind kind, std::string message, std::string detail_json,
                         store::RecoveryRecord recovery) {
  journal::JournalEvent event{0, run_id_, clock_.unix_ms(), phase_, kind, std::move(message),
                              std::move(detail_json)};
  if (!run_id_) return written(std::move(event), int64_t{0});
  recovery.run_id = run_id_;
  auto id = store_.append_event(journal::encode(event), recovery);
  return written(std::move(event), std::move(id));
}

void RunJournal::forget_recovery(journal::FaultId fault) {
  if (!run_id_) return;
  if (Status st = store_.forget_recovery(run_id_, fault); !st) on_failure_(failed(st));
}

Status RunJournal::written(journal::JournalEvent event, Result<int64_t> id) {
  if (id) event.id = id.value();
  // Observers see the entry even when the store refused it: the error that follows explains.
  on_written_(event);
  if (id) return Status::ok();
  Status st = failed(id.status());
  on_failure_(st);
  return st;
}

Status RunJournal::failed(Status status) {
  return Status::io_error("the journal cannot be written: " + status.message());
}

}  // namespace chaos::engine
