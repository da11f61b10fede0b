#include "engine/reconcile.h"

#include <cstdlib>

#include "engine/remote_faults.h"

#include <boost/json.hpp>
#include <map>

#include "engine/run_owner.h"
#include "journal/journal_reader.h"
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

// A run is its owner's while the owner lives. A run with no recorded owner was left by a
// chaosctl that did not record one, which is gone by now.
bool owner_alive(const store::RunRecord& run) {
  auto owner = RunOwner::from_summary(run.summary_json);
  return owner && owner->alive();
}

// Calls recover for every fault of `run` that may still be injected. The parameters come from
// the recovery record (real values, writeOnly ones included); a run stored before recovery
// records existed falls back to the journal's (redacted) parameters.
void recover_faults(store::Store& store, const plugin_host::PluginRegistry& registry,
                    const store::RunRecord& run, const std::vector<store::EventRecord>& events,
                    const std::function<void(const std::string&)>& report) {
  std::map<int64_t, store::RecoveryRecord> kept;
  if (auto records = store.recovery_records(run.id); records) {
    for (auto& r : records.value()) kept.emplace(r.fault_id, std::move(r));
  } else {
    report("run " + std::to_string(run.id) + ": " + records.status().message());
  }
  ReportSink sink(report);
  for (const auto& fault : journal::fault_windows(events)) {
    if (!fault.may_be_injected()) continue;
    if (!fault.remote.empty()) {
      // Held by another process on a lease that has likely run out already; remove it now if
      // not (CHAOS_PROXY_TOKEN: the holder's token, when it listens beyond loopback).
      const char* token = std::getenv("CHAOS_PROXY_TOKEN");
      Status st = remove_remote_fault(fault.remote, token ? token : "");
      report("run " + std::to_string(run.id) + ": removed remote fault '" + fault.name +
             "' left by a controller that died: " + (st ? "ok" : st.message()));
      continue;
    }
    const plugin_host::FaultKind* k = registry.find_kind(fault.kind);
    if (!k || !k->has_recover()) continue;  // in-process effects died with the controller
    auto record = kept.find(fault.id);
    const std::string params = record != kept.end() ? record->second.params_json
                                                    : boost::json::serialize(fault.params);
    Status st = plugin_host::recover_fault(*k, fault.name, params, sink);
    report("run " + std::to_string(run.id) + ": recovered fault '" + fault.name + "' left by a " +
           "controller that died: " + (st ? "ok" : st.message()));
  }
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
  for (const auto& run : runs.value()) {
    if (owner_alive(run)) continue;  // another chaosctl is running it right now
    const std::string which = "run " + std::to_string(run.id);
    auto events = store.events(run.id);
    if (!events) {
      report(which + ": cannot read its journal, so its faults cannot be undone: " +
             events.status().message());
      continue;
    }
    recover_faults(store, registry, run, events.value(), report);

    journal::JournalEvent note;
    note.run_id = run.id;
    note.unix_ms = clock.unix_ms();
    note.phase = journal::Phase::kDone;
    note.kind = journal::EventKind::kInterrupted;
    note.message = "the controller running this experiment died; faults were reconciled";
    if (auto id = store.append_event(journal::encode(note)); !id) {
      report(which + ": " + id.status().message());
    }
    // The real parameters are not needed any more: nothing of this run is injected now.
    if (Status st = store.forget_recovery(run.id); !st) report(which + ": " + st.message());
    Status marked = store.mark_interrupted(
        run.id, clock.unix_ms(), "the controller died during the run (reconciled at next start)");
    if (!marked) {
      // Another chaosctl reconciled it first, or the store failed: say which.
      report(which + " was left running by a controller that died, but could not be marked "
                     "interrupted: " + marked.message());
      continue;
    }
    report(which + " was left running by a controller that died; marked interrupted");
  }
}

}  // namespace chaos::engine
