#include "hypothesis/probe_judge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace chaos::hypothesis {

const char* window_name(Window window) {
  switch (window) {
    case Window::kBaseline: return "baseline";
    case Window::kInjecting: return "injecting";
    case Window::kRecovering: return "recovering";
  }
  return "?";
}

namespace {

Aggregates aggregates_of(const std::vector<probes::ProbeSample>& samples, ErrorPolicy errors) {
  std::vector<probes::ProbeSample> usable;
  double failed = 0;
  for (const auto& s : samples) {
    if (!s.ok) ++failed;
    if (s.ok || errors == ErrorPolicy::kData) usable.push_back(s);
  }
  Aggregates out{{"count", static_cast<double>(samples.size())}, {"errors", failed}};
  if (!samples.empty()) out["error_ratio"] = failed / static_cast<double>(samples.size());
  if (usable.empty()) return out;
  for (const char* name : kValueAggregates) {
    const double v = aggregate(name, usable);
    out[name] = v;
    out[std::string(name) + "_ms"] = v;
  }
  return out;
}

// The last `keep` of `samples`.
std::vector<probes::ProbeSample> last(std::vector<probes::ProbeSample> samples, size_t keep) {
  if (samples.size() > keep) samples.erase(samples.begin(), samples.end() - static_cast<long>(keep));
  return samples;
}

std::string broken_text(const std::vector<CheckResult>& results) {
  std::string broken;
  for (const auto& r : results) {
    if (r.outcome == Outcome::kOk) continue;
    char value[32];
    std::snprintf(value, sizeof value, "%.4g", r.value);
    broken += (broken.empty() ? "" : ", ") + r.aggregate + " " + value + ", expected " +
              r.expectation +
              (r.note.empty() ? "" : std::string(" — ") + outcome_name(r.outcome) + ": " + r.note);
  }
  return broken;
}

}  // namespace

ProbeJudge::ProbeJudge(std::vector<JudgedProbe> probes, Predicate predicate)
    : predicate_(std::move(predicate)) {
  for (auto& p : probes) probes_.push_back(Probe{std::move(p), {}, {}});
}

void ProbeJudge::add(size_t index, Window window, const probes::ProbeSample& sample) {
  probes_[index].samples.emplace_back(window, sample);
}

std::vector<probes::ProbeSample> ProbeJudge::samples_in(const Probe& probe, Window window,
                                                        SteadyTime since) const {
  std::vector<probes::ProbeSample> out;
  for (const auto& [w, sample] : probe.samples) {
    if (w == window && sample.at >= since) out.push_back(sample);
  }
  return out;
}

WindowRules ProbeJudge::rules_for(const Probe& probe, Window window) const {
  WindowRules rules;
  rules.min_samples = probe.spec.min_samples;
  rules.errors = probe.spec.errors;
  rules.baseline = window == Window::kBaseline ? nullptr : &probe.baseline;
  return rules;
}

std::vector<CheckResult> ProbeJudge::evaluate(size_t index,
                                              const std::vector<probes::ProbeSample>& samples,
                                              const WindowRules& rules) {
  auto results = hypothesis::evaluate(probes_[index].spec.expect, samples, rules);
  if (probes_[index].spec.has_predicate) results.push_back(call_predicate(index, samples, rules));
  return results;
}

CheckResult ProbeJudge::call_predicate(size_t index,
                                       const std::vector<probes::ProbeSample>& samples,
                                       const WindowRules& rules) {
  const Probe& probe = probes_[index];
  CheckResult r;
  r.aggregate = "expect";
  r.expectation = "function at " + probe.spec.where;
  r.samples = samples.size();
  if (samples.size() < rules.min_samples) {
    r.outcome = Outcome::kInconclusive;
    r.note = std::to_string(samples.size()) + " samples, need " + std::to_string(rules.min_samples);
    return r;
  }
  auto answer = predicate_(index, aggregates_of(samples, probe.spec.errors),
                           aggregates_of(samples_in(probe, Window::kBaseline), probe.spec.errors));
  if (!answer) {
    r.outcome = Outcome::kError;
    r.note = answer.status().message();
    return r;
  }
  r.value = answer->ok ? 1 : 0;
  r.outcome = answer->ok ? Outcome::kOk : Outcome::kFailed;
  r.note = answer->why;
  return r;
}

Judgement ProbeJudge::judgement(size_t index, Window window, std::vector<CheckResult> results) const {
  Judgement j{index, window, std::move(results), ""};
  j.broken = broken_text(j.results);
  return j;
}

bool ProbeJudge::enough_baseline() const {
  return std::all_of(probes_.begin(), probes_.end(), [this](const Probe& probe) {
    return samples_in(probe, Window::kBaseline).size() >= probe.spec.min_samples;
  });
}

Judgement ProbeJudge::judge_baseline(size_t index) {
  Probe& probe = probes_[index];
  auto results = evaluate(index, samples_in(probe, Window::kBaseline),
                          rules_for(probe, Window::kBaseline));
  for (const auto& r : results) {
    if (!std::isnan(r.value)) probe.baseline[r.aggregate] = r.value;
  }
  return judgement(index, Window::kBaseline, std::move(results));
}

std::optional<Judgement> ProbeJudge::judge_injecting(size_t index) {
  const Probe& probe = probes_[index];
  if (!probe.spec.during || probe.spec.guardrail) return std::nullopt;
  auto results = evaluate(index, samples_in(probe, Window::kInjecting),
                          rules_for(probe, Window::kInjecting));
  return judgement(index, Window::kInjecting, std::move(results));
}

std::optional<Judgement> ProbeJudge::judge_span(size_t index, SteadyTime from, SteadyTime to) {
  const Probe& probe = probes_[index];
  if (!probe.spec.during || probe.spec.guardrail) return std::nullopt;
  auto samples = samples_in(probe, Window::kInjecting, from);
  std::erase_if(samples, [&](const probes::ProbeSample& s) { return s.at >= to; });
  auto results = evaluate(index, samples, rules_for(probe, Window::kInjecting));
  return judgement(index, Window::kInjecting, std::move(results));
}

std::optional<Judgement> ProbeJudge::check_guardrail(size_t index, SteadyTime at) {
  const Probe& probe = probes_[index];
  auto recent = samples_in(probe, Window::kInjecting, at - probe.spec.window);
  auto results = evaluate(index, recent, rules_for(probe, Window::kInjecting));
  const bool broken = std::any_of(results.begin(), results.end(), [](const CheckResult& r) {
    return r.outcome == Outcome::kFailed || r.outcome == Outcome::kError;
  });
  if (!broken) return std::nullopt;
  return judgement(index, Window::kInjecting, std::move(results));
}

std::optional<SteadyTime> ProbeJudge::recovered_since(SteadyTime rollback_done) {
  SteadyTime since = rollback_done;
  for (size_t i = 0; i < probes_.size(); ++i) {
    const Probe& probe = probes_[i];
    if (probe.spec.guardrail) continue;  // recovery is the steady state's, not the guardrails'
    auto samples = samples_in(probe, Window::kRecovering, rollback_done);
    const size_t need = probe.spec.min_samples;
    if (samples.size() < need) return std::nullopt;
    auto window = last(std::move(samples), need);
    if (!all_ok(evaluate(i, window, rules_for(probe, Window::kRecovering)))) return std::nullopt;
    since = std::max(since, window.front().at);
  }
  return since;
}

std::optional<Judgement> ProbeJudge::judge_recovery(size_t index, SteadyTime rollback_done) {
  const Probe& probe = probes_[index];
  if (probe.spec.guardrail) return std::nullopt;
  auto window = last(samples_in(probe, Window::kRecovering, rollback_done), probe.spec.min_samples);
  auto results = evaluate(index, window, rules_for(probe, Window::kRecovering));
  return judgement(index, Window::kRecovering, std::move(results));
}

std::vector<CheckResult> ProbeJudge::live(size_t index, Window window) {
  const Probe& probe = probes_[index];
  auto samples = last(samples_in(probe, window), std::max<size_t>(probe.spec.min_samples, 1));
  if (samples.empty()) return {};
  auto rules = rules_for(probe, window);
  rules.min_samples = 1;  // a look, not a judgement
  return evaluate(index, samples, rules);
}

Aggregates ProbeJudge::recent(size_t index, SteadyTime since) const {
  const Probe& probe = probes_[index];
  std::vector<probes::ProbeSample> samples;
  for (const auto& [window, sample] : probe.samples) {
    if (sample.at >= since) samples.push_back(sample);
  }
  return aggregates_of(samples, probe.spec.errors);
}

bool ProbeJudge::has_hypothesis() const {
  return std::any_of(probes_.begin(), probes_.end(),
                     [](const Probe& p) { return !p.spec.guardrail; });
}

}  // namespace chaos::hypothesis
