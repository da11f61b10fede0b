#pragma once
// PrometheusProbe: one PromQL query against a Prometheus server's HTTP API per sample (libcurl,
// kept-alive connection, timeout), answered as one number:
//
//   range == 0  instant query: GET /api/v1/query?query=Q&time=T&timeout=..., evaluated at the
//               injected clock's wall time T. The answer must be a scalar or a vector with
//               exactly one element; wrap a query in sum(...) or similar to get one.
//   range > 0   range query: GET /api/v1/query_range?query=Q&start=T-range&end=T&step=S,
//               reduced to one number by `reduce` (last | min | max | mean; see
//               prometheus_answer.h). The step defaults to max(1s, range / 250).
//
// The value is in whatever unit the query computes (a histogram_quantile of a *_seconds
// histogram gives seconds); `unit` in the config only labels it.
//
// A sample is ok=false with a message saying why, never a silent healthy value, when:
// Prometheus cannot be reached ("Couldn't connect to server"), the request times out, the
// answer is an HTTP error or `status: error` ("Prometheus error bad_data: 1:5: parse error:
// ..."), the JSON is malformed, the result has 0 or several series, or the value is NaN.
// Every error names the query: `prometheus query "sum(up)": ...`.
// `detail` holds the query, the evaluation time(s) and the start of the raw answer (<= 4 KiB).
//
// Thread-safety: as Probe — sampled from one thread at a time.

#include <memory>
#include <string>

#include "common/duration.h"
#include "common/status.h"
#include "probes/http_fetcher.h"
#include "probes/probe.h"
#include "probes/prometheus_answer.h"

namespace chaos::probes {

struct PrometheusProbeConfig {
  std::string url;    // the server, e.g. "http://127.0.0.1:9090" (a path prefix is kept)
  std::string query;  // PromQL
  Micros range{0};    // 0: an instant query; > 0: a range query over [now - range, now]
  Micros step{0};     // range queries: resolution; 0 = max(1s, range / 250)
  RangeReduce reduce = RangeReduce::kLast;
  Micros timeout = std::chrono::seconds(2);  // for the HTTP request and Prometheus's evaluation
  std::string unit;                          // what the query's value is in, e.g. "s"; only a label
};

class PrometheusProbe final : public Probe {
 public:
  static constexpr size_t kMaxAnswer = 4 << 20;  // bytes
  static constexpr size_t kMaxDetail = 4096;

  // Validates `config` (URL scheme, non-empty query, positive timeout, step <= range,
  // at most 11,000 points — Prometheus's own limit); errors name the field.
  static Result<std::unique_ptr<PrometheusProbe>> create(PrometheusProbeConfig config);

  ProbeSample sample(Clock& clock) override;
  void cancel() override { fetcher_.cancel(); }
  std::string unit() const override { return config_.unit; }

 private:
  explicit PrometheusProbe(PrometheusProbeConfig config);

  PrometheusProbeConfig config_;
  HttpFetcher fetcher_;
};

}  // namespace chaos::probes
