#include "hypothesis/tolerance.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace chaos::hypothesis {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// "p99_ms" -> 99, "p999_ms" -> 99.9; nullopt when not a percentile name.
std::optional<double> percentile_of(const std::string& name) {
  if (name.size() < 5 || name[0] != 'p' || name.substr(name.size() - 3) != "_ms") return {};
  const std::string digits = name.substr(1, name.size() - 4);
  if (digits.empty() || digits.size() > 4 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  // p50, p90, p99 are percent; p999 means 99.9, p9999 means 99.99.
  double p = std::stod(digits);
  if (digits.size() > 2) p /= std::pow(10.0, static_cast<double>(digits.size() - 2));
  if (p <= 0 || p > 100) return {};
  return p;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p% of samples at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  return values[rank - 1];
}

}  // namespace

bool Bound::holds(double value) const {
  if (std::isnan(value)) return false;
  if (min && value < *min) return false;
  if (max && value > *max) return false;
  return true;
}

std::string Bound::describe() const {
  if (min && max) return "in [" + number(*min) + ", " + number(*max) + "]";
  if (max) return "<= " + number(*max);
  if (min) return ">= " + number(*min);
  return "any";
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kInconclusive: return "inconclusive";
  }
  return "?";
}

Status check_aggregate_name(const std::string& name) {
  static const char* kFixed[] = {"max_ms", "min_ms", "mean_ms", "error_ratio"};
  for (const char* fixed : kFixed) {
    if (name == fixed) return Status::ok();
  }
  if (percentile_of(name)) return Status::ok();
  return Status::invalid_argument("unknown aggregate '" + name +
                                  "' (known: p50_ms, p90_ms, p95_ms, p99_ms, p999_ms, max_ms, "
                                  "min_ms, mean_ms, error_ratio)");
}

double aggregate(const std::string& name, const std::vector<probes::ProbeSample>& samples) {
  if (name == "error_ratio") {
    const auto failed = std::count_if(samples.begin(), samples.end(),
                                      [](const probes::ProbeSample& s) { return !s.ok; });
    return static_cast<double>(failed) / static_cast<double>(samples.size());
  }
  std::vector<double> values;
  values.reserve(samples.size());
  for (const auto& s : samples) values.push_back(s.value);
  if (name == "max_ms") return *std::max_element(values.begin(), values.end());
  if (name == "min_ms") return *std::min_element(values.begin(), values.end());
  if (name == "mean_ms") {
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  }
  return percentile(std::move(values), percentile_of(name).value_or(100));
}

std::vector<CheckResult> evaluate(const std::vector<Expectation>& expectations,
                                  const std::vector<probes::ProbeSample>& window,
                                  size_t min_samples) {
  std::vector<CheckResult> results;
  for (const auto& e : expectations) {
    CheckResult r;
    r.aggregate = e.aggregate;
    r.expectation = e.bound.describe();
    r.samples = window.size();
    if (window.empty() || window.size() < min_samples) {
      r.outcome = Outcome::kInconclusive;
      r.value = window.empty() ? std::nan("") : aggregate(e.aggregate, window);
    } else {
      r.value = aggregate(e.aggregate, window);
      r.outcome = e.bound.holds(r.value) ? Outcome::kOk : Outcome::kFailed;
    }
    results.push_back(r);
  }
  return results;
}

bool all_ok(const std::vector<CheckResult>& results) {
  return std::all_of(results.begin(), results.end(),
                     [](const CheckResult& r) { return r.outcome == Outcome::kOk; });
}

}  // namespace chaos::hypothesis
