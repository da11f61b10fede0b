#include "probes/metric_window.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "probes/histogram_quantile.h"

namespace chaos::probes {

namespace {

double seconds_between(SteadyTime a, SteadyTime b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A matcher that needs a label no series of the metric has is almost always a typo
// (`{cdoe="500"}`); say so instead of reading it as "no such events". Only judged when the
// metric has series at all.
std::string missing_label(const std::vector<const MetricSample*>& samples,
                          const SeriesSelector& series) {
  if (samples.empty()) return {};
  std::set<std::string> seen;
  for (const auto* s : samples) {
    for (const auto& [label, value] : s->labels) seen.insert(label);
  }
  for (const auto& m : series.matchers) {
    if (m.matches_empty() || seen.count(m.label)) continue;
    std::string known;
    for (const auto& label : seen) known += (known.empty() ? "" : ", ") + label;
    return "no series of '" + samples.front()->name + "' has the label '" + m.label +
           "' (its labels: " + (known.empty() ? "none" : known) + ")";
  }
  return {};
}

}  // namespace

MetricWindow::MetricWindow(Micros retention) : retention_(retention) {}

void MetricWindow::add(SteadyTime at, Exposition scrape) {
  scrapes_.push_back(Scrape{at, std::move(scrape)});
  while (!scrapes_.empty() && scrapes_.front().at < at - retention_) scrapes_.pop_front();
}

std::vector<const MetricWindow::Scrape*> MetricWindow::in_window(Micros window,
                                                                 SteadyTime now) const {
  std::vector<const Scrape*> out;
  for (const auto& s : scrapes_) {
    if (s.at >= now - window && s.at <= now) out.push_back(&s);
  }
  return out;
}

WindowValue MetricWindow::series_rates(const std::vector<const Scrape*>& scrapes,
                                       const std::string& sample_name, const SeriesSelector& series,
                                       std::map<Labels, double>& rates) const {
  rates.clear();
  if (scrapes.size() < 2) {
    return WindowValue::warming_up("need two scrapes in the window, have " +
                                   std::to_string(scrapes.size()));
  }
  std::map<Labels, std::vector<std::pair<SteadyTime, double>>> points;
  std::vector<const MetricSample*> all;  // every series of the metric, for the label check
  std::vector<bool> metric_present(scrapes.size());
  for (size_t i = 0; i < scrapes.size(); ++i) {
    const Exposition& e = scrapes[i]->exposition;
    metric_present[i] = e.family_of_sample(sample_name) != nullptr;
    for (const MetricSample* sample : e.samples_named(sample_name)) {
      all.push_back(sample);
      if (!series.matches(sample->labels)) continue;
      auto& p = points[sample->labels];
      // New inside the window: in the earlier scrapes that had its metric, it was 0 (a
      // labelled counter appears at its first increment). So every series spans the same
      // scrapes, and a ratio of 10 errors to 20 requests reads 0.5.
      if (p.empty()) {
        for (size_t j = 0; j < i; ++j) {
          if (metric_present[j]) p.emplace_back(scrapes[j]->at, 0.0);
        }
      }
      p.emplace_back(scrapes[i]->at, sample->value);
    }
  }
  if (std::find(metric_present.begin(), metric_present.end(), true) == metric_present.end()) {
    return WindowValue::error("no metric '" + sample_name + "' in the scrapes of the window");
  }
  if (std::string typo = missing_label(all, series); !typo.empty()) {
    return WindowValue::error(typo);
  }
  for (const auto& [labels, p] : points) {
    if (p.size() < 2) continue;
    const double span = seconds_between(p.front().first, p.back().first);
    if (span <= 0) continue;
    double increase = 0;
    for (size_t i = 1; i < p.size(); ++i) {
      const double prev = p[i - 1].second, cur = p[i].second;
      increase += cur >= prev ? cur - prev : cur;  // a drop is a reset: it restarted from 0
    }
    rates[labels] = increase / span;
  }
  return WindowValue::of(0);
}

WindowValue MetricWindow::gauge(const SeriesSelector& series, Micros window, SteadyTime now) const {
  const auto scrapes = in_window(window, now);
  if (scrapes.empty()) return WindowValue::warming_up("no scrape in the window yet");
  const Exposition& newest = scrapes.back()->exposition;
  if (!newest.family_of_sample(series.metric)) {
    return WindowValue::error("no metric '" + series.metric + "' in the newest scrape");
  }
  const auto samples = newest.samples_named(series.metric);
  if (std::string typo = missing_label(samples, series); !typo.empty()) {
    return WindowValue::error(typo);
  }
  double sum = 0;
  size_t matched = 0;
  for (const auto* s : samples) {
    if (!series.matches(s->labels)) continue;
    sum += s->value;
    ++matched;
  }
  if (matched == 0) return WindowValue::none("no series matches " + series.to_string());
  return WindowValue::of(sum);
}

WindowValue MetricWindow::rate(const SeriesSelector& counter, Micros window, SteadyTime now) const {
  std::map<Labels, double> rates;
  WindowValue status = series_rates(in_window(window, now), counter.metric, counter, rates);
  if (!status.has_value()) return status;
  double sum = 0;
  for (const auto& [labels, r] : rates) sum += r;
  return WindowValue::of(sum);
}

WindowValue MetricWindow::quantile(double q, const SeriesSelector& histogram, Micros window,
                                   SteadyTime now) const {
  std::string family = histogram.metric;
  if (family.size() > 7 && family.ends_with("_bucket")) family.resize(family.size() - 7);
  std::map<Labels, double> rates;
  WindowValue status = series_rates(in_window(window, now), family + "_bucket", histogram, rates);
  if (!status.has_value()) return status;
  if (rates.empty()) {
    return WindowValue::none("no series of '" + family + "_bucket' matching " +
                             histogram.to_string() + " in two scrapes of the window");
  }
  std::map<double, double> by_le;  // sum by (le)
  for (const auto& [labels, r] : rates) {
    const auto le = labels.find("le");
    const auto bound = le == labels.end() ? std::nullopt : parse_metric_value(le->second);
    if (!bound) return WindowValue::error("'" + family + "_bucket' series without a numeric le");
    by_le[*bound] += r;
  }
  if (!std::isinf(by_le.rbegin()->first) || by_le.rbegin()->first < 0) {
    return WindowValue::error("histogram '" + family + "' has no +Inf bucket");
  }
  if (by_le.rbegin()->second == 0) {
    return WindowValue::none("no observations of '" + family + "' in the window");
  }
  std::vector<HistogramBucket> buckets;
  for (const auto& [bound, r] : by_le) buckets.push_back({bound, r});
  const double value = histogram_quantile(q, std::move(buckets));
  if (std::isnan(value)) return WindowValue::none("histogram_quantile gave NaN");
  return WindowValue::of(value);
}

WindowValue MetricWindow::ratio(const SeriesSelector& numerator, const SeriesSelector& denominator,
                                Micros window, SteadyTime now) const {
  const WindowValue num = rate(numerator, window, now);
  if (!num.has_value()) return num;
  const WindowValue den = rate(denominator, window, now);
  if (!den.has_value()) return den;
  if (den.value == 0) {
    if (num.value == 0) return WindowValue::none("no events in the window (0/0)");
    return WindowValue::none("the denominator's rate is 0 while the numerator's is " +
                             format_number(num.value) + "/s");
  }
  return WindowValue::of(num.value / den.value);
}

}  // namespace chaos::probes
