#pragma once
// Reading Prometheus text exposition (format 0.0.4) in tests: a validator that checks what a
// scraper relies on, and a lookup for one series' value.

#include <optional>
#include <string>
#include <vector>

namespace chaos::demo::testing {

// Returns the problems found, empty when `text` is valid: comment syntax, one TYPE per family
// declared before its samples, sample syntax and values, and for histograms cumulative
// buckets ending in +Inf with _count equal to the +Inf bucket.
std::vector<std::string> exposition_problems(const std::string& text);

// The value of the sample whose name-and-labels part is exactly `series`, e.g.
// `shop_http_requests_total{path="/checkout",code="200"}`.
std::optional<double> sample_value(const std::string& text, const std::string& series);

}  // namespace chaos::demo::testing
