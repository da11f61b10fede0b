#pragma once
// Experiment: what an experiment file declares, as the engine uses it. The method and rollbacks
// stay in Lua (they are code); everything else is read out of the script once it has run.
// Defaults are engine/experiment_defaults.h's.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/experiment_defaults.h"
#include "hypothesis/tolerance.h"

namespace chaos::engine {

class ProbeKind;

struct ProbeSpec {
  std::string name;
  std::string kind = "http_probe";       // a ProbeKind's name
  const ProbeKind* type = nullptr;       // that kind, from the registry the script was loaded with
  boost::json::object config;            // the kind's own fields, as the script gave them
  std::chrono::microseconds every = defaults::kProbeEvery;
  size_t min_samples = defaults::kMinSamples;
  bool during = true;  // also judged while the faults are on
  // A guardrail is judged on every sample while faults are on, over the last `window`; when it
  // breaks, the run aborts and every fault is rolled back at once.
  bool guardrail = false;
  std::chrono::microseconds window = defaults::kGuardrailWindow;
  hypothesis::ErrorPolicy errors = hypothesis::ErrorPolicy::kData;
  std::vector<hypothesis::Expectation> expect;
  int predicate = 0;  // expect = function(w): its reference in the script; 0 when none
  std::string where;  // "file:line" of its declaration
};

// A proxy the experiment declares: `proxies = { db = { ...the proxy kind's parameters... } }`.
struct ProxySpec {
  std::string name;
  std::string kind;  // empty: the one loaded kind that provides proxies
  boost::json::object params;
  std::string where;  // "file:line" of the experiment's definition
};

struct Experiment {
  std::string title;
  std::string description;
  std::optional<int64_t> seed;
  std::vector<ProxySpec> proxies;
  std::vector<ProbeSpec> probes;
  // The baseline: samples in its first `baseline_warmup` are stored (phase "warmup") but not
  // judged; it lasts at least `baseline_min` after the warm-up and until every probe has its
  // min_samples, and gives up `baseline_timeout` after it began (warm-up included).
  std::chrono::microseconds baseline_warmup = defaults::kBaselineWarmup;
  std::chrono::microseconds baseline_min = defaults::kBaselineMin;
  std::chrono::microseconds baseline_timeout = defaults::kBaselineTimeout;
  std::chrono::microseconds recovery_within = defaults::kRecoveryWithin;
};

}  // namespace chaos::engine
