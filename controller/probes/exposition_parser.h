#pragma once
// A parser for the Prometheus text exposition format, version 0.0.4 — what a `/metrics`
// endpoint serves (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// It reads `# HELP` and `# TYPE` lines (other comments are skipped), samples with labels
// (escapes `\\`, `\"`, `\n`), values including `+Inf`, `-Inf` and `NaN`, optional integer
// timestamps in milliseconds, and groups samples into families: a histogram `x` owns
// `x_bucket{le=..}`, `x_sum` and `x_count`; a summary `x` owns `x{quantile=..}`, `x_sum` and
// `x_count`. Samples with no `# TYPE` line form untyped families of their own name.
//
// Malformed input is rejected as a whole: the Status names the line and what is wrong, e.g.
// "line 12: unterminated label value". A scrape is judged all or nothing, as Prometheus does.
//
// Thread-safety: a pure function over plain values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace chaos::probes {

enum class MetricType { kUntyped, kCounter, kGauge, kHistogram, kSummary };

// "counter", "gauge", "histogram", "summary", "untyped".
std::string_view metric_type_name(MetricType type);

using Labels = std::map<std::string, std::string>;

struct MetricSample {
  std::string name;  // the full sample name, e.g. "x_bucket" in histogram "x"
  Labels labels;     // unescaped values
  double value = 0;
  std::optional<int64_t> timestamp_ms;  // as written by the exporter, if it wrote one
};

struct MetricFamily {
  std::string name;
  MetricType type = MetricType::kUntyped;
  std::string help;                   // unescaped
  std::vector<MetricSample> samples;  // in the order they were written
};

struct Exposition {
  std::vector<MetricFamily> families;  // in order of first mention

  // The family called `name`, or nullptr.
  const MetricFamily* family(std::string_view name) const;
  // The family a sample name belongs to ("x_bucket" -> histogram "x"), or nullptr.
  const MetricFamily* family_of_sample(std::string_view sample_name) const;
  // Every sample called exactly `sample_name`.
  std::vector<const MetricSample*> samples_named(std::string_view sample_name) const;
};

// Parses a whole exposition. Lines end with "\n" (a "\r" before it is tolerated).
Result<Exposition> parse_exposition(std::string_view text);

// Parses a sample value as the format writes it: a decimal float, `+Inf`, `-Inf` or `NaN`
// (case-insensitive, like Go's strconv.ParseFloat). Shared with the Prometheus answer reader.
std::optional<double> parse_metric_value(std::string_view token);

}  // namespace chaos::probes
