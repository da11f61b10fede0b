#pragma once
// ScrapeProbe: reads a Prometheus text-exposition endpoint directly (the demo shop's /metrics,
// an exporter, an app) — no Prometheus server needed. Each sample() GETs the endpoint (libcurl,
// kept-alive connection, timeout), parses it, adds it to a MetricWindow stamped with the
// injected clock's time, and answers one computation over the last `window`:
//
//   what = gauge     the metric's current value (sum of the matching series)
//   what = rate      per-second rate of a counter                       unit: metric unit / s
//   what = quantile  q-quantile of a histogram from its bucket rates    unit: the histogram's
//   what = ratio     rate(numerator) / rate(denominator), e.g. 5xx / all requests (0..1)
//
// Values are in the metric's own unit: the demo's shop_checkout_duration_seconds gives
// seconds, not milliseconds (unit() says "s"). See metric_window.h for the exact arithmetic
// (counter resets, series new in the window, Prometheus's histogram_quantile).
//
// A sample is ok=false, never a silent healthy value, when:
//   - the fetch fails ("GET http://...: Couldn't connect to server"), the status is not 200,
//     or the body is not valid exposition text ("... line 12: unterminated label value");
//   - the window is still warming up: the error is exactly "warming up: need two scrapes in
//     the window" (kWarmingUpError). The first sample of a rate, quantile or ratio always
//     says this, and a probe sampled less often than once per window never gets past it; the
//     engine decides whether warming up counts against a hypothesis;
//   - the data defines no number: "no value: no events in the window (0/0)";
//   - the computation is impossible: "no metric 'x' in the scrapes of the window".
// `detail` always says what was fetched and computed, e.g.
//   GET http://127.0.0.1:18080/metrics: HTTP 200, 3120 bytes; 4 scrapes in the 10s window;
//   histogram_quantile(0.99, sum by (le) (rate(shop_checkout_duration_seconds_bucket[10s]))) =
//   0.0049
//
// Thread-safety: as Probe — sampled from one thread at a time.

#include <memory>
#include <string>
#include <string_view>

#include "common/duration.h"
#include "common/status.h"
#include "probes/http_fetcher.h"
#include "probes/metric_window.h"
#include "probes/probe.h"
#include "probes/series_selector.h"

namespace chaos::probes {

enum class ScrapeComputation { kGauge, kRate, kQuantile, kRatio };

// "gauge", "rate", "quantile", "ratio".
Result<ScrapeComputation> parse_scrape_computation(std::string_view text);

struct ScrapeProbeConfig {
  std::string url;  // http:// or https://, e.g. "http://127.0.0.1:18080/metrics"
  ScrapeComputation what = ScrapeComputation::kGauge;
  // gauge, rate: a series selector in PromQL syntax, e.g. `shop_http_requests_total{code="200"}`.
  // quantile: the histogram's name (`shop_checkout_duration_seconds`), optionally with matchers.
  std::string metric;
  // Optional extra matchers, e.g. `code=~"5.."` (braces optional). For a ratio they are added
  // to both the numerator and the denominator.
  std::string selector;
  double quantile = 0.99;  // quantile: 0 <= q <= 1
  Micros window = std::chrono::seconds(30);
  std::string numerator, denominator;  // ratio: series selectors, e.g. `x{code=~"5.."}` and `x`
  Micros timeout = std::chrono::seconds(2);  // per fetch, connecting included
  std::string unit;  // optional: overrides the unit derived from the metric's name
};

class ScrapeProbe final : public Probe {
 public:
  static constexpr std::string_view kWarmingUpError = "warming up: need two scrapes in the window";
  static constexpr size_t kMaxBody = 16 << 20;  // bytes

  // Validates `config` (URL scheme, selectors, q, window, timeout); errors name the field,
  // e.g. "scrape probe: quantile: must be between 0 and 1, got 1.5".
  static Result<std::unique_ptr<ScrapeProbe>> create(ScrapeProbeConfig config);

  ProbeSample sample(Clock& clock) override;
  void cancel() override { fetcher_.cancel(); }
  std::string unit() const override { return unit_; }
  // The computation in PromQL terms, e.g. `rate(shop_db_queries_total[30s])`.
  const std::string& expression() const { return expression_; }

 private:
  ScrapeProbe(ScrapeProbeConfig config, SeriesSelector first, SeriesSelector second);
  // Keeps only the families the computation reads, so a large endpoint costs little memory.
  Exposition keep_needed(Exposition scrape) const;
  WindowValue compute(SteadyTime now) const;

  ScrapeProbeConfig config_;
  SeriesSelector first_;   // the metric, or the ratio's numerator
  SeriesSelector second_;  // the ratio's denominator
  std::string expression_;
  std::string unit_;
  MetricWindow window_;
  HttpFetcher fetcher_;
};

}  // namespace chaos::probes
