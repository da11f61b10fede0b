#pragma once
// Run: one execution of an experiment, as one state machine (engine/lifecycle.h) —
//
//   validating -> baseline -> injecting -> recovering -> done
//
// with `aborted` (operator, signal, guardrail) and `errored` (bad experiment, Lua error, plugin
// or journal failure) reachable from every active state. The Run owns the transitions and
// little else: its faults are a FaultSet, its proxies RunProxies, the judgement of its probes a
// ProbeJudge, its verdict an Outcome (the first cause wins). Every transition, and every fault
// start, update and stop, is journaled before it takes effect; a failed pre-write refuses the
// effect and ends the run errored. Every exit path rolls back every fault.
//
// Threads: execute() runs the event loop on the calling thread; the lua_State and the faults
// are touched only there. Probe runners and plugins report from their own threads through
// post(). request_abort() may be called from any thread (e.g. a signal-handling thread).

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/target_allowlist.h"
#include "engine/event_loop.h"
#include "engine/experiment_script.h"
#include "engine/fault_set.h"
#include "engine/outcome.h"
#include "engine/probe_kind.h"
#include "engine/probe_sampling.h"
#include "engine/proxy_catalog.h"
#include "engine/run_journal.h"
#include "engine/run_observer.h"
#include "engine/run_proxies.h"
#include "engine/sample_recorder.h"
#include "engine/script_host.h"
#include "engine/verdict.h"
#include "hypothesis/probe_judge.h"
#include "plugin_host/plugin_registry.h"
#include "store/store.h"

namespace chaos::engine {

struct RunConfig {
  std::string path;    // as given on the command line; shown in errors and stored
  std::string source;  // the file's contents
  SandboxLimits limits;
  std::chrono::milliseconds live_every{1000};
  // How often every running fault's `status` is polled and stored (engine/fault_set.h).
  std::chrono::milliseconds status_every = kStatusEvery;
  // How long the experiment's rollbacks function may take before it is abandoned.
  std::chrono::microseconds rollbacks_within = defaults::kRollbacksWithin;
  // The probe kinds the experiment may declare; nullptr: the built-in ones.
  const ProbeKindRegistry* probe_kinds = nullptr;
  // kOnLoop for tests on a ManualClock (engine/probe_sampling.h).
  SamplingMode sampling = SamplingMode::kThreads;
  // Standing proxies this process holds (chaosctl serve), looked up after the experiment's
  // own `proxies`; faults on them are made here. Not owned; null: none.
  const ProxyCatalog* standing_proxies = nullptr;
  // Another process's standing proxies (chaosctl proxy): its API, e.g. "http://127.0.0.1:8474",
  // and its token. Faults on them are made there on a lease of `remote_lease`, renewed every
  // third of it (engine/remote_faults.h). "": none.
  std::string proxy_api;
  std::string proxy_api_token;
  std::chrono::milliseconds remote_lease{5000};
  // Where floods, held connections and probes may go (--allow-target); stored with the run.
  TargetAllowlist targets = TargetAllowlist::loopback_only();
};

class Run final : public ScriptHost, public plugin_host::FaultSink, private FaultSet::Listener {
 public:
  Run(RunConfig config, const plugin_host::PluginRegistry& registry, store::Store& store,
      Clock& clock, RunObserver& observer);
  ~Run() override;

  RunOutcome execute();
  // Aborts the run: every fault is rolled back at once, then the rollbacks function runs
  // (within its deadline). A second request cuts the rollbacks function short. Thread-safe;
  // later calls are ignored.
  void request_abort(const std::string& reason);

  // ScriptHost (loop thread, from Lua)
  Result<Injected> inject(const std::string& kind, const boost::json::value& params,
                          std::optional<std::chrono::microseconds> duration,
                          const std::string& name) override;
  Status stop_fault(journal::FaultId id) override;
  Status update_fault(journal::FaultId id, const boost::json::value& changes) override;
  Result<std::map<std::string, double>> probe_reading(
      const std::string& name, std::optional<std::chrono::microseconds> window) override;
  void wake_after(std::chrono::microseconds delay) override;
  void log(const std::string& message) override;
  double seconds_since_start() override;
  // Sweeps (run_sweep.cpp): each step judged over its own window and stored.
  Result<SweepVerdict> judge_sweep_step(const SweepStep& step) override;
  void end_sweep(const SweepEnd& end) override;

  // FaultSink (any thread)
  void fault_log(const std::string& fault, chaos_log_level level, std::string message) override;
  void fault_metric(const std::string& fault, std::string name, double value,
                    int64_t unix_ms) override;
  void fault_event(const std::string& fault, std::string kind, std::string detail_json) override;

 private:
  // A Lua entry point (method or rollbacks) being driven step by step.
  struct ScriptTask {
    std::unique_ptr<LuaCoroutine> coroutine;
    bool done = false;
    std::string error;
    EventLoop::TimerId timer = 0;
  };

  // The lifecycle (run.cpp), one phase each.
  bool validate();
  bool baseline();
  void inject_method();
  void recover();
  void finish();
  RunOutcome conclude();
  boost::json::array allowlist_json() const;
  std::string with_allowlist(const std::string& summary_json) const;
  // Validates `next` against the lifecycle, journals it, then enters it; returns whether the
  // run is in `next` now. Entering baseline or injecting needs the journal entry (a failed
  // write keeps the run where it was and ends it errored); recovering and the final phases
  // only remove effects and are never refused.
  bool transition_to(journal::Phase next, const std::string& message = "");
  // The run is ending as `verdict` for `reason` (the first cause wins); journaled as `kind`
  // with `message` (default: the reason) whether it is the first cause or a consequence.
  void end(Verdict verdict, const std::string& reason,
           journal::EventKind kind = journal::EventKind::kError, const std::string& message = "");
  void journal_failed(const Status& status);
  void rollback_faults(const std::string& why);
  void carry_out_abort(const std::string& reason);

  // Script tasks (run_script.cpp)
  void drive(ScriptTask& task);
  // Drives `task` until it is done, `stop()` holds, or `deadline` passes; true when done.
  bool run_task(ScriptTask& task, const std::function<bool()>& stop,
                std::optional<SteadyTime> deadline = {});

  // Probes (run_probes.cpp)
  Status start_probes();
  void on_sample(size_t probe, const probes::ProbeSample& sample);
  void record(const hypothesis::Judgement& judgement);
  void check_guardrail(size_t probe, const probes::ProbeSample& sample);
  void show_live();
  void record_sample(store::SampleRecord sample);

  // FaultSet::Listener
  void fault_started(const FaultInfo& fault) override;
  void fault_ended(const FaultInfo& fault, bool cleanly) override;
  void fault_failed(const Status& status) override;
  void fault_statuses(std::vector<FaultStatus> statuses) override;

  RunConfig config_;
  const plugin_host::PluginRegistry& registry_;
  Clock& clock_;
  SystemClock cpu_clock_;  // the script's CPU budget is real time, whatever clock_ is
  RunObserver& observer_;
  EventLoop loop_;
  RunJournal journal_;
  SampleRecorder samples_;
  Outcome outcome_;

  std::unique_ptr<ExperimentScript> script_;
  DeclaredProxies proxy_catalog_;
  std::unique_ptr<ProxyCatalog> remote_proxies_;  // config_.proxy_api's standing proxies
  std::unique_ptr<ProxyCatalogs> catalogs_;       // the experiment's, then the standing ones
  std::unique_ptr<RemoteFaults> remote_faults_;   // declared after loop_: gone before it
  std::unique_ptr<RunProxies> proxies_;
  std::unique_ptr<FaultSet> faults_;
  std::unique_ptr<hypothesis::ProbeJudge> judge_;
  std::unique_ptr<ProbeSampling> sampling_;
  std::vector<std::string> probe_names_;

  int64_t seed_ = 0;
  SteadyTime started_{};
  std::optional<std::chrono::microseconds> wake_request_;

  std::atomic<int> abort_requests_{0};  // request_abort calls, any thread
  bool abort_carried_out_ = false;      // loop thread: the first request's handler ran
  bool cut_rollbacks_ = false;          // loop thread: a second request came
  bool journal_broken_ = false;         // loop thread: a journal write failed (reported once)
  bool concluded_ = false;              // loop thread: the verdict is being written
  bool statuses_unstored_ = false;      // loop thread: storing fault statuses failed (reported)
  std::optional<std::chrono::milliseconds> time_to_recover_;
  // From the sample that broke a guardrail to every fault stopped.
  std::optional<double> abort_latency_ms_;
  SteadyTime rollback_done_{};
  // Baseline samples taken before this are the warm-up's: stored, not judged.
  SteadyTime warmup_until_ = SteadyTime::min();
};

}  // namespace chaos::engine
