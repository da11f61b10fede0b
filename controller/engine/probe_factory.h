#pragma once
// Makes the probe a ProbeSpec describes, through its kind. Used by the dry run (to check a
// probe's configuration before anything starts) and by the run.

#include <memory>

#include "common/status.h"
#include "engine/experiment.h"
#include "probes/probe.h"

namespace chaos::engine {

// Checks the spec (every kind's `every` is at least defaults::kMinProbeEvery) and makes the
// probe through its kind; the dry run and the run both call it, so `validate` refuses what
// `run` would. Errors read `FILE:LINE: scrape_probe "name": message`.
Result<std::unique_ptr<probes::Probe>> make_probe(const ProbeSpec& spec);

// One line for people: what the probe reads, e.g. "GET http://.../checkout" or
// "p0.99 of shop_checkout_duration_seconds over 5s from http://.../metrics".
std::string describe_probe(const ProbeSpec& spec);

}  // namespace chaos::engine
