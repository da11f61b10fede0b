// The Run's probes: sampled (ProbeSampling), judged (ProbeJudge), their checks and samples
// stored, and guardrails acted on the moment one breaks.
#include <boost/json.hpp>
#include <cstdio>

#include "engine/probe_factory.h"
#include "engine/run.h"

namespace chaos::engine {

using journal::EventKind;
using journal::Phase;

namespace {

// The judged window a sample taken in `phase` belongs to.
std::optional<hypothesis::Window> window_of(Phase phase) {
  switch (phase) {
    case Phase::kBaseline:
      return hypothesis::Window::kBaseline;
    case Phase::kInjecting:
      return hypothesis::Window::kInjecting;
    case Phase::kRecovering:
      return hypothesis::Window::kRecovering;
    default:
      return std::nullopt;
  }
}

}  // namespace

Status Run::start_probes() {
  std::vector<hypothesis::JudgedProbe> judged;
  std::vector<std::pair<std::unique_ptr<probes::Probe>, std::chrono::microseconds>> made;
  std::vector<int> predicates;
  for (const auto& spec : script_->experiment().probes) {
    auto probe = make_probe(spec);
    if (!probe) return probe.status();
    made.emplace_back(std::move(probe.value()), spec.every);
    judged.push_back(hypothesis::JudgedProbe{spec.name, spec.expect, spec.predicate != 0,
                                             spec.where, spec.min_samples, spec.errors, spec.during,
                                             spec.guardrail, spec.window});
    predicates.push_back(spec.predicate);
    probe_names_.push_back(spec.name);
  }
  judge_ = std::make_unique<hypothesis::ProbeJudge>(
      std::move(judged),
      [this, predicates](size_t probe, const hypothesis::Aggregates& window,
                         const hypothesis::Aggregates& baseline)
          -> Result<hypothesis::ProbeJudge::PredicateAnswer> {
        auto answer = script_->call_predicate(predicates[probe], window, baseline);
        if (!answer) return answer.status();
        return hypothesis::ProbeJudge::PredicateAnswer{answer->ok, answer->why};
      });
  sampling_ = std::make_unique<ProbeSampling>(
      loop_, config_.sampling,
      [this](size_t probe, const probes::ProbeSample& sample) { on_sample(probe, sample); });
  for (auto& [probe, every] : made) sampling_->add(std::move(probe), every);
  sampling_->start();
  return Status::ok();
}

void Run::on_sample(size_t index, const probes::ProbeSample& sample) {
  // A rate or quantile warming up, a ratio with no traffic in its window (0/0), a NaN answer:
  // no value to judge — not a reading, not an error.
  if (!sample.ok && sample.no_value) return;
  const Phase phase = journal_.phase();
  // Taken in the baseline's warm-up: kept for the record, never judged.
  const bool warmup = phase == Phase::kBaseline && sample.at < warmup_until_;
  if (auto window = window_of(phase); window && !warmup) judge_->add(index, *window, sample);
  if (judge_->probe(index).guardrail) check_guardrail(index, sample);
  store::SampleRecord record;
  record.series = probe_names_[index];
  record.unix_ms = sample.unix_ms;
  record.value = sample.value;
  record.ok = sample.ok;
  record.phase = warmup ? "warmup" : journal::phase_name(phase);
  record.error = sample.error;
  record.detail = sample.detail;
  record_sample(std::move(record));
}

void Run::record_sample(store::SampleRecord sample) {
  if (Status st = samples_.add(std::move(sample)); !st) {
    end(Verdict::kErrored, "cannot store samples: " + st.message());
  }
}

void Run::record(const hypothesis::Judgement& judgement) {
  const std::string& probe = probe_names_[judgement.probe];
  const char* phase = hypothesis::window_name(judgement.window);
  for (const auto& r : judgement.results) {
    store::CheckRecord check;
    check.run_id = journal_.run_id();
    check.probe = probe;
    check.phase = phase;
    check.aggregate = r.aggregate;
    check.value = r.value;
    check.expectation = r.expectation;
    check.outcome = hypothesis::outcome_name(r.outcome);
    if (!r.note.empty()) check.expectation += " — " + r.note;
    check.samples = static_cast<int64_t>(r.samples);
    check.unix_ms = clock_.unix_ms();
    if (!journal_.run_id()) continue;
    if (Status st = journal_.store().append_check(check); !st) {
      end(Verdict::kErrored, "cannot store a check: " + st.message());
      break;
    }
  }
  observer_.on_check(probe, phase, judgement.results, seconds_since_start());
}

// Judged on every sample while faults are on: the moment a guardrail breaks, every fault is
// rolled back, here, in the handler that received the sample.
void Run::check_guardrail(size_t index, const probes::ProbeSample& sample) {
  if (journal_.phase() != Phase::kInjecting || outcome_.ended()) return;
  auto broken = judge_->check_guardrail(index, sample.at);
  if (!broken) return;
  record(*broken);
  const std::string& name = probe_names_[index];
  const std::string reason = "guardrail '" + name + "' broke (" + broken->broken + ")";
  end(Verdict::kAborted, reason, EventKind::kAbort, "aborting: " + reason);
  rollback_faults("guardrail '" + name + "' broke");
  abort_latency_ms_ = std::chrono::duration<double, std::milli>(clock_.now() - sample.at).count();
  char text[96];
  std::snprintf(text, sizeof text, "every fault stopped %.1f ms after the breaking sample",
                *abort_latency_ms_);
  journal_.record(
      EventKind::kAbortLatency, text,
      boost::json::serialize(boost::json::object{{"abort_latency_ms", *abort_latency_ms_}}));
}

// chaos.probe: the probe's last `window` of samples, so a method can decide on what it sees.
Result<std::map<std::string, double>> Run::probe_reading(
    const std::string& name, std::optional<std::chrono::microseconds> window) {
  if (!judge_) return Status::invalid_argument(kNoProbesAtTheTop);
  const auto& specs = script_->experiment().probes;
  for (size_t i = 0; i < probe_names_.size(); ++i) {
    if (probe_names_[i] == name) {
      return judge_->recent(i, clock_.now() - window.value_or(specs[i].window));
    }
  }
  return Status::not_found("no probe named '" + name + "'");
}

void Run::show_live() {
  for (size_t i = 0; i < judge_->size(); ++i) {
    auto recent = judge_->live(i, hypothesis::Window::kInjecting);
    if (!recent.empty()) observer_.on_live(probe_names_[i], recent, seconds_since_start());
  }
  if (Status st = samples_.flush(); !st) {
    end(Verdict::kErrored, "cannot store samples: " + st.message());
  }
}

}  // namespace chaos::engine
