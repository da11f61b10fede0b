#pragma once
// Dry run: checks an experiment without touching anything. The file is loaded in its own
// sandbox; every fault the method would start — from a method list or from a method function
// run against virtual time — has its kind looked up and its parameters checked against the
// kind's schema; proxies are checked the same way, by the kind that provides them. `chaosctl validate` and every `chaosctl run`
// (before anything is injected) use it.

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/target_allowlist.h"
#include "engine/experiment.h"
#include "engine/lua_sandbox.h"
#include "engine/proxy_catalog.h"
#include "plugin_host/plugin_registry.h"

namespace chaos::engine {

struct PlannedFault {
  std::string kind;
  std::string name;
  std::string params_json;  // with defaults filled in; writeOnly values "<redacted>"
  std::chrono::microseconds at{0};  // when the method would start it
  std::chrono::microseconds duration{0};  // 0: until stopped or the method ends
};

struct DryRunReport {
  Experiment experiment;
  std::vector<PlannedFault> faults;
  std::chrono::microseconds method_length{0};
};

class ProbeKindRegistry;

// Errors read "FILE:LINE: message" wherever a line is known. `probe_kinds`: the probe kinds
// the experiment may declare (nullptr: the built-in ones). All of the file's Lua gets
// limits.total_budget, 10 s when it is 0. `targets`: the allowlist probes' urls and faults'
// targets must pass (engine/target_check.h); nullptr: not checked here.
Result<DryRunReport> dry_run(const std::string& source, const std::string& path,
                             const plugin_host::PluginRegistry& registry, SandboxLimits limits = {},
                             const ProbeKindRegistry* probe_kinds = nullptr,
                             const ProxyCatalog* standing = nullptr,
                             const TargetAllowlist* targets = nullptr);

}  // namespace chaos::engine
