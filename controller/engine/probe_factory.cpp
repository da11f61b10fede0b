#include "engine/probe_factory.h"

#include "engine/probe_kind.h"

namespace chaos::engine {

Result<std::unique_ptr<probes::Probe>> make_probe(const ProbeSpec& spec) {
  if (!spec.type) {
    return Status::invalid_argument(spec.where + ": unknown probe kind '" + spec.kind + "'");
  }
  auto probe = spec.type->make(spec.config);
  if (!probe) {
    return Status::invalid_argument(spec.where + ": " + spec.kind + " \"" + spec.name +
                                    "\": " + probe.status().message());
  }
  return probe;
}

std::string describe_probe(const ProbeSpec& spec) {
  return spec.type ? spec.type->describe(spec.config) : spec.kind;
}

}  // namespace chaos::engine
