#pragma once
// Tolerances: what "steady" means for a probe, judged over a window of samples.
//
// An expectation names an aggregate of the window and a bound on it, e.g. "p99_ms <= 300" or
// "error_ratio <= 0.01". Aggregates of the HTTP probe's latency: p50_ms, p90_ms, p95_ms,
// p99_ms, p999_ms, max_ms, min_ms, mean_ms; of its health: error_ratio (failed samples / all).
// A window with fewer samples than required is `inconclusive`, never `ok`.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "probes/probe.h"

namespace chaos::hypothesis {

struct Bound {
  std::optional<double> min;
  std::optional<double> max;
  bool holds(double value) const;
  std::string describe() const;  // "<= 300", ">= 1", "in [1, 5]"
};

struct Expectation {
  std::string aggregate;
  Bound bound;
};

enum class Outcome { kOk, kFailed, kInconclusive };
const char* outcome_name(Outcome outcome);

struct CheckResult {
  std::string aggregate;
  double value = 0;
  std::string expectation;  // bound.describe()
  Outcome outcome = Outcome::kInconclusive;
  size_t samples = 0;
};

// InvalidArgument naming the known aggregates when `name` is not one.
Status check_aggregate_name(const std::string& name);

// REQUIRES: check_aggregate_name(name) is ok and samples is not empty.
double aggregate(const std::string& name, const std::vector<probes::ProbeSample>& samples);

std::vector<CheckResult> evaluate(const std::vector<Expectation>& expectations,
                                  const std::vector<probes::ProbeSample>& window,
                                  size_t min_samples);

bool all_ok(const std::vector<CheckResult>& results);

}  // namespace chaos::hypothesis
