#include "engine/run.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <algorithm>
#include <random>

#include "common/duration.h"
#include "common/sha256.h"
#include "engine/dry_run.h"

namespace chaos::engine {

Run::Run(RunConfig config, const plugin_host::PluginRegistry& registry, store::Store& store,
         Clock& clock, RunObserver& observer)
    : config_(std::move(config)), registry_(registry), store_(store), clock_(clock),
      observer_(observer), loop_(clock) {}

Run::~Run() {
  // Safety net: execute() rolls everything back, but a fault must never outlive its run.
  stop_probes();
  faults_.clear();
  proxies_.clear();
}

RunOutcome Run::execute() {
  started_ = clock_.now();
  if (prepare() && check_baseline()) {
    run_method();
    recover();
  }
  finish();
  Verdict verdict = Verdict::kPassed;
  std::string reason = "the steady state held before, during and after the faults";
  if (aborted_) {
    verdict = Verdict::kAborted;
    reason = abort_reason_;
  } else if (error_) {
    verdict = Verdict::kErrored;
    reason = *error_;
  } else if (not_steady_) {
    verdict = Verdict::kNotSteady;
    reason = "the steady state did not hold before injecting, so nothing was injected";
  } else if (!deviations_.empty()) {
    verdict = Verdict::kDeviated;
    reason.clear();
    for (const auto& d : deviations_) reason += (reason.empty() ? "" : "; ") + d;
  }
  boost::json::object summary{{"seed", seed_}};
  summary["time_to_recover_ms"] =
      time_to_recover_ ? boost::json::value(time_to_recover_->count()) : boost::json::value();
  summary["abort_latency_ms"] =
      abort_latency_ms_ ? boost::json::value(*abort_latency_ms_) : boost::json::value();
  journal("verdict", std::string(verdict_name(verdict)) + ": " + reason);
  if (run_id_) {
    Status st = store_.finish_run(run_id_, clock_.unix_ms(), verdict_name(verdict), reason,
                                  boost::json::serialize(summary));
    if (!st) reason += " (and the store failed: " + st.message() + ")";
  }
  RunOutcome outcome{run_id_, verdict, reason};
  observer_.on_verdict(outcome);
  return outcome;
}

bool Run::prepare() {
  auto plan = dry_run(config_.source, config_.path, registry_, config_.limits);
  store::RunRecord record;
  record.experiment_path = config_.path;
  record.source = config_.source;
  record.source_sha256 = sha256_hex(config_.source);
  record.plugins_json = registry_.plugins_json();
  record.started_unix_ms = clock_.unix_ms();
  // Who runs it: a later chaosctl reconciles the run only once this process is gone.
  record.summary_json = boost::json::serialize(boost::json::object{{"pid", ::getpid()}});
  if (plan) {
    record.title = plan->experiment.title;
    record.description = plan->experiment.description;
    seed_ = plan->experiment.seed.value_or(0);
  }
  if (seed_ == 0) seed_ = static_cast<int64_t>(std::random_device{}() & 0x7fffffff) + 1;
  record.seed = seed_;
  auto id = store_.begin_run(record);
  if (!id) {
    error_ = "cannot record the run: " + id.status().message();
    return false;
  }
  run_id_ = id.value();
  journal("phase", "validating " + config_.path);
  if (!plan) {
    fail(plan.status().message());
    return false;
  }
  auto script = ExperimentScript::load(config_.source, config_.path, *this, clock_, config_.limits);
  if (!script) {
    fail(script.status().message());
    return false;
  }
  script_ = std::move(script.value());
  return true;
}

bool Run::check_baseline() {
  enter_phase("baseline");
  if (Status st = start_proxies(); !st) {
    fail(st.message());
    return false;
  }
  start_probes();
  if (error_) return false;
  const SteadyTime deadline = clock_.now() + script_->experiment().baseline_timeout;
  loop_.run_until([&] { return enough_baseline_samples() || abort_requested_; }, deadline);
  if (aborted_ || abort_requested_) {
    loop_.run_until([&] { return aborted_; });
    return false;
  }
  bool steady = true;
  for (auto& probe : probes_) steady &= judge(*probe, "baseline", window(*probe, "baseline")).empty();
  not_steady_ = !steady;
  return steady;
}

void Run::run_method() {
  enter_phase("injecting");
  ScriptTask method{script_->method(), false, {}, 0};
  EventLoop::TimerId live = 0;
  std::function<void()> tick = [&] {
    show_live();
    live = loop_.at(clock_.now() + config_.live_every, tick);
  };
  live = loop_.at(clock_.now() + config_.live_every, tick);
  run_task(method);
  loop_.cancel(live);
  if (!method.error.empty()) fail(method.error);
  if (aborted_ || error_) return;
  for (auto& probe : probes_) {
    if (!probe->spec.during || probe->spec.guardrail) continue;
    if (std::string broken = judge(*probe, "injecting", window(*probe, "injecting"));
        !broken.empty()) {
      deviations_.push_back("'" + probe->spec.name + "' broke its tolerance while the faults "
                            "were on (" + broken + ")");
    }
  }
}

void Run::recover() {
  enter_phase("recovering");
  rollback_all(aborted_ ? "aborted" : error_ ? "the run failed" : "the method is over");
  // The experiment's own rollbacks run on every path, aborts included.
  ScriptTask rollbacks{script_->rollbacks(), false, {}, 0};
  run_task(rollbacks, /*stop_on_abort=*/false);
  if (!rollbacks.error.empty()) fail("rollbacks: " + rollbacks.error);
  rollback_all("rollbacks are over");  // faults the rollbacks may have started
  rollback_done_ = clock_.now();
  // After an error or a guardrail abort the recovery check still runs: whether the system came
  // back matters most when something went wrong. An operator's abort wants out at once.
  const bool has_hypothesis = std::any_of(probes_.begin(), probes_.end(),
                                          [](const auto& p) { return !p->spec.guardrail; });
  if (abort_requested_ || !has_hypothesis) return;

  const auto within = script_->experiment().recovery_within;
  std::optional<SteadyTime> since;
  loop_.run_until([&] { return (since = recovered_since()).has_value() || abort_requested_; },
                  rollback_done_ + within);
  if (since) {
    time_to_recover_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(*since - rollback_done_);
    journal("recovered", "the steady state is back, " + format_duration(*time_to_recover_) +
                             " after rollback",
            boost::json::serialize(boost::json::object{{"time_to_recover_ms",
                                                        time_to_recover_->count()}}));
  } else if (!abort_requested_) {
    deviations_.push_back("the steady state did not return within " + format_duration(within) +
                          " of rollback");
  }
  // Recorded over the window that decided: the last samples after rollback.
  for (auto& probe : probes_) {
    if (probe->spec.guardrail) continue;
    auto samples = window(*probe, "recovering", rollback_done_);
    const size_t keep = probe->spec.min_samples;
    if (samples.size() > keep) samples.erase(samples.begin(), samples.end() - static_cast<long>(keep));
    judge(*probe, "recovering", samples);
  }
  loop_.run_until([&] { return !abort_requested_ || aborted_; });
}

void Run::finish() {
  rollback_all(aborted_ ? "aborted" : "the run is ending");
  stop_probes();
  // Probe threads are joined and faults stopped: store what they posted (the last samples,
  // what plugins logged as they stopped). Late samples are data now, not guardrail checks.
  finishing_ = true;
  loop_.drain();
  stop_proxies();
  loop_.drain();
  flush_samples();
  enter_phase("done");
}

void Run::request_abort(const std::string& reason) {
  if (abort_requested_.exchange(true)) return;
  loop_.post([this, reason] {
    aborted_ = true;
    abort_reason_ = reason;
    journal("abort", "aborting: " + reason);
    rollback_all("aborted: " + reason);
  });
}

void Run::enter_phase(const std::string& phase) {
  phase_ = phase;
  journal("phase", phase);
}

void Run::journal(const std::string& kind, const std::string& message,
                  const std::string& detail_json) {
  store::EventRecord event;
  event.run_id = run_id_;
  event.unix_ms = clock_.unix_ms();
  event.phase = phase_;
  event.kind = kind;
  event.message = message;
  event.detail_json = detail_json;
  if (run_id_) {
    auto id = store_.append_event(event);
    if (id) event.id = id.value();
  }
  observer_.on_event(event, seconds_since_start());
}

void Run::fail(const std::string& reason) {
  if (error_) return;  // the first error is the cause; later ones are consequences
  error_ = reason.substr(0, reason.find('\n'));  // the verdict's reason: no traceback
  journal("error", reason);
}

void Run::run_task(ScriptTask& task, bool stop_on_abort) {
  drive(task);
  loop_.run_until([&] { return task.done || (stop_on_abort && aborted_); });
  if (!task.done) loop_.cancel(task.timer);
}

// Resumes the script once; if it went to sleep, wakes it again when the sleep is over.
void Run::drive(ScriptTask& task) {
  wake_request_.reset();
  switch (task.coroutine->resume()) {
    case LuaCoroutine::Step::kFinished:
      task.done = true;
      return;
    case LuaCoroutine::Step::kFailed:
      task.error = task.coroutine->error();
      task.done = true;
      return;
    case LuaCoroutine::Step::kYielded:
      if (!wake_request_) {
        task.error = "the script yielded without chaos.sleep";
        task.done = true;
        return;
      }
      task.timer = loop_.at(clock_.now() + *wake_request_, [this, &task] { drive(task); });
  }
}

void Run::wake_after(std::chrono::microseconds delay) { wake_request_ = delay; }

void Run::log(const std::string& message) { journal("log", message); }

double Run::seconds_since_start() {
  return std::chrono::duration<double>(clock_.now() - started_).count();
}

}  // namespace chaos::engine
