#pragma once
// Crash reconciliation: runs left "running" by a controller that is gone become "interrupted",
// and every fault they started but never stopped gets its kind's recover call (for faults with
// effects outside the process, such as a paused process). In-process faults such as the proxy
// died with the controller.

#include <functional>
#include <string>

#include "common/clock.h"
#include "plugin_host/plugin_registry.h"
#include "store/store.h"

namespace chaos::engine {

void reconcile_interrupted_runs(store::Store& store, const plugin_host::PluginRegistry& registry,
                                Clock& clock,
                                const std::function<void(const std::string&)>& report);

}  // namespace chaos::engine
