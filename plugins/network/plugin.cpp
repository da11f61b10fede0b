// The built-in "network" plugin: an in-process, Toxiproxy-style TCP proxy and the faults that
// act on it. Built only against sdk/.

#include <chaos/plugin.hpp>

#include "latency_fault.h"
#include "proxy_fault.h"

CHAOS_PLUGIN("network", "0.1.0",
             "Faults on TCP dependency paths through an in-process proxy: a passthrough proxy "
             "and latency acting on it.",
             chaos::network::ProxyFault, chaos::network::LatencyFault)
