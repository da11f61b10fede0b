#pragma once
// ProbeJudge: the judgement of a run's probes — their samples in windows by phase, the
// baseline that relative bounds refer to, guardrails judged on every sample, and whether the
// steady state came back after rollback. It decides nothing about the run itself: it answers
// questions (is the baseline steady? did this sample break a guardrail? since when has the
// steady state been back?) and the run acts on the answers.
//
// Thread-safety: one thread (the run's event loop). The predicate callback runs on it too.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "hypothesis/tolerance.h"
#include "probes/probe.h"

namespace chaos::hypothesis {

// The judged phases of a run. Samples taken in other phases are not judged.
enum class Window { kBaseline, kInjecting, kRecovering };
const char* window_name(Window window);  // "baseline", "injecting", "recovering"

// What the judge knows of one probe.
struct JudgedProbe {
  std::string name;
  std::vector<Expectation> expect;
  bool has_predicate = false;  // expect = function(w): called through the Predicate
  std::string where;           // "file:line" of the probe, for the predicate's expectation
  size_t min_samples = 10;
  ErrorPolicy errors = ErrorPolicy::kData;
  bool during = true;      // judged over the injecting window too
  bool guardrail = false;  // judged on every sample while faults are on, over `window`
  std::chrono::microseconds window{std::chrono::seconds(2)};
};

// One judged window of one probe.
struct Judgement {
  size_t probe = 0;
  Window window = Window::kBaseline;
  std::vector<CheckResult> results;
  std::string broken;  // what broke, for people; empty when every expectation held
  bool ok() const { return broken.empty(); }
};

// Every aggregate of a window by name (p99, p99_ms, error_ratio, count, errors, ...): what an
// expect function sees.
using Aggregates = std::map<std::string, double>;
// The aggregates of a window's values, each also as NAME_ms: all an Aggregates holds besides
// count, errors and error_ratio.
inline constexpr const char* kValueAggregates[] = {"p50", "p90", "p95", "p99", "p999",
                                                   "max", "min", "mean", "last"};

class ProbeJudge {
 public:
  struct PredicateAnswer {
    bool ok = false;
    std::string why;
  };
  // Calls probe `probe`'s expect function with its window's and its baseline's aggregates.
  using Predicate = std::function<Result<PredicateAnswer>(size_t probe, const Aggregates& window,
                                                          const Aggregates& baseline)>;

  ProbeJudge(std::vector<JudgedProbe> probes, Predicate predicate);

  size_t size() const { return probes_.size(); }
  const JudgedProbe& probe(size_t index) const { return probes_[index].spec; }

  // A sample of probe `index` taken while the run was in `window`.
  void add(size_t index, Window window, const probes::ProbeSample& sample);

  // Every probe has min_samples baseline samples.
  bool enough_baseline() const;
  // Judges the baseline window and remembers its values for relative bounds.
  Judgement judge_baseline(size_t index);
  // A hypothesis probe judged `during`, over the injecting window; nullopt for the others.
  std::optional<Judgement> judge_injecting(size_t index);
  // A hypothesis probe judged `during`, over its injecting samples taken in [from, to): one
  // step of a sweep. nullopt for the others.
  std::optional<Judgement> judge_span(size_t index, SteadyTime from, SteadyTime to);
  // A guardrail's window ending at `at` (the last `window` of injecting samples); the
  // judgement when it broke (failed or error), nullopt while it holds.
  std::optional<Judgement> check_guardrail(size_t index, SteadyTime at);
  // When the steady state came back after `rollback_done`: for every hypothesis probe, the
  // last min_samples samples since then hold. nullopt while it has not.
  std::optional<SteadyTime> recovered_since(SteadyTime rollback_done);
  // A hypothesis probe's last min_samples samples after rollback, judged; nullopt for
  // guardrails (recovery is the steady state's).
  std::optional<Judgement> judge_recovery(size_t index, SteadyTime rollback_done);
  // A look at the probe's most recent samples in `window`, not a judgement (min_samples 1);
  // empty when it has none.
  std::vector<CheckResult> live(size_t index, Window window);
  // Every aggregate (as an expect function's w: count, errors, error_ratio, p50 ... last) of
  // probe `index`'s samples taken at or after `since`, whatever the phase: what the method
  // reads with chaos.probe. Only count and errors (both 0) when there are none.
  Aggregates recent(size_t index, SteadyTime since) const;

  bool has_hypothesis() const;  // some probe is not a guardrail

 private:
  struct Probe {
    JudgedProbe spec;
    std::vector<std::pair<Window, probes::ProbeSample>> samples;  // arrival order
    Aggregates baseline;  // each aggregate over the baseline window
  };
  std::vector<probes::ProbeSample> samples_in(const Probe& probe, Window window,
                                              SteadyTime since = SteadyTime::min()) const;
  WindowRules rules_for(const Probe& probe, Window window) const;
  std::vector<CheckResult> evaluate(size_t index, const std::vector<probes::ProbeSample>& samples,
                                    const WindowRules& rules);
  CheckResult call_predicate(size_t index, const std::vector<probes::ProbeSample>& samples,
                             const WindowRules& rules);
  Judgement judgement(size_t index, Window window, std::vector<CheckResult> results) const;

  std::vector<Probe> probes_;
  Predicate predicate_;
};

}  // namespace chaos::hypothesis
