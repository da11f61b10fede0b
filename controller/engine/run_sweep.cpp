// The Run's side of sweeps (engine/sweep.lua): each step's window judged by every steady-state
// probe that is judged while faults are on (or the one the sweep names), stored with the fault's
// status at that moment, and the tipping point journaled. A sweep that found one deviates the
// run: the hypothesis broke at that magnitude.
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "engine/run.h"

namespace chaos::engine {

using journal::EventKind;

namespace {

std::string figure(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

boost::json::array checks_json(const std::vector<SweepCheck>& checks) {
  boost::json::array out;
  for (const auto& c : checks) {
    out.push_back(boost::json::object{
        {"probe", c.probe},
        {"aggregate", c.aggregate},
        {"value", c.value ? boost::json::value(*c.value) : boost::json::value()},
        {"expectation", c.expectation},
        {"outcome", c.outcome},
        {"samples", c.samples}});
  }
  return out;
}

std::string sweep_name(const std::string& kind, const std::string& fault,
                       const std::string& param) {
  return kind + " '" + fault + "' " + param;
}

}  // namespace

Result<SweepVerdict> Run::judge_sweep_step(const SweepStep& step) {
  if (!judge_) return Status::failed("internal error: a sweep step before the probes started");
  const auto at = [&](double seconds) {
    return started_ +
           std::chrono::duration_cast<SteadyTime::duration>(std::chrono::duration<double>(seconds));
  };
  SweepVerdict verdict;
  bool judged = false, broke = false, inconclusive = false;
  for (size_t i = 0; i < judge_->size(); ++i) {
    if (!step.until.empty() && probe_names_[i] != step.until) continue;
    auto judgement = judge_->judge_span(i, at(step.from_s), at(step.to_s));
    if (!judgement) continue;  // a guardrail, or not judged while faults are on
    judged = true;
    for (const auto& r : judgement->results) {
      SweepCheck c{probe_names_[i],
                   r.aggregate,
                   std::isnan(r.value) ? std::nullopt : std::optional<double>(r.value),
                   r.expectation + (r.note.empty() ? "" : " — " + r.note),
                   hypothesis::outcome_name(r.outcome),
                   static_cast<int64_t>(r.samples)};
      broke |=
          r.outcome == hypothesis::Outcome::kFailed || r.outcome == hypothesis::Outcome::kError;
      inconclusive |= r.outcome == hypothesis::Outcome::kInconclusive;
      verdict.checks.push_back(std::move(c));
    }
    if (!judgement->ok()) {
      verdict.reason +=
          (verdict.reason.empty() ? "'" : "; '") + probe_names_[i] + "' " + judgement->broken;
    }
  }
  if (!judged) {
    return Status::invalid_argument(
        step.until.empty()
            ? "a sweep judges each step by the steady state: declare steady_state probes (judged "
              "while faults are on, during = true)"
            : "until: no steady-state probe named '" + step.until +
                  "' is judged while faults are on");
  }
  verdict.outcome = broke ? "broke" : inconclusive ? "inconclusive" : "held";

  store::SweepStepRecord record;
  record.run_id = journal_.run_id();
  record.sweep = step.sweep;
  record.step = step.step;
  record.fault = step.fault;
  record.kind = step.kind;
  record.param = step.param;
  record.magnitude = step.magnitude;
  record.value = step.value;
  record.unit = step.unit;
  // Wall-clock times of the window, for storage: now, less how long ago each edge was.
  const auto unix_at = [&](double seconds) {
    return clock_.unix_ms() - static_cast<int64_t>((seconds_since_start() - seconds) * 1000);
  };
  record.from_unix_ms = unix_at(step.from_s);
  record.to_unix_ms = unix_at(step.to_s);
  record.outcome = verdict.outcome;
  record.reason = verdict.reason;
  record.checks_json = boost::json::serialize(checks_json(verdict.checks));
  record.status_json = faults_ ? faults_->status_now(step.fault_id).value_or("{}") : "{}";
  if (journal_.run_id()) {
    if (Status st = journal_.store().append_sweep_step(record); !st) {
      end(Verdict::kErrored, "cannot store a sweep step: " + st.message());
      return st;
    }
  }
  std::string figures;
  for (const auto& c : verdict.checks) {
    figures += (figures.empty() ? "" : ", ") + c.probe + " " + c.aggregate + " " +
               (c.value ? figure(*c.value) : "-");
  }
  journal_.record(EventKind::kLog, "sweep " + std::to_string(step.sweep) + " step " +
                                       std::to_string(step.step) + ": " + step.param + " " +
                                       step.magnitude + " " + verdict.outcome + " (" + figures +
                                       ")");
  return verdict;
}

void Run::end_sweep(const SweepEnd& e) {
  const std::string what = "sweep of " + sweep_name(e.kind, e.fault, e.param);
  std::string text;
  if (e.first_bad) {
    text = e.last_good ? "tipping point between " + *e.last_good + " (held) and " + *e.first_bad +
                             " (broke)"
                       : "broke at the first step, " + *e.first_bad +
                             ": the tipping point is "
                             "below the sweep's range";
  } else if (e.inconclusive) {
    text = "stopped at step " + std::to_string(e.steps) +
           ", which could not be judged (too few samples: a longer hold or more frequent "
           "sampling helps)" +
           (e.last_good ? "; held up to " + *e.last_good : "");
  } else {
    text = "held at every step, up to " + e.last_good.value_or("?") +
           ": no tipping point in the sweep's range";
  }
  boost::json::object detail{{"sweep", e.sweep}, {"steps", e.steps}};
  detail["last_good"] = e.last_good ? boost::json::value(*e.last_good) : boost::json::value();
  detail["first_bad"] = e.first_bad ? boost::json::value(*e.first_bad) : boost::json::value();
  journal_.record(EventKind::kLog, what + ": " + text, boost::json::serialize(detail));
  if (e.first_bad || e.inconclusive) outcome_.deviate(what + ": " + text);
}

}  // namespace chaos::engine
