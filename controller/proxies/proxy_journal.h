#pragma once
// ProxyJournal: where standing proxies write what they do, before they do it. In the store it
// is one record per proxy process, shown like a run ("standing proxies", state running while
// the process lives), whose events are the proxies and faults started and stopped there and
// whose samples are the faults' metrics, so `chaosctl show` and the UI show a toxic like any
// fault. A process that dies leaves the record running; the next start marks it interrupted
// (the proxies, and with them every toxic, died with the process).
//
// Thread-safety: every method may be called from any thread; mutex_ guards the store.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "journal/journal_types.h"
#include "plugin_host/fault_instance.h"
#include "store/store.h"

namespace chaos::proxies {

class ProxyJournal : public plugin_host::FaultSink {
 public:
  // Opens a new record in the store at `db_path`; `title` names the process for people.
  static Result<std::unique_ptr<ProxyJournal>> open(const std::string& db_path,
                                                    const std::string& title,
                                                    const std::string& config_text, Clock& clock);
  // A journal that keeps nothing (tests of the API shapes).
  static std::unique_ptr<ProxyJournal> discard(Clock& clock);
  ~ProxyJournal() override;

  // The record's id in the store (0 for a discarding journal).
  int64_t record_id() const { return record_id_; }
  // Appends an event; durable on return. The same typed kinds as a run's journal, so
  // reconcile and show read a standing proxy's record with the run's one reader.
  Status write(journal::EventKind kind, const std::string& message,
               const std::string& detail_json);
  // Writes buffered metric samples (the faults report every second; this batches them).
  void flush_samples();
  // Ends the record (state done). Idempotent.
  void close(const std::string& reason);

  // FaultSink
  void fault_log(const std::string& fault, chaos_log_level level, std::string message) override;
  void fault_metric(const std::string& fault, std::string name, double value,
                    int64_t unix_ms) override;
  void fault_event(const std::string& fault, std::string kind, std::string detail_json) override;

 private:
  ProxyJournal(std::unique_ptr<store::Store> store, int64_t record_id, Clock& clock)
      : store_(std::move(store)), record_id_(record_id), clock_(clock) {}

  std::mutex mutex_;
  std::unique_ptr<store::Store> store_;  // guarded by mutex_; null: discard everything
  const int64_t record_id_;
  Clock& clock_;
  std::vector<store::SampleRecord> pending_;  // guarded by mutex_
  bool closed_ = false;                       // guarded by mutex_
};

}  // namespace chaos::proxies
