#include "engine/run.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <random>

#include "common/duration.h"
#include "common/sha256.h"
#include "engine/dry_run.h"
#include "engine/lifecycle.h"
#include "engine/remote_proxies.h"
#include "engine/run_owner.h"

namespace chaos::engine {

using journal::EventKind;
using journal::Phase;

Run::Run(RunConfig config, const plugin_host::PluginRegistry& registry, store::Store& store,
         Clock& clock, RunObserver& observer)
    : config_(std::move(config)),
      registry_(registry),
      clock_(clock),
      observer_(observer),
      loop_(clock),
      journal_(
          store, clock,
          [this](const journal::JournalEvent& e) { observer_.on_event(e, seconds_since_start()); },
          [this](const Status& st) { journal_failed(st); }),
      samples_(store, observer) {}

Run::~Run() {
  // Safety net: execute() rolls everything back, but a fault must never outlive its run.
  if (sampling_) sampling_->stop();
  faults_.reset();
  proxies_.reset();
}

RunOutcome Run::execute() {
  started_ = clock_.now();
  if (validate() && baseline()) {
    inject_method();
    recover();
  }
  finish();
  return conclude();
}

boost::json::array Run::allowlist_json() const {
  boost::json::array rules;
  for (const auto& rule : config_.targets.rules()) rules.emplace_back(rule);
  return rules;
}

// The stored summary `json` (an object) with the allowlist the run runs with.
std::string Run::with_allowlist(const std::string& json) const {
  boost::json::error_code ec;
  boost::json::value summary = boost::json::parse(json, ec);
  if (ec || !summary.is_object()) summary = boost::json::object();
  summary.as_object()["allowed_targets"] = allowlist_json();
  return boost::json::serialize(summary);
}

// validating: the experiment is checked (a dry run), recorded, and loaded.
bool Run::validate() {
  if (!config_.proxy_api.empty()) {
    remote_proxies_ = std::make_unique<RemoteProxies>(
        remote::RemoteEndpoint{config_.proxy_api, config_.proxy_api_token}, registry_);
  }
  const ProxyCatalogs standing({config_.standing_proxies, remote_proxies_.get()});
  auto plan = dry_run(config_.source, config_.path, registry_, config_.limits, config_.probe_kinds,
                      &standing, &config_.targets);
  store::RunRecord record;
  record.experiment_path = config_.path;
  record.source = config_.source;
  record.source_sha256 = sha256_hex(config_.source);
  record.plugins_json = registry_.plugins_json();
  record.started_unix_ms = clock_.unix_ms();
  // Who runs it: a later chaosctl on this store reconciles the run only once this process is
  // gone (engine/run_owner.h).
  record.summary_json = with_allowlist(RunOwner::current().to_summary());
  if (plan) {
    record.title = plan->experiment.title;
    record.description = plan->experiment.description;
    seed_ = plan->experiment.seed.value_or(0);
  }
  if (seed_ == 0) seed_ = static_cast<int64_t>(std::random_device{}() & 0x7fffffff) + 1;
  record.seed = seed_;
  auto id = journal_.store().begin_run(record);
  if (!id) {
    end(Verdict::kErrored, "cannot record the run: " + id.status().message());
    return false;
  }
  journal_.bind(id.value());
  samples_.bind(id.value());
  journal_.record(EventKind::kPhase, "validating " + config_.path);
  observer_.on_phase(Phase::kValidating, seconds_since_start());
  if (!plan) {
    end(Verdict::kErrored, plan.status().message());
    return false;
  }
  auto script = ExperimentScript::load(config_.source, config_.path, *this, cpu_clock_,
                                       config_.limits, config_.probe_kinds);
  if (!script) {
    end(Verdict::kErrored, script.status().message());
    return false;
  }
  script_ = std::move(script.value());
  auto proxies = DeclaredProxies::resolve(script_->experiment().proxies, registry_);
  if (!proxies) {
    end(Verdict::kErrored, proxies.status().message());
    return false;
  }
  proxy_catalog_ = std::move(proxies.value());
  catalogs_ = std::make_unique<ProxyCatalogs>(std::vector<const ProxyCatalog*>{
      &proxy_catalog_, config_.standing_proxies, remote_proxies_.get()});
  FaultSet::Listener& listener = *this;
  faults_ = std::make_unique<FaultSet>(registry_, *catalogs_, journal_, loop_, *this, listener,
                                       seed_, config_.status_every);
  faults_->set_allowlist(&config_.targets);
  if (remote_proxies_) {
    remote_faults_ = std::make_unique<RemoteFaults>(
        "run " + std::to_string(journal_.run_id()) + " (" + config_.path + ", pid " +
            std::to_string(getpid()) + ")",
        config_.proxy_api_token, config_.remote_lease,
        [this](const std::string& lease, const Status& why) {
          loop_.post([this, lease, why] {
            fault_failed(Status::failed("the holder no longer has remote fault " + lease +
                                        " (its lease ran out?): " + why.message()));
          });
        });
    faults_->set_remote(remote_faults_.get(), journal_.run_id());
  }
  return !outcome_.ended();
}

// baseline: the proxies start, the probes sample, and the steady state must hold before
// anything is injected.
bool Run::baseline() {
  if (!transition_to(Phase::kBaseline)) return false;
  proxies_ = std::make_unique<RunProxies>(proxy_catalog_, journal_, *this);
  if (Status st = proxies_->start(); !st) {
    end(Verdict::kErrored, st.message());
    return false;
  }
  // The warm-up and the timeout count from the first sample's request, the min from the
  // end of the warm-up (engine/experiment.h).
  // An experiment without probes has no baseline to wait for.
  const Experiment& experiment = script_->experiment();
  const bool measured = !experiment.probes.empty();
  const SteadyTime began = clock_.now();
  warmup_until_ = began + (measured ? experiment.baseline_warmup : std::chrono::microseconds(0));
  const SteadyTime long_enough =
      warmup_until_ + (measured ? experiment.baseline_min : std::chrono::microseconds(0));
  const SteadyTime deadline = began + experiment.baseline_timeout;
  if (measured && experiment.baseline_warmup.count() > 0) {
    journal_.record(EventKind::kLog, "baseline: warming up for " +
                                         format_duration(experiment.baseline_warmup) +
                                         "; samples until then are stored (phase warmup), "
                                         "not judged");
  }
  if (Status st = start_probes(); !st) {
    end(Verdict::kErrored, st.message());
    return false;
  }
  // Wakes the loop when the baseline is long enough, should every probe have its samples.
  const EventLoop::TimerId wake = loop_.at(long_enough, [] {});
  loop_.run_until(
      [&] {
        return (clock_.now() >= long_enough && judge_->enough_baseline()) || abort_requests_ > 0 ||
               outcome_.ended();
      },
      deadline);
  loop_.cancel(wake);
  if (abort_requests_ > 0) loop_.run_until([&] { return abort_carried_out_; });
  if (outcome_.ended()) return false;
  bool steady = true;
  for (size_t i = 0; i < judge_->size(); ++i) {
    auto judgement = judge_->judge_baseline(i);
    record(judgement);
    steady &= judgement.ok();
  }
  if (!steady) outcome_.end(Verdict::kNotSteady, "");
  return steady && !outcome_.ended();
}

// injecting: the method runs; hypothesis probes are judged over the window once it is over.
void Run::inject_method() {
  if (!transition_to(Phase::kInjecting)) return;
  ScriptTask method{script_->method(), false, {}, 0};
  EventLoop::TimerId live = 0;
  std::function<void()> tick = [&] {
    show_live();
    live = loop_.at(clock_.now() + config_.live_every, tick);
  };
  live = loop_.at(clock_.now() + config_.live_every, tick);
  run_task(method, [&] { return outcome_.ended() || abort_carried_out_; });
  loop_.cancel(live);
  if (!method.error.empty()) end(Verdict::kErrored, method.error);
  if (outcome_.ended()) return;
  for (size_t i = 0; i < judge_->size(); ++i) {
    auto judgement = judge_->judge_injecting(i);
    if (!judgement) continue;
    record(*judgement);
    if (!judgement->ok()) {
      outcome_.deviate("'" + probe_names_[i] + "' broke its tolerance while the faults were on (" +
                       judgement->broken + ")");
    }
  }
}

// recovering: every fault is rolled back, the experiment's rollbacks run (within their
// deadline), and the steady state must come back.
void Run::recover() {
  transition_to(Phase::kRecovering);  // never refused: it only removes effects
  rollback_faults(outcome_.ended_as(Verdict::kAborted) ? "aborted"
                  : outcome_.ended()                   ? "the run failed"
                                                       : "the method is over");
  // The experiment's own rollbacks run on every path, aborts included, but never for longer
  // than their deadline; a second abort request cuts them short.
  ScriptTask rollbacks{script_->rollbacks(), false, {}, 0};
  const bool finished = run_task(
      rollbacks, [&] { return cut_rollbacks_; }, clock_.now() + config_.rollbacks_within);
  if (!rollbacks.error.empty()) {
    end(Verdict::kErrored, "rollbacks: " + rollbacks.error);
  } else if (!finished) {
    end(Verdict::kErrored, cut_rollbacks_
                               ? "rollbacks: cut short by a second abort request"
                               : "rollbacks: not finished within " +
                                     format_duration(config_.rollbacks_within) + "; abandoned");
  }
  rollback_faults("rollbacks are over");  // faults the rollbacks may have started
  rollback_done_ = clock_.now();
  // After an error or a guardrail abort the recovery check still runs: whether the system came
  // back matters most when something went wrong. An operator's abort wants out at once.
  if (abort_requests_ > 0 || !judge_->has_hypothesis()) return;

  const auto within = script_->experiment().recovery_within;
  std::optional<SteadyTime> since;
  loop_.run_until(
      [&] {
        return (since = judge_->recovered_since(rollback_done_)).has_value() || abort_requests_ > 0;
      },
      rollback_done_ + within);
  if (since) {
    time_to_recover_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(*since - rollback_done_);
    journal_.record(
        EventKind::kRecovered,
        "the steady state is back, " + format_duration(*time_to_recover_) + " after rollback",
        boost::json::serialize(
            boost::json::object{{"time_to_recover_ms", time_to_recover_->count()}}));
  } else if (abort_requests_ == 0) {
    outcome_.deviate("the steady state did not return within " + format_duration(within) +
                     " of rollback");
  }
  // Recorded over the window that decided: the last samples after rollback.
  for (size_t i = 0; i < judge_->size(); ++i) {
    if (auto judgement = judge_->judge_recovery(i, rollback_done_)) record(*judgement);
  }
  loop_.run_until([&] { return abort_requests_ == 0 || abort_carried_out_; });
}

// Every path ends here: faults, probes and proxies stopped, what they posted stored, and the
// final phase entered.
void Run::finish() {
  if (faults_)
    rollback_faults(outcome_.ended_as(Verdict::kAborted) ? "aborted" : "the run is ending");
  if (sampling_) sampling_->stop();
  // Probe threads are joined and faults stopped: store what they posted (the last samples,
  // what plugins logged as they stopped). Late samples are data now, not guardrail checks:
  // guardrails are judged only while injecting.
  loop_.drain();
  if (proxies_) {
    if (Status st = proxies_->stop(); !st)
      end(Verdict::kErrored, "a proxy did not stop: " + st.message());
  }
  loop_.drain();
  if (Status st = samples_.flush(); !st)
    end(Verdict::kErrored, "cannot store samples: " + st.message());
  // Nothing of this run can be injected any more: its recovery records have done their job.
  journal_.forget_recovery(0);
  const Phase last = outcome_.ended_as(Verdict::kAborted)   ? Phase::kAborted
                     : outcome_.ended_as(Verdict::kErrored) ? Phase::kErrored
                                                            : Phase::kDone;
  transition_to(last);
}

RunOutcome Run::conclude() {
  concluded_ = true;  // from here on a journal failure is told in the reason, not the verdict
  const Verdict verdict = outcome_.verdict();
  std::string reason = outcome_.reason();
  boost::json::object summary{{"seed", seed_}, {"allowed_targets", allowlist_json()}};
  summary["time_to_recover_ms"] =
      time_to_recover_ ? boost::json::value(time_to_recover_->count()) : boost::json::value();
  summary["abort_latency_ms"] =
      abort_latency_ms_ ? boost::json::value(*abort_latency_ms_) : boost::json::value();
  journal_.record(EventKind::kVerdict, std::string(verdict_name(verdict)) + ": " + reason);
  if (journal_.run_id()) {
    Status st =
        journal_.store().finish_run(journal_.run_id(), clock_.unix_ms(), verdict_name(verdict),
                                    reason, boost::json::serialize(summary));
    if (!st) reason += " (and the store failed: " + st.message() + ")";
  }
  RunOutcome outcome{journal_.run_id(), verdict, reason};
  observer_.on_verdict(outcome);
  return outcome;
}

bool Run::transition_to(Phase next, const std::string& message) {
  const Phase from = journal_.phase();
  if (!can_transition(from, next)) {
    end(Verdict::kErrored, std::string("internal error: a run cannot go from ") +
                               journal::phase_name(from) + " to " + journal::phase_name(next));
    return false;
  }
  // Entering baseline or injecting is an effect (proxies start, faults follow): no entry, no
  // transition. Recovering and the final phases only ever remove effects, so they go ahead.
  const bool gated = next == Phase::kBaseline || next == Phase::kInjecting;
  journal_.set_phase(next);
  Status written =
      journal_.write(EventKind::kPhase, message.empty() ? journal::phase_name(next) : message);
  if (!written && gated) {
    journal_.set_phase(from);
    return false;  // the failed write has ended the run errored
  }
  observer_.on_phase(next, seconds_since_start());
  return true;
}

void Run::end(Verdict verdict, const std::string& reason, EventKind kind,
              const std::string& message) {
  // The verdict's reason is the first line (no traceback); the journal keeps all of it.
  outcome_.end(verdict, reason.substr(0, reason.find('\n')));
  journal_.record(kind, message.empty() ? reason : message);
}

void Run::journal_failed(const Status& status) {
  // Once is enough: the error entry written here may fail the same way.
  if (journal_broken_ || concluded_) return;
  journal_broken_ = true;
  end(Verdict::kErrored, status.message());
}

void Run::rollback_faults(const std::string& why) {
  if (Status st = faults_->rollback(why); !st) {
    end(Verdict::kErrored, "rollback of a fault failed: " + st.message());
  }
}

void Run::request_abort(const std::string& reason) {
  const int earlier = abort_requests_.fetch_add(1);
  if (earlier == 0) {
    loop_.post([this, reason] { carry_out_abort(reason); });
  } else if (earlier == 1) {
    loop_.post([this] {
      cut_rollbacks_ = true;
      journal_.record(EventKind::kLog,
                      "a second abort request: the rollbacks function is cut short");
    });
  }
}

void Run::carry_out_abort(const std::string& reason) {
  abort_carried_out_ = true;
  end(Verdict::kAborted, reason, EventKind::kAbort, "aborting: " + reason);
  if (faults_) rollback_faults("aborted: " + reason);
}

}  // namespace chaos::engine
