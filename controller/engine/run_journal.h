#pragma once
// RunJournal: one run's writer of the journal. Every entry is stamped with the run's phase and
// the time, written to the store, and shown to the observers. The run writes *before* each
// effect (a transition, a fault's start, update or stop): a write that fails is returned, so
// the caller refuses the effect, and reported once to `on_failure`, which ends the run errored.
//
// Until bind() gives it the run's id (the store could not record the run), entries go to the
// observers only.
//
// Thread-safety: one thread (the run's event loop).

#include <functional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "journal/journal_reader.h"
#include "store/store.h"

namespace chaos::engine {

class RunJournal {
 public:
  using OnWritten = std::function<void(const journal::JournalEvent&)>;
  using OnFailure = std::function<void(const Status&)>;

  RunJournal(store::Store& store, Clock& clock, OnWritten on_written, OnFailure on_failure)
      : store_(store), clock_(clock), on_written_(std::move(on_written)),
        on_failure_(std::move(on_failure)) {}

  void bind(int64_t run_id) { run_id_ = run_id; }
  int64_t run_id() const { return run_id_; }
  void set_phase(journal::Phase phase) { phase_ = phase; }
  journal::Phase phase() const { return phase_; }

  Status write(journal::EventKind kind, std::string message, std::string detail_json = "{}");
  // For entries that must not hold up what follows them (a stop, a log line): a failure is
  // reported to on_failure, which ends the run errored, and the caller carries on.
  void record(journal::EventKind kind, std::string message, std::string detail_json = "{}") {
    if (Status st = write(kind, std::move(message), std::move(detail_json)); !st) return;
  }
  // Writes the entry and keeps `recovery` (a fault's real parameters) in one transaction.
  Status write(journal::EventKind kind, std::string message, std::string detail_json,
               store::RecoveryRecord recovery);
  // The fault's recovery record is not needed any more (it stopped, or never started); 0: every
  // record of the run. A failure is reported to on_failure.
  void forget_recovery(journal::FaultId fault);

  store::Store& store() { return store_; }

 private:
  Status written(journal::JournalEvent event, Result<int64_t> id);
  Status failed(Status status);

  store::Store& store_;
  Clock& clock_;
  OnWritten on_written_;
  OnFailure on_failure_;
  int64_t run_id_ = 0;
  journal::Phase phase_ = journal::Phase::kValidating;
};

}  // namespace chaos::engine
