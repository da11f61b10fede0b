#include "hypothesis/tolerance.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace chaos::hypothesis {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string without_ms(const std::string& name) {
  return name.size() > 3 && name.compare(name.size() - 3, 3, "_ms") == 0
             ? name.substr(0, name.size() - 3)
             : name;
}

// "p99" -> 99, "p999" -> 99.9; nullopt when not a percentile name.
std::optional<double> percentile_of(const std::string& name) {
  if (name.size() < 2 || name[0] != 'p') return {};
  const std::string digits = name.substr(1);
  if (digits.size() > 4 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  // p50, p90, p99 are percent; p999 means 99.9, p995 99.5, p9999 99.99 — so a name with more
  // than two digits must start with 99 (p101 is a typo, not the 10.1th percentile).
  if (digits.size() > 2 && digits.compare(0, 2, "99") != 0) return {};
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

Bound Bound::resolved(double baseline) const {
  Bound out{min, max, {}, {}};
  if (min_x_baseline) out.min = std::max(out.min.value_or(-INFINITY), *min_x_baseline * baseline);
  if (max_x_baseline) out.max = std::min(out.max.value_or(INFINITY), *max_x_baseline * baseline);
  return out;
}

bool Bound::holds(double value) const {
  if (std::isnan(value)) return false;
  if (min && value < *min) return false;
  if (max && value > *max) return false;
  return true;
}

std::string Bound::describe() const {
  std::string lo = min ? number(*min) : "";
  std::string hi = max ? number(*max) : "";
  if (min_x_baseline) lo = number(*min_x_baseline) + "x baseline";
  if (max_x_baseline) hi = number(*max_x_baseline) + "x baseline";
  if (!lo.empty() && !hi.empty()) return "in [" + lo + ", " + hi + "]";
  if (!hi.empty()) return "<= " + hi;
  if (!lo.empty()) return ">= " + lo;
  return "any";
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kFailed: return "failed";
    case Outcome::kInconclusive: return "inconclusive";
    case Outcome::kError: return "error";
  }
  return "?";
}

Status check_aggregate_name(const std::string& name) {
  if (name == "error_ratio") return Status::ok();
  const std::string base = without_ms(name);
  if (base == "max" || base == "min" || base == "mean" || base == "last" || percentile_of(base)) {
    return Status::ok();
  }
  return Status::invalid_argument("unknown aggregate '" + name +
                                  "' (known: p50, p90, p95, p99, p999, max, min, mean, last — "
                                  "optionally with _ms, as in p99_ms — and error_ratio)");
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
  const std::string base = without_ms(name);
  if (base == "max") return *std::max_element(values.begin(), values.end());
  if (base == "min") return *std::min_element(values.begin(), values.end());
  if (base == "last") return values.back();
  if (base == "mean") {
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  }
  return percentile(std::move(values), percentile_of(base).value_or(100));
}

std::vector<CheckResult> evaluate(const std::vector<Expectation>& expectations,
                                  const std::vector<probes::ProbeSample>& window,
                                  const WindowRules& rules) {
  // Which samples carry values: for metric probes only the readings that succeeded.
  std::vector<probes::ProbeSample> usable;
  size_t errors = 0;
  std::string last_error;
  for (const auto& s : window) {
    if (!s.ok && rules.errors != ErrorPolicy::kData) {
      ++errors;
      last_error = s.error;
      continue;
    }
    usable.push_back(s);
  }
  std::vector<CheckResult> results;
  for (const auto& e : expectations) {
    CheckResult r;
    r.aggregate = e.aggregate;
    r.samples = usable.size();
    r.value = usable.empty() ? std::nan("") : aggregate(e.aggregate, usable);
    Bound bound = e.bound;
    if (bound.relative()) {
      auto base = rules.baseline ? rules.baseline->find(e.aggregate)
                                 : std::map<std::string, double>::const_iterator();
      if (!rules.baseline) {
        // Judging the baseline itself: this value becomes the reference.
        r.expectation = bound.describe() + " (this is the baseline)";
        r.outcome = usable.size() >= rules.min_samples ? Outcome::kOk : Outcome::kInconclusive;
        results.push_back(r);
        continue;
      }
      if (base == rules.baseline->end()) {
        r.expectation = bound.describe();
        r.outcome = Outcome::kInconclusive;
        r.note = "no baseline value to compare with";
        results.push_back(r);
        continue;
      }
      r.expectation = bound.describe() + " (" + bound.resolved(base->second).describe() + ")";
      bound = bound.resolved(base->second);
    } else {
      r.expectation = bound.describe();
    }
    if (errors > 0 && rules.errors == ErrorPolicy::kFail) {
      r.outcome = Outcome::kError;
      r.note = std::to_string(errors) + " of " + std::to_string(window.size()) +
               " readings failed (last: " + last_error + ")";
    } else if (usable.empty() || usable.size() < rules.min_samples) {
      r.outcome = Outcome::kInconclusive;
      r.note = std::to_string(usable.size()) + " samples, need " + std::to_string(rules.min_samples);
    } else {
      r.outcome = bound.holds(r.value) ? Outcome::kOk : Outcome::kFailed;
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
