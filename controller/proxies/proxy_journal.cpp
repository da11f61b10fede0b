#include "proxies/proxy_journal.h"

#include <boost/json.hpp>

#include "engine/run_owner.h"

namespace chaos::proxies {

namespace {

constexpr size_t kMaxPendingSamples = 100000;  // a store that cannot keep up drops, not grows

const char* level_name(chaos_log_level level) {
  switch (level) {
    case CHAOS_LOG_DEBUG: return "debug";
    case CHAOS_LOG_INFO: return "info";
    case CHAOS_LOG_WARN: return "warn";
    case CHAOS_LOG_ERROR: return "error";
  }
  return "info";
}

}  // namespace

Result<std::unique_ptr<ProxyJournal>> ProxyJournal::open(const std::string& db_path,
                                                         const std::string& title,
                                                         const std::string& config_text,
                                                         Clock& clock) {
  auto store = store::Store::open(db_path);
  if (!store) return store.status();
  store::RunRecord record;
  record.experiment_path = "(standing proxies)";
  record.title = title;
  record.description =
      "Proxies kept up between runs by one chaosctl process, and the faults (toxics) applied to "
      "them there.";
  record.source = config_text;
  record.plugins_json = "[]";
  record.started_unix_ms = clock.unix_ms();
  // The owner: reconcile leaves the record alone while this process lives.
  record.summary_json = engine::RunOwner::current().to_summary();
  auto id = store.value()->begin_run(record);
  if (!id) return id.status();
  return std::unique_ptr<ProxyJournal>(new ProxyJournal(std::move(store.value()), id.value(), clock));
}

std::unique_ptr<ProxyJournal> ProxyJournal::discard(Clock& clock) {
  return std::unique_ptr<ProxyJournal>(new ProxyJournal(nullptr, 0, clock));
}

ProxyJournal::~ProxyJournal() { close("chaosctl stopped; every proxy and toxic went with it"); }

Status ProxyJournal::write(journal::EventKind kind, const std::string& message,
                           const std::string& detail_json) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!store_ || closed_) return Status::ok();
  store::EventRecord event;
  event.run_id = record_id_;
  event.unix_ms = clock_.unix_ms();
  event.phase = "injecting";
  event.kind = journal::event_kind_name(kind);
  event.message = message;
  event.detail_json = detail_json;
  auto id = store_->append_event(event);
  return id ? Status::ok() : id.status().with_context(std::string("cannot journal ") + event.kind);
}

void ProxyJournal::flush_samples() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!store_ || pending_.empty()) return;
  (void)store_->append_samples(pending_);  // metrics are best effort; the events are not
  pending_.clear();
}

void ProxyJournal::close(const std::string& reason) {
  flush_samples();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!store_ || closed_) return;
  closed_ = true;
  (void)store_->finish_run(record_id_, clock_.unix_ms(), "", reason, "{}");
}

void ProxyJournal::fault_log(const std::string& fault, chaos_log_level level,
                             std::string message) {
  (void)write(journal::EventKind::kPluginLog, fault + ": " + message,
              boost::json::serialize(boost::json::object{{"fault", fault},
                                                         {"level", level_name(level)}}));
}

void ProxyJournal::fault_metric(const std::string& fault, std::string name, double value,
                                int64_t unix_ms) {
  // A standing proxy's own counters ("db", no slash) would be stored every second for as long
  // as it stands; the faults' ("db/latency_downstream") are kept, as a run keeps them.
  if (fault.find('/') == std::string::npos) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!store_ || closed_ || pending_.size() >= kMaxPendingSamples) return;
  store::SampleRecord sample;
  sample.run_id = record_id_;
  sample.series = fault + "." + name;
  sample.unix_ms = unix_ms ? unix_ms : clock_.unix_ms();  // 0: the plugin means "now"
  sample.value = value;
  sample.phase = "injecting";
  pending_.push_back(std::move(sample));
}

void ProxyJournal::fault_event(const std::string& fault, std::string kind,
                               std::string detail_json) {
  (void)write(journal::EventKind::kPluginEvent, fault + ": " + kind, detail_json);
}

}  // namespace chaos::proxies
