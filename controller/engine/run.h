#pragma once
// Run: one execution of an experiment, as one state machine —
//
//   validating -> baseline -> injecting -> recovering -> done
//
// with `aborted` (operator or signal) and `errored` (bad experiment, Lua error, plugin failure)
// reachable from every active state. Every exit path rolls back every fault, and every fault
// start and stop is journaled in the store *before* it takes effect.
//
// Threads: execute() runs the event loop on the calling thread; the lua_State and the faults
// are touched only there. Probe runners and plugins report from their own threads through
// post(). request_abort() may be called from any thread (e.g. a signal-handling thread).

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/event_loop.h"
#include "engine/experiment_script.h"
#include "engine/run_observer.h"
#include "engine/script_host.h"
#include "engine/verdict.h"
#include "plugin_host/fault_instance.h"
#include "plugin_host/plugin_registry.h"
#include "probes/probe_runner.h"
#include "store/store.h"

namespace chaos::engine {

struct RunConfig {
  std::string path;    // as given on the command line; shown in errors and stored
  std::string source;  // the file's contents
  SandboxLimits limits;
  std::chrono::milliseconds live_every{1000};
};

class Run final : public ScriptHost, public plugin_host::FaultSink {
 public:
  Run(RunConfig config, const plugin_host::PluginRegistry& registry, store::Store& store,
      Clock& clock, RunObserver& observer);
  ~Run() override;

  RunOutcome execute();
  // Aborts the run: every fault is rolled back at once. Thread-safe; later calls are ignored.
  void request_abort(const std::string& reason);

  // ScriptHost (loop thread, from Lua)
  Result<int> inject(const std::string& kind, const boost::json::value& params,
                     std::optional<std::chrono::microseconds> duration,
                     const std::string& name) override;
  Status stop_fault(int id) override;
  Status update_fault(int id, const boost::json::value& params) override;
  void wake_after(std::chrono::microseconds delay) override;
  void log(const std::string& message) override;
  double seconds_since_start() override;

  // FaultSink (any thread)
  void fault_log(const std::string& fault, chaos_log_level level, std::string message) override;
  void fault_metric(const std::string& fault, std::string name, double value,
                    int64_t unix_ms) override;
  void fault_event(const std::string& fault, std::string kind, std::string detail_json) override;

 private:
  struct ActiveFault {
    std::unique_ptr<plugin_host::FaultInstance> instance;
    std::string detail_json;  // kind, name and params, for the journal
    EventLoop::TimerId stop_timer = 0;
  };
  struct ProbeState {
    ProbeSpec spec;
    std::unique_ptr<probes::ProbeRunner> runner;
    // (phase, sample) in arrival order
    std::vector<std::pair<std::string, probes::ProbeSample>> samples;
    // Each aggregate's value over the baseline window, for "1.5x baseline" bounds.
    std::map<std::string, double> baseline;
  };
  // A Lua entry point (method or rollbacks) being driven step by step.
  struct ScriptTask {
    std::unique_ptr<LuaCoroutine> coroutine;
    bool done = false;
    std::string error;
    EventLoop::TimerId timer = 0;
  };

  // Lifecycle (run.cpp)
  bool prepare();
  bool check_baseline();
  void run_method();
  void recover();
  void finish();
  void enter_phase(const std::string& phase);
  void journal(const std::string& kind, const std::string& message,
               const std::string& detail_json = "{}");
  void fail(const std::string& reason);
  void drive(ScriptTask& task);
  void run_task(ScriptTask& task, bool stop_on_abort = true);

  // Faults (run_faults.cpp)
  Status start_proxies();
  void stop_proxies();
  Status stop_fault_now(int id, const std::string& why);
  void rollback_all(const std::string& why);
  boost::json::value add_run_seed(const plugin_host::FaultKind& kind, boost::json::value params);

  // Probes (run_probes.cpp)
  void start_probes();
  void stop_probes();
  void on_sample(size_t probe, const probes::ProbeSample& sample);
  std::vector<probes::ProbeSample> window(const ProbeState& probe, const std::string& phase,
                                          SteadyTime since = SteadyTime::min()) const;
  // Records the checks; returns what broke ("" when every expectation held).
  std::string judge(ProbeState& probe, const std::string& phase,
                    const std::vector<probes::ProbeSample>& samples);
  bool enough_baseline_samples() const;
  std::optional<SteadyTime> recovered_since();
  // The tolerances, and the expect function if the probe has one, over `samples`.
  std::vector<hypothesis::CheckResult> evaluate_probe(const ProbeState& probe,
                                                      const std::vector<probes::ProbeSample>& samples,
                                                      const hypothesis::WindowRules& rules);
  hypothesis::CheckResult call_predicate(const ProbeState& probe,
                                         const std::vector<probes::ProbeSample>& samples,
                                         const hypothesis::WindowRules& rules);
  hypothesis::WindowRules rules_for(const ProbeState& probe, const std::string& phase) const;
  void check_guardrail(ProbeState& probe, const probes::ProbeSample& sample);
  void show_live();
  void flush_samples();

  RunConfig config_;
  const plugin_host::PluginRegistry& registry_;
  store::Store& store_;
  Clock& clock_;
  RunObserver& observer_;
  EventLoop loop_;

  std::unique_ptr<ExperimentScript> script_;
  int64_t run_id_ = 0;
  int64_t seed_ = 0;
  SteadyTime started_{};
  std::string phase_ = "validating";

  std::map<int, ActiveFault> faults_;  // by id; rollback goes newest first
  std::vector<ActiveFault> proxies_;
  int next_fault_id_ = 1;
  std::optional<std::chrono::microseconds> wake_request_;

  std::vector<std::unique_ptr<ProbeState>> probes_;
  std::vector<store::SampleRecord> pending_samples_;

  // What decides the verdict.
  std::atomic<bool> abort_requested_{false};  // set by request_abort, any thread
  bool aborted_ = false;                      // loop thread: the abort was carried out
  bool finishing_ = false;                    // loop thread: finish() is storing the last reports
  std::string abort_reason_;
  std::optional<std::string> error_;          // errored, and why
  bool not_steady_ = false;
  std::vector<std::string> deviations_;       // why the hypothesis failed
  std::optional<std::chrono::milliseconds> time_to_recover_;
  // From the sample that broke a guardrail to every fault stopped.
  std::optional<double> abort_latency_ms_;
  SteadyTime rollback_done_{};
};

}  // namespace chaos::engine
