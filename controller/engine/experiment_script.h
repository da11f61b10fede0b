#pragma once
// ExperimentScript: an experiment file loaded into its own sandbox, with the experiment API
// installed and the file's top level run. What it declared is then read into an Experiment;
// its method and rollbacks become coroutines for the run (or the dry run) to drive.
//
// Thread-safety: one thread (the run's event loop).

#include <map>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "engine/experiment.h"
#include "engine/lua_sandbox.h"
#include "engine/script_host.h"

namespace chaos::engine {

class ProbeKindRegistry;

class ExperimentScript {
 public:
  // Errors read "FILE:LINE: message" (syntax errors, API misuse at the top level). `clock`
  // measures the CPU budget, so it must be a real one. `kinds`: the probe kinds the script may
  // declare (nullptr: the built-in ones); it must outlive the script.
  static Result<std::unique_ptr<ExperimentScript>> load(const std::string& source,
                                                        const std::string& path, ScriptHost& host,
                                                        Clock& clock, SandboxLimits limits = {},
                                                        const ProbeKindRegistry* kinds = nullptr);

  const Experiment& experiment() const { return experiment_; }
  std::unique_ptr<LuaCoroutine> method() { return entry_point("method"); }
  std::unique_ptr<LuaCoroutine> rollbacks() { return entry_point("rollbacks"); }

  struct PredicateAnswer {
    bool ok = false;
    std::string why;  // the predicate's second return value, if any
  };
  // Calls a probe's expect = function(w) with w = `window` plus w.baseline = `baseline`.
  // Errors (a Lua error, waiting, the CPU budget) read "FILE:LINE: message".
  Result<PredicateAnswer> call_predicate(int predicate, const std::map<std::string, double>& window,
                                         const std::map<std::string, double>& baseline);

 private:
  ExperimentScript() = default;
  std::unique_ptr<LuaCoroutine> entry_point(const char* name);
  Status read_definition();
  Status check_baseline();

  std::unique_ptr<LuaSandbox> sandbox_;
  const ProbeKindRegistry* probe_kinds_ = nullptr;
  Experiment experiment_;
  std::string where_;                // "file:line" of experiment { ... }
  bool baseline_min_given_ = false;  // baseline.min was written, not defaulted
};

}  // namespace chaos::engine
