#pragma once
// One time-series chart as inline SVG, for the HTML report (html_report.h): the series' line,
// its failed readings marked in red along the bottom, the fault windows shaded with their
// names, and the tolerance thresholds as dashed lines. Drawn in C++ so the report needs no
// script and opens offline. The x axis is seconds since the run started, as on the run page.
//
// A long series is thinned to the lowest and highest reading per pixel column, so spikes stay
// visible and the file stays small; data-samples still says how many readings there were.
//
// Thread-safety: a pure function.

#include <optional>
#include <string>
#include <vector>

#include "report/thresholds.h"

namespace chaos::report {

struct ChartPoint {
  double t_s = 0;               // seconds since the run started
  std::optional<double> value;  // nullopt: a failed reading with no value (a gap in the line)
  bool ok = true;               // false: a failed reading (with or without a value)
  std::string error;            // why it failed, shown on hover
};

struct ChartWindow {
  double start_s = 0;
  std::optional<double> end_s;  // nullopt: never stopped (drawn to the right edge)
  std::string label;
};

struct Chart {
  std::string series;
  std::vector<ChartPoint> points;  // in time order
  std::vector<ChartWindow> windows;
  std::vector<Threshold> thresholds;
  double end_s = 0;  // the run's length: the x axis spans at least [0, end_s]
};

// An <svg class="chart"> element with data-series, data-samples, data-fault-windows and
// data-thresholds attributes; the line is <path class="series">, each window
// <rect class="fault-window">, each threshold <line class="threshold">.
std::string svg_chart(const Chart& chart);

}  // namespace chaos::report
