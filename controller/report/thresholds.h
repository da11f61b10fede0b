#pragma once
// The tolerance thresholds drawn on a series' chart, read from its checks' expectations as the
// hypothesis wrote them ("<= 300", ">= 5", "in [1, 5]", "<= 1.5x baseline (<= 18.3)"): the
// resolved number when a bound is relative to the baseline. The same rules as the run page's
// thresholdsFor (web/charts.js), so the HTML report and the UI draw the same lines.
// error_ratio bounds are left out: a ratio is on another scale than the series' values.
//
// Thread-safety: a pure function.

#include <boost/json/array.hpp>
#include <string>
#include <vector>

namespace chaos::report {

struct Threshold {
  double value = 0;
  std::string label;  // e.g. "p99_ms ≤ 300"
};

// `checks`: a report's "checks" array. Each distinct (direction, value) once, in check order.
std::vector<Threshold> thresholds_for(const std::string& series, const boost::json::array& checks);

}  // namespace chaos::report
