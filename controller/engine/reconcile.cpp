#include "engine/reconcile.h"

#include <signal.h>

#include <boost/json.hpp>
#include <cerrno>
#include <map>

#include "plugin_host/fault_instance.h"

namespace chaos::engine {

namespace {

// Plugins may log while recovering; their lines go to the report.
class ReportSink final : public plugin_host::FaultSink {
 public:
  explicit ReportSink(const std::function<void(const std::string&)>& report) : report_(report) {}
  void fault_log(const std::string& fault, chaos_log_level, std::string message) override {
    report_(fault + ": " + message);
  }
  void fault_metric(const std::string&, std::string, double, int64_t) override {}
  void fault_event(const std::string&, std::string, std::string) override {}

 private:
  const std::function<void(const std::string&)>& report_;
};

bool owner_alive(const store::RunRecord& run) {
  boost::system::error_code ec;
  auto summary = boost::json::parse(run.summary_json, ec);
  if (ec || !summary.is_object()) return false;
  const auto* pid = summary.as_object().if_contains("pid");
  if (!pid || !pid->is_int64() || pid->as_int64() <= 0) return false;
  return kill(static_cast<pid_t>(pid->as_int64()), 0) == 0 || errno == EPERM;
}

}  // namespace

void reconcile_interrupted_runs(store::Store& store, const plugin_host::PluginRegistry& registry,
                                Clock& clock,
                                const std::function<void(const std::string&)>& report) {
  auto runs = store.runs_left_running();
  if (!runs) {
    report("cannot check for interrupted runs: " + runs.status().message());
    return;
  }
  ReportSink sink(report);
  for (const auto& run : runs.value()) {
    if (owner_alive(run)) continue;  // another chaosctl is running it right now
    auto events = store.events(run.id);
    if (!events) continue;
    std::map<int64_t, boost::json::object> open;  // fault id -> its start detail
    for (const auto& e : events.value()) {
      boost::system::error_code ec;
      auto detail = boost::json::parse(e.detail_json, ec);
      if (ec || !detail.is_object() || !detail.as_object().contains("id")) continue;
      const int64_t id = detail.as_object().at("id").to_number<int64_t>();
      if (e.kind == "fault_start") open[id] = detail.as_object();
      if (e.kind == "fault_stop" || e.kind == "fault_start_failed") open.erase(id);
    }
    for (const auto& [id, detail] : open) {
      const std::string kind = boost::json::value_to<std::string>(detail.at("kind"));
      const std::string name = boost::json::value_to<std::string>(detail.at("name"));
      const plugin_host::FaultKind* k = registry.find_kind(kind);
      if (!k || !k->has_recover()) continue;
      Status st = plugin_host::recover_fault(*k, name, boost::json::serialize(detail.at("params")),
                                             sink);
      report("run " + std::to_string(run.id) + ": recovered fault '" + name + "' left by a " +
             "controller that died: " + (st ? "ok" : st.message()));
    }
    store::EventRecord note;
    note.run_id = run.id;
    note.unix_ms = clock.unix_ms();
    note.phase = "done";
    note.kind = "interrupted";
    note.message = "the controller running this experiment died; faults were reconciled";
    note.detail_json = "{}";
    (void)store.append_event(note);
    (void)store.mark_interrupted(run.id, clock.unix_ms(),
                                 "the controller died during the run (reconciled at next start)");
    report("run " + std::to_string(run.id) + " was left running by a controller that died; " +
           "marked interrupted");
  }
}

}  // namespace chaos::engine
