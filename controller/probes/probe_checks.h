#pragma once
// Checks every probe kind makes on its configuration in create(), so `chaosctl validate` and
// `chaosctl run` (which both create the probes) refuse the same things with the same words.

#include <string>

#include "common/duration.h"
#include "common/status.h"

namespace chaos::probes {

// libcurl counts timeouts in whole milliseconds and takes 0 as "no timeout at all".
inline constexpr Micros kMinProbeTimeout = std::chrono::milliseconds(1);

// An http:// or https:// URL with a host, as libcurl parses it. The message explains, e.g.
// "'http://' has no host; expected a URL like http://127.0.0.1:8080/health".
Status check_probe_url(const std::string& url);

// At least kMinProbeTimeout.
Status check_probe_timeout(Micros timeout);

}  // namespace chaos::probes
