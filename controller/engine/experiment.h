#pragma once
// Experiment: what an experiment file declares, as the engine uses it. The method and rollbacks
// stay in Lua (they are code); everything else is read out of the script once it has run.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hypothesis/tolerance.h"
#include "probes/http_probe.h"
#include "probes/prometheus_probe.h"
#include "probes/scrape_probe.h"

namespace chaos::engine {

struct ProbeSpec {
  std::string name;
  std::string kind = "http_probe";  // http_probe | scrape_probe | prometheus_probe
  probes::HttpProbeConfig http;
  probes::ScrapeProbeConfig scrape;
  probes::PrometheusProbeConfig prometheus;
  std::chrono::microseconds every{250000};
  size_t min_samples = 10;
  bool during = true;  // also judged while the faults are on
  // A guardrail is judged on every sample while faults are on, over the last `window`; when it
  // breaks, the run aborts and every fault is rolled back at once.
  bool guardrail = false;
  std::chrono::microseconds window{2000000};
  hypothesis::ErrorPolicy errors = hypothesis::ErrorPolicy::kData;
  std::vector<hypothesis::Expectation> expect;
  int predicate = 0;  // expect = function(w): its reference in the script; 0 when none
  std::string where;  // "file:line" of its declaration
};

struct ProxySpec {
  std::string name;
  std::string listen;
  std::string upstream;
};

struct Experiment {
  std::string title;
  std::string description;
  std::optional<int64_t> seed;
  std::vector<ProxySpec> proxies;
  std::vector<ProbeSpec> probes;
  std::chrono::microseconds baseline_timeout = std::chrono::seconds(30);
  std::chrono::microseconds recovery_within = std::chrono::seconds(30);
};

}  // namespace chaos::engine
