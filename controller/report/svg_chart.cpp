#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "report/markup.h"

namespace chaos::report {

namespace {

// The plot area inside a kWidth x kHeight viewBox; the margins hold the axes' labels.
constexpr double kWidth = 900, kHeight = 240;
constexpr double kLeft = 64, kRight = kWidth - 16, kTop = 12, kBottom = kHeight - 40;

std::string fixed(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

std::string general(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

// "45s", "2m05s": an offset from the run's start, as the run page's axis writes it.
std::string offset_text(double seconds) {
  const double s = std::round(seconds * 10) / 10;
  if (std::fabs(s) < 120) return general(s) + "s";
  const long whole = std::lround(s);
  char text[32];
  std::snprintf(text, sizeof text, "%ldm%02lds", whole / 60, whole % 60);
  return text;
}

// 1, 2 or 5 times a power of ten: at most about `count` steps over `span`.
double nice_step(double span, int count) {
  const double raw = span / count;
  const double power = std::pow(10, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}

struct Scale {
  double lo, hi, pixel_lo, pixel_hi;
  double operator()(double v) const {
    return pixel_lo + (v - lo) / (hi - lo) * (pixel_hi - pixel_lo);
  }
};

Scale y_scale(const Chart& chart) {
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto& p : chart.points) {
    if (!p.value) continue;
    lo = std::min(lo, *p.value);
    hi = any ? std::max(hi, *p.value) : std::max(0.0, *p.value);
    any = true;
  }
  if (!any) hi = 1;
  for (const auto& t : chart.thresholds) {
    lo = std::min(lo, t.value);
    hi = std::max(hi, t.value);
  }
  if (hi <= lo) hi = lo + 1;
  return {lo, hi + (hi - lo) * 0.08, kBottom, kTop};
}

Scale x_scale(const Chart& chart) {
  double lo = 0, hi = chart.end_s;
  for (const auto& p : chart.points) {
    lo = std::min(lo, p.t_s);
    hi = std::max(hi, p.t_s);
  }
  for (const auto& w : chart.windows) hi = std::max(hi, w.end_s.value_or(w.start_s));
  if (hi <= lo) hi = lo + 1;
  return {lo, hi, kLeft, kRight};
}

// The line as path data: a gap at each failed reading without a value; per pixel column only
// its lowest and highest reading, in time order.
std::string line_path(const Chart& chart, const Scale& x, const Scale& y) {
  std::string d;
  bool in_segment = false;
  long column = -1;
  const ChartPoint* low = nullptr;
  const ChartPoint* high = nullptr;
  auto flush = [&] {
    if (low == nullptr) return;
    const ChartPoint* first = low->t_s <= high->t_s ? low : high;
    const ChartPoint* second = first == low ? high : low;
    auto to = [&](const ChartPoint& p) {
      d += (in_segment ? " L" : (d.empty() ? "M" : " M")) + fixed(x(p.t_s)) + " " +
           fixed(y(*p.value));
      if (!in_segment) d += " h0.01";  // a lone reading still shows, as a dot (round caps)
      in_segment = true;
    };
    to(*first);
    if (second != first) to(*second);
    low = high = nullptr;
  };
  for (const auto& p : chart.points) {
    if (!p.value) {
      flush();
      in_segment = false;
      continue;
    }
    const long c = std::lround(x(p.t_s));
    if (c != column) {
      flush();
      column = c;
    }
    if (low == nullptr || *p.value < *low->value) low = &p;
    if (high == nullptr || *p.value > *high->value) high = &p;
  }
  flush();
  return d;
}

std::string fault_windows(const Chart& chart, const Scale& x) {
  std::string out;
  for (const auto& w : chart.windows) {
    const double x0 = std::clamp(x(w.start_s), kLeft, kRight);
    const double x1 = std::clamp(w.end_s ? x(*w.end_s) : kRight, kLeft, kRight);
    const std::string label = markup_escaped(w.label);
    out += "<rect class=\"fault-window\" x=\"" + fixed(x0) + "\" y=\"" + fixed(kTop) +
           "\" width=\"" + fixed(std::max(1.0, x1 - x0)) + "\" height=\"" + fixed(kBottom - kTop) +
           "\"><title>fault " + label + ": " + offset_text(w.start_s) + " to " +
           (w.end_s ? offset_text(*w.end_s) : std::string("(never stopped)")) + "</title></rect>";
    out += "<text class=\"fault-label\" x=\"" + fixed(x0 + 4) + "\" y=\"" + fixed(kTop + 13) +
           "\">\u26a1 " + label + "</text>";
  }
  return out;
}

std::string thresholds(const Chart& chart, const Scale& y) {
  std::string out;
  for (const auto& t : chart.thresholds) {
    const std::string at = fixed(y(t.value));
    out += "<line class=\"threshold\" x1=\"" + fixed(kLeft) + "\" x2=\"" + fixed(kRight) +
           "\" y1=\"" + at + "\" y2=\"" + at + "\"><title>" + markup_escaped(t.label) +
           "</title></line>";
    out += "<text class=\"threshold-label\" x=\"" + fixed(kRight - 4) + "\" y=\"" +
           fixed(y(t.value) - 4) + "\">" + markup_escaped(t.label) + "</text>";
  }
  return out;
}

// One red mark per pixel column that has failed readings, along the bottom of the plot.
std::string failed_readings(const Chart& chart, const Scale& x) {
  struct Column {
    int count = 0;
    std::string last_error;
  };
  std::map<long, Column> columns;
  for (const auto& p : chart.points) {
    if (p.ok) continue;
    Column& c = columns[std::lround(x(p.t_s))];
    ++c.count;
    c.last_error = p.error;
  }
  std::string out;
  for (const auto& [column, c] : columns) {
    out += "<rect class=\"failed-reading\" x=\"" + fixed(column - 1.0) + "\" y=\"" +
           fixed(kBottom - 8) + "\" width=\"2\" height=\"8\"><title>" + std::to_string(c.count) +
           (c.count == 1 ? " failed reading" : " failed readings") +
           (c.last_error.empty() ? "" : ": " + markup_escaped(c.last_error)) + "</title></rect>";
  }
  return out;
}

std::string axes(const Scale& x, const Scale& y) {
  std::string out = "<g class=\"axes\">";
  out += "<rect class=\"plot\" x=\"" + fixed(kLeft) + "\" y=\"" + fixed(kTop) + "\" width=\"" +
         fixed(kRight - kLeft) + "\" height=\"" + fixed(kBottom - kTop) + "\"/>";
  const double ys = nice_step(y.hi - y.lo, 4);
  for (double v = std::ceil(y.lo / ys) * ys; v <= y.hi + ys * 1e-9; v += ys) {
    const double at = y(v);
    const double shown = std::fabs(v) < ys * 1e-9 ? 0 : v;
    out += "<line class=\"grid\" x1=\"" + fixed(kLeft) + "\" x2=\"" + fixed(kRight) + "\" y1=\"" +
           fixed(at) + "\" y2=\"" + fixed(at) + "\"/><text class=\"y-tick\" x=\"" +
           fixed(kLeft - 6) + "\" y=\"" + fixed(at + 4) + "\">" + general(shown) + "</text>";
  }
  const double xs = nice_step(x.hi - x.lo, 8);
  for (double v = std::ceil(x.lo / xs) * xs; v <= x.hi + xs * 1e-9; v += xs) {
    out += "<text class=\"x-tick\" x=\"" + fixed(x(v)) + "\" y=\"" + fixed(kBottom + 16) + "\">" +
           offset_text(v) + "</text>";
  }
  out += "<text class=\"x-label\" x=\"" + fixed((kLeft + kRight) / 2) + "\" y=\"" +
         fixed(kHeight - 4) + "\">seconds since the run started</text></g>";
  return out;
}

}  // namespace

std::string svg_chart(const Chart& chart) {
  const Scale x = x_scale(chart);
  const Scale y = y_scale(chart);
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 " + fixed(kWidth) + " " + fixed(kHeight) +
                    "\" role=\"img\" data-series=\"" + markup_escaped(chart.series) +
                    "\" data-samples=\"" + std::to_string(chart.points.size()) +
                    "\" data-fault-windows=\"" + std::to_string(chart.windows.size()) +
                    "\" data-thresholds=\"" + std::to_string(chart.thresholds.size()) + "\">";
  svg += "<title>" + markup_escaped(chart.series) + "</title>";
  svg += axes(x, y);
  svg += fault_windows(chart, x);
  svg += "<path class=\"series\" d=\"" + line_path(chart, x, y) + "\"/>";
  svg += failed_readings(chart, x);
  svg += thresholds(chart, y);
  return svg + "</svg>";
}

}  // namespace chaos::report
