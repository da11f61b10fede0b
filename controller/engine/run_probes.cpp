// The Run's probes: sampling on their own threads, windows of samples per phase, judging them
// against the tolerances, and storing every sample.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "engine/run.h"
#include "engine/probe_factory.h"
#include "probes/scrape_probe.h"

namespace chaos::engine {

void Run::start_probes() {
  for (const auto& spec : script_->experiment().probes) {
    auto state = std::make_unique<ProbeState>();
    state->spec = spec;
    const size_t index = probes_.size();
    auto probe = make_probe(spec);
    if (!probe) {
      fail(probe.status().message());
      continue;
    }
    state->runner = std::make_unique<probes::ProbeRunner>(
        std::move(probe.value()), spec.every, clock_,
        [this, index](const probes::ProbeSample& sample) {
          loop_.post([this, index, sample] { on_sample(index, sample); });
        });
    probes_.push_back(std::move(state));
  }
  for (auto& probe : probes_) probe->runner->start();
}

void Run::stop_probes() {
  for (auto& probe : probes_) {
    if (probe->runner) probe->runner->stop();
  }
}

void Run::on_sample(size_t index, const probes::ProbeSample& sample) {
  ProbeState& probe = *probes_[index];
  // A rate or quantile warming up (fewer than two scrapes in its window), a ratio with no
  // traffic in its window (0/0), a NaN answer: no value to judge — not a reading, not an error.
  if (!sample.ok && (sample.error == probes::ScrapeProbe::kWarmingUpError ||
                     sample.error.find("no value:") != std::string::npos)) {
    return;
  }
  probe.samples.emplace_back(phase_, sample);
  if (probe.spec.guardrail && phase_ == "injecting" && !aborted_ && !finishing_) {
    check_guardrail(probe, sample);
  }
  store::SampleRecord record;
  record.run_id = run_id_;
  record.series = probe.spec.name;
  record.unix_ms = sample.unix_ms;
  record.value = sample.value;
  record.ok = sample.ok;
  record.phase = phase_;
  record.error = sample.error;
  record.detail = sample.detail;
  pending_samples_.push_back(std::move(record));
  // Samples are written in batches: one transaction per ~50 keeps the loop responsive.
  if (pending_samples_.size() >= 50) flush_samples();
}

std::vector<probes::ProbeSample> Run::window(const ProbeState& probe, const std::string& phase,
                                             SteadyTime since) const {
  std::vector<probes::ProbeSample> out;
  for (const auto& [sample_phase, sample] : probe.samples) {
    if (sample_phase == phase && sample.at >= since) out.push_back(sample);
  }
  return out;
}

hypothesis::WindowRules Run::rules_for(const ProbeState& probe, const std::string& phase) const {
  hypothesis::WindowRules rules;
  rules.min_samples = probe.spec.min_samples;
  rules.errors = probe.spec.errors;
  rules.baseline = phase == "baseline" ? nullptr : &probe.baseline;
  return rules;
}

// Judged on every sample while faults are on: the moment a guardrail breaks, every fault is
// rolled back, here, in the handler that received the sample.
void Run::check_guardrail(ProbeState& probe, const probes::ProbeSample& sample) {
  auto recent = window(probe, "injecting", sample.at - probe.spec.window);
  auto results = evaluate_probe(probe, recent, rules_for(probe, "injecting"));
  const bool broken = std::any_of(results.begin(), results.end(), [](const auto& r) {
    return r.outcome == hypothesis::Outcome::kFailed || r.outcome == hypothesis::Outcome::kError;
  });
  if (!broken) return;
  aborted_ = true;  // not abort_requested_: that one is the operator's, and skips recovery
  std::string why = judge(probe, "injecting", recent);
  abort_reason_ = "guardrail '" + probe.spec.name + "' broke (" + why + ")";
  journal("abort", "aborting: " + abort_reason_);
  rollback_all("guardrail '" + probe.spec.name + "' broke");
  abort_latency_ms_ = std::chrono::duration<double, std::milli>(clock_.now() - sample.at).count();
  char text[96];
  std::snprintf(text, sizeof text, "every fault stopped %.1f ms after the breaking sample",
                *abort_latency_ms_);
  journal("abort_latency", text,
          boost::json::serialize(boost::json::object{{"abort_latency_ms", *abort_latency_ms_}}));
}

std::string Run::judge(ProbeState& probe, const std::string& phase,
                const std::vector<probes::ProbeSample>& samples) {
  auto results = evaluate_probe(probe, samples, rules_for(probe, phase));
  if (phase == "baseline") {
    for (const auto& r : results) {
      if (!std::isnan(r.value)) probe.baseline[r.aggregate] = r.value;
    }
  }
  for (const auto& r : results) {
    store::CheckRecord check;
    check.run_id = run_id_;
    check.probe = probe.spec.name;
    check.phase = phase;
    check.aggregate = r.aggregate;
    check.value = r.value;
    check.expectation = r.expectation;
    check.outcome = hypothesis::outcome_name(r.outcome);
    if (!r.note.empty()) check.expectation += " — " + r.note;
    check.samples = static_cast<int64_t>(r.samples);
    check.unix_ms = clock_.unix_ms();
    if (Status st = store_.append_check(check); !st) fail("cannot store a check: " + st.message());
  }
  observer_.on_check(probe.spec.name, phase, results, seconds_since_start());
  std::string broken;
  for (const auto& r : results) {
    if (r.outcome == hypothesis::Outcome::kOk) continue;
    char value[32];
    std::snprintf(value, sizeof value, "%.4g", r.value);
    broken += (broken.empty() ? "" : ", ") + r.aggregate + " " + value + ", expected " +
              r.expectation +
              (r.note.empty() ? "" : std::string(" — ") + hypothesis::outcome_name(r.outcome) +
                                         ": " + r.note);
  }
  return broken;
}

bool Run::enough_baseline_samples() const {
  return std::all_of(probes_.begin(), probes_.end(), [this](const auto& probe) {
    return window(*probe, "baseline").size() >= probe->spec.min_samples;
  });
}

// The steady state is back when, for every probe, the last min_samples samples taken after the
// rollback all hold the tolerances. Returns when the first sample of that window was taken.
std::optional<SteadyTime> Run::recovered_since() {
  SteadyTime since = rollback_done_;
  for (const auto& probe : probes_) {
    if (probe->spec.guardrail) continue;  // recovery is the steady state's, not the guardrails'
    auto samples = window(*probe, "recovering", rollback_done_);
    const size_t need = probe->spec.min_samples;
    if (samples.size() < need) return std::nullopt;
    std::vector<probes::ProbeSample> last(samples.end() - static_cast<long>(need), samples.end());
    auto results = evaluate_probe(*probe, last, rules_for(*probe, "recovering"));
    if (!hypothesis::all_ok(results)) return std::nullopt;
    since = std::max(since, last.front().at);
  }
  return since;
}

void Run::show_live() {
  for (const auto& probe : probes_) {
    auto samples = window(*probe, phase_);
    const size_t keep = std::max<size_t>(probe->spec.min_samples, 1);
    if (samples.size() > keep) samples.erase(samples.begin(), samples.end() - static_cast<long>(keep));
    if (samples.empty()) continue;
    auto rules = rules_for(*probe, phase_);
    rules.min_samples = 1;  // a look, not a judgement
    observer_.on_live(probe->spec.name, evaluate_probe(*probe, samples, rules),
                      seconds_since_start());
  }
  flush_samples();
}

namespace {

// What an expect function sees: every aggregate of the window, by name.
std::map<std::string, double> aggregates_of(const std::vector<probes::ProbeSample>& samples,
                                            hypothesis::ErrorPolicy errors) {
  std::vector<probes::ProbeSample> usable;
  double failed = 0;
  for (const auto& s : samples) {
    if (!s.ok) ++failed;
    if (s.ok || errors == hypothesis::ErrorPolicy::kData) usable.push_back(s);
  }
  std::map<std::string, double> out{{"count", static_cast<double>(samples.size())},
                                    {"errors", failed}};
  if (!samples.empty()) out["error_ratio"] = failed / static_cast<double>(samples.size());
  if (usable.empty()) return out;
  for (const char* name : {"p50", "p90", "p95", "p99", "p999", "max", "min", "mean", "last"}) {
    const double v = hypothesis::aggregate(name, usable);
    out[name] = v;
    out[std::string(name) + "_ms"] = v;
  }
  return out;
}

}  // namespace

std::vector<hypothesis::CheckResult> Run::evaluate_probe(
    const ProbeState& probe, const std::vector<probes::ProbeSample>& samples,
    const hypothesis::WindowRules& rules) {
  auto results = hypothesis::evaluate(probe.spec.expect, samples, rules);
  if (probe.spec.predicate) results.push_back(call_predicate(probe, samples, rules));
  return results;
}

hypothesis::CheckResult Run::call_predicate(const ProbeState& probe,
                                            const std::vector<probes::ProbeSample>& samples,
                                            const hypothesis::WindowRules& rules) {
  hypothesis::CheckResult r;
  r.aggregate = "expect";
  r.expectation = "function at " + probe.spec.where;
  r.samples = samples.size();
  if (samples.size() < rules.min_samples) {
    r.outcome = hypothesis::Outcome::kInconclusive;
    r.note = std::to_string(samples.size()) + " samples, need " + std::to_string(rules.min_samples);
    return r;
  }
  auto answer = script_->call_predicate(probe.spec.predicate,
                                        aggregates_of(samples, probe.spec.errors),
                                        aggregates_of(window(probe, "baseline"), probe.spec.errors));
  if (!answer) {
    r.outcome = hypothesis::Outcome::kError;
    r.note = answer.status().message();
    return r;
  }
  r.value = answer->ok ? 1 : 0;
  r.outcome = answer->ok ? hypothesis::Outcome::kOk : hypothesis::Outcome::kFailed;
  r.note = answer->why;
  return r;
}

void Run::flush_samples() {
  if (pending_samples_.empty() || !run_id_) return;
  for (auto& s : pending_samples_) s.run_id = run_id_;
  if (Status st = store_.append_samples(pending_samples_); !st) {
    fail("cannot store samples: " + st.message());
  } else {
    observer_.on_samples(pending_samples_);
  }
  pending_samples_.clear();
}

}  // namespace chaos::engine
