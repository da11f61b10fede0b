// The built-in "network" plugin: an in-process, Toxiproxy-style TCP proxy and the faults that
// act on it, any number at once on one proxy. Built only against sdk/.

#include <chaos/plugin.hpp>

#include "bandwidth_fault.h"
#include "http_fault.h"
#include "latency_fault.h"
#include "outage_fault.h"
#include "proxy_fault.h"

CHAOS_PLUGIN("network", "0.2.0",
             "Faults on TCP dependency paths through an in-process proxy: a passthrough proxy, "
             "and latency, bandwidth, outage and HTTP faults acting on it together.",
             chaos::network::ProxyFault, chaos::network::LatencyFault,
             chaos::network::BandwidthFault, chaos::network::OutageFault, chaos::network::HttpFault)
