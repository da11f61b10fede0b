#pragma once
// Crash reconciliation: runs left "running" by a controller that is gone become "interrupted",
// and every fault they started but never stopped gets its kind's recover call (for faults with
// effects outside the process, such as a paused process). In-process faults such as the proxy
// died with the controller. A fault whose kind is not loaded (or whose recover fails) stays
// pending recovery in the store, and every later start that has the kind retries it.

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "plugin_host/plugin_registry.h"
#include "store/store.h"

namespace chaos::engine {

// One attempt to undo a fault a dead controller left, for `chaosctl recover`'s report.
struct RecoveryAttempt {
  int64_t run_id = 0;
  std::string fault;
  std::string kind;
  bool recovered = false;  // false: still pending recovery
  std::string detail;      // the plugin's error, or why it was not tried
};

// Retries the faults pending recovery whose kind is loaded, then reconciles runs left running
// by a controller that is gone. `report` gets one line per thing done or left pending.
std::vector<RecoveryAttempt> reconcile_interrupted_runs(
    store::Store& store, const plugin_host::PluginRegistry& registry, Clock& clock,
    const std::function<void(const std::string&)>& report);

}  // namespace chaos::engine
