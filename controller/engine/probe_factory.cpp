#include "engine/probe_factory.h"

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

}  // namespace chaos::engine
