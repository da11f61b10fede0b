// The built-in "load" plugin: a traffic flood and connection-pool exhaustion against allowed
// targets. Built only against sdk/. See README.md.

#include <chaos/plugin.hpp>

#include "flood_fault.h"
#include "pool_fault.h"

CHAOS_PLUGIN("load", "0.1.0",
             "Load faults on allowed targets (loopback by default): an HTTP traffic flood (open "
             "and closed model) and "
             "connection-pool exhaustion (TCP, slowloris, PostgreSQL).",
             chaos::load::FloodFault, chaos::load::PoolExhaustionFault)
