#pragma once
// MetricWindow: the recent scrapes of one exposition endpoint, each stamped with the injected
// clock's time when it was taken, and the arithmetic Prometheus would do over them — without
// a Prometheus server. Every computation reads the scrapes in [now - window, now]:
//
//   gauge     the sum of the matching series in the newest scrape of the window
//             (one scrape is enough).
//   rate      per-second rate of a counter: for each matching series, its increase from the
//             first to the last scrape of the window divided by the time between them, summed
//             over the series. A value that drops is a counter reset, as in Prometheus: the
//             increase across the drop is the new value. Unlike Prometheus, nothing is
//             extrapolated to the window's edges, and a series that first appears inside the
//             window (the first 503 of a labelled counter) counts as 0 in the earlier scrapes
//             that had its metric, so its first increments are not lost.
//   quantile  histogram_quantile(q, sum by (le) (rate(metric_bucket[window]))): bucket rates
//             summed over the matching series, then Prometheus's linear interpolation.
//             The answer is in the histogram's own unit (seconds for *_seconds).
//   ratio     rate(numerator) / rate(denominator), e.g. 5xx / all requests.
//
// A computation answers a value, or says why there is none (WindowValue::Kind):
//   kWarmingUp  fewer than two scrapes in the window (one for a gauge): not an error, not 0;
//   kNoValue    the data is there but defines no number: 0/0, no observations in the window,
//               no series of a gauge matches;
//   kError      the window cannot answer: the metric is not in the scrapes, a histogram has no
//               +Inf bucket, or a matcher names a label no series has (a typo reads as an
//               error, not as a silent 0).
// A counter family that exists but has no matching series yet (no 5xx so far) has rate 0.
//
// Thread-safety: none; one owner (a ScrapeProbe on its runner's thread).

#include <deque>
#include <string>

#include "common/clock.h"
#include "common/duration.h"
#include "probes/exposition_parser.h"
#include "probes/series_selector.h"

namespace chaos::probes {

struct WindowValue {
  enum class Kind { kValue, kWarmingUp, kNoValue, kError };
  Kind kind = Kind::kNoValue;
  double value = 0;    // when kind == kValue
  std::string reason;  // otherwise: why there is no value, for people

  static WindowValue of(double v) { return {Kind::kValue, v, {}}; }
  static WindowValue warming_up(std::string why) { return {Kind::kWarmingUp, 0, std::move(why)}; }
  static WindowValue none(std::string why) { return {Kind::kNoValue, 0, std::move(why)}; }
  static WindowValue error(std::string why) { return {Kind::kError, 0, std::move(why)}; }
  bool has_value() const { return kind == Kind::kValue; }
};

class MetricWindow {
 public:
  // Keeps the scrapes of the last `retention` (measured back from the newest scrape).
  // REQUIRES: every window asked for is <= retention.
  explicit MetricWindow(Micros retention);

  // Adds a scrape taken at `at`. REQUIRES: `at` is not before the previous scrape.
  void add(SteadyTime at, Exposition scrape);
  size_t size() const { return scrapes_.size(); }

  WindowValue gauge(const SeriesSelector& series, Micros window, SteadyTime now) const;
  WindowValue rate(const SeriesSelector& counter, Micros window, SteadyTime now) const;
  // `histogram` names the family (`x`, not `x_bucket`); its matchers select series.
  WindowValue quantile(double q, const SeriesSelector& histogram, Micros window,
                       SteadyTime now) const;
  WindowValue ratio(const SeriesSelector& numerator, const SeriesSelector& denominator,
                    Micros window, SteadyTime now) const;

 private:
  struct Scrape {
    SteadyTime at;
    Exposition exposition;
  };
  // The scrapes in [now - window, now], oldest first.
  std::vector<const Scrape*> in_window(Micros window, SteadyTime now) const;
  // Per-second rates of every matching series of `sample_name`, keyed by labels; or why not.
  WindowValue series_rates(const std::vector<const Scrape*>& scrapes,
                           const std::string& sample_name, const SeriesSelector& series,
                           std::map<Labels, double>& rates) const;

  Micros retention_;
  std::deque<Scrape> scrapes_;
};

}  // namespace chaos::probes
