#include "engine/probe_factory.h"

#include <cstdio>

#include "common/duration.h"

namespace chaos::engine {

namespace {

template <typename P, typename Config>
Result<std::unique_ptr<probes::Probe>> create(const ProbeSpec& spec, const Config& config) {
  auto probe = P::create(config);
  if (!probe) {
    return Status::invalid_argument(spec.where + ": " + spec.kind + " \"" + spec.name +
                                    "\": " + probe.status().message());
  }
  return std::unique_ptr<probes::Probe>(std::move(probe.value()));
}

}  // namespace

Result<std::unique_ptr<probes::Probe>> make_probe(const ProbeSpec& spec) {
  if (spec.kind == "scrape_probe") return create<probes::ScrapeProbe>(spec, spec.scrape);
  if (spec.kind == "prometheus_probe") return create<probes::PrometheusProbe>(spec, spec.prometheus);
  return std::unique_ptr<probes::Probe>(std::make_unique<probes::HttpProbe>(spec.http));
}

std::string describe_probe(const ProbeSpec& spec) {
  if (spec.kind == "http_probe") return spec.http.method + " " + spec.http.url;
  if (spec.kind == "prometheus_probe") {
    const auto& c = spec.prometheus;
    std::string range = c.range.count() ? ", over the last " + format_duration(c.range) + " (" +
                                              std::string(probes::range_reduce_name(c.reduce)) + ")"
                                        : "";
    return "PromQL '" + c.query + "' at " + c.url + range;
  }
  const auto& c = spec.scrape;
  const std::string over = " over " + format_duration(c.window);
  std::string what;
  switch (c.what) {
    case probes::ScrapeComputation::kGauge: what = c.metric; break;
    case probes::ScrapeComputation::kRate: what = "rate of " + c.metric + over; break;
    case probes::ScrapeComputation::kQuantile: {
      char q[16];
      std::snprintf(q, sizeof q, "%g", c.quantile);
      what = std::string("quantile ") + q + " of " + c.metric + over;
      break;
    }
    case probes::ScrapeComputation::kRatio:
      what = c.numerator + " / " + c.denominator + over;
      break;
  }
  return what + (c.selector.empty() ? "" : " {" + c.selector + "}") + " from " + c.url;
}

}  // namespace chaos::engine
