#include "engine/probe_factory.h"

#include "common/duration.h"
#include "engine/experiment_defaults.h"
#include "engine/probe_kind.h"

namespace chaos::engine {

// The checks every kind shares are made here, once; a kind's own fields are its make()'s, and
// the probe's create() refuses what the probe cannot sample (probes/probe_checks.h).
Result<std::unique_ptr<probes::Probe>> make_probe(const ProbeSpec& spec) {
  if (!spec.type) {
    return Status::invalid_argument(spec.where + ": unknown probe kind '" + spec.kind + "'");
  }
  const std::string what = spec.where + ": " + spec.kind + " \"" + spec.name + "\": ";
  if (spec.every < defaults::kMinProbeEvery) {
    return Status::invalid_argument(what + "every: '" + format_duration(spec.every) +
                                    "' is too short; the shortest is " +
                                    format_duration(defaults::kMinProbeEvery));
  }
  auto probe = spec.type->make(spec.config);
  if (!probe) return Status::invalid_argument(what + probe.status().message());
  return probe;
}

std::string describe_probe(const ProbeSpec& spec) {
  return spec.type ? spec.type->describe(spec.config) : spec.kind;
}

}  // namespace chaos::engine
