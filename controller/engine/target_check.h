#pragma once
// The target allowlist (common/target_allowlist.h) applied to an experiment before anything
// runs: every probe's url, and every fault parameter whose kind's schema marks it
// "x-chaos-target": true (the flood's and pool exhaustion's `target`). The dry run calls these,
// so `chaosctl validate` and the validating phase of a run refuse a target before any packet
// is sent; the plugin asks the host again when it creates the fault (chaos_host_api
// .check_target) and connects only to the address that was allowed.
//
// Names are resolved here (getaddrinfo) unless a name rule allows them. A fault's target is
// allowed when some address of its name is (the plugin keeps that one); a probe's only when
// every address is, since libcurl picks among them itself. Thread-safety: pure functions.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/target_allowlist.h"
#include "engine/experiment.h"
#include "plugin_host/plugin_library.h"

namespace chaos::engine {

// The host of "http://HOST:PORT/path", "HOST:PORT" or "[V6]:PORT", without brackets; empty
// when there is none.
std::string target_host_of(std::string_view text);

// Whether `text`'s host may be reached. `every_address`: all of a name's addresses must be
// allowed (probes), rather than one (faults). `what` ("flood: target") prefixes errors.
Status check_target_text(const TargetAllowlist& allowlist, std::string_view text,
                         bool every_address, const std::string& what);

// The probe's url, if its kind has one.
Status check_probe_target(const ProbeSpec& probe, const TargetAllowlist& allowlist);

// Every parameter of `params` that `kind`'s schema marks "x-chaos-target": true.
Status check_fault_targets(const plugin_host::FaultKind& kind, const boost::json::value& params,
                           const TargetAllowlist& allowlist);

}  // namespace chaos::engine
