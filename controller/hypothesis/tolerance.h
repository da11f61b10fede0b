#pragma once
// Tolerances: what "steady" means for a probe, judged over a window of samples.
//
// An expectation names an aggregate of the window and a bound on it, e.g. "p99_ms <= 300",
// "error_ratio <= 0.01", or "p99_ms <= 1.5x baseline" (relative to the same aggregate measured
// in this run's baseline). Aggregates of a window's values: p50, p90, p95, p99, p999
// (nearest-rank percentiles), max, min, mean, last — each may carry an "_ms" suffix, which reads
// well for the HTTP probe, whose value is latency in ms. Of its health: error_ratio (failed
// samples / all samples).
//
// Errors: for the HTTP probe a failed request is data (it counts in error_ratio and its latency
// counts). For probes that read a metric, a failed reading means the probe could not see — it
// is excluded from the values and, unless errors are ignored, makes the check `error`.
// A window with fewer samples than required is `inconclusive`, never `ok`.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "probes/probe.h"

namespace chaos::hypothesis {

struct Bound {
  std::optional<double> min;
  std::optional<double> max;
  // Relative limits, as factors of the baseline's value of the same aggregate.
  std::optional<double> min_x_baseline;
  std::optional<double> max_x_baseline;

  bool relative() const { return min_x_baseline || max_x_baseline; }
  // The absolute bound once the baseline value is known.
  Bound resolved(double baseline) const;
  bool holds(double value) const;
  std::string describe() const;  // "<= 300", ">= 1", "in [1, 5]", "<= 1.5x baseline"
};

struct Expectation {
  std::string aggregate;
  Bound bound;
};

enum class Outcome { kOk, kFailed, kInconclusive, kError };
const char* outcome_name(Outcome outcome);

struct CheckResult {
  std::string aggregate;
  double value = 0;
  std::string expectation;  // the bound as judged, e.g. "<= 1.5x baseline (18.3)"
  Outcome outcome = Outcome::kInconclusive;
  size_t samples = 0;
  std::string note;  // why inconclusive or error, for people
};

enum class ErrorPolicy {
  kData,   // failed samples are observations (HTTP probe): error_ratio counts them
  kFail,   // failed readings make the check `error` (metric probes, the default)
  kIgnore  // failed readings are dropped
};

struct WindowRules {
  size_t min_samples = 1;
  ErrorPolicy errors = ErrorPolicy::kData;
  // Baseline values by aggregate name, for relative bounds; empty while judging the baseline
  // itself, where relative bounds are recorded as the reference they are.
  const std::map<std::string, double>* baseline = nullptr;
};

// InvalidArgument naming the known aggregates when `name` is not one.
Status check_aggregate_name(const std::string& name);

// REQUIRES: check_aggregate_name(name) is ok and samples is not empty.
double aggregate(const std::string& name, const std::vector<probes::ProbeSample>& samples);

std::vector<CheckResult> evaluate(const std::vector<Expectation>& expectations,
                                  const std::vector<probes::ProbeSample>& window,
                                  const WindowRules& rules);

bool all_ok(const std::vector<CheckResult>& results);

}  // namespace chaos::hypothesis
