// chaos/plugin.hpp — a header-only C++17 wrapper that turns a fault kind into a small class.
//
// A plugin author writes one class per fault kind and one macro line:
//
//   class LatencyFault : public chaos::sdk::Fault {
//    public:
//     static constexpr const char* kName = "latency";
//     static constexpr const char* kSummary = "Delays the bytes on a proxied TCP path.";
//     static constexpr const char* kSchema = R"({"type":"object", ...})";
//     static std::unique_ptr<LatencyFault> create(chaos::sdk::Host& host,
//                                                 const chaos::sdk::Params& params);
//     void start() override;
//     void stop() override;
//     std::string status_json() override;
//     void update(const chaos::sdk::Params& params) override;  // optional
//     static void recover(chaos::sdk::Host&, const chaos::sdk::Params&);  // optional, static
//   };
//   CHAOS_PLUGIN("network", "0.1.0", "TCP proxy faults", LatencyFault, ProxyFault)
//
// CHAOS_PLUGIN (once per plugin, at global scope) defines the ABI stamp, the chaos_fault_kind
// table and the exported chaos_plugin_entry. Kind names must be unique (checked at compile time).
//
// LIFECYCLE. create → start → (update)* → stop → (start → stop)* → destroy. create prepares and
// validates but injects nothing; stop must be idempotent, valid without start, and must not hang
// on stalled peers. destroy calls stop() (an exception is logged, not propagated) and then
// deletes the object, so the destructor only has to release resources.
//
// ERRORS. Throw; the trampolines catch everything, so no exception crosses the C boundary:
//   InvalidParams → CHAOS_ERR_INVALID_PARAMS (message begins with the field name)
//   StateError    → CHAOS_ERR_STATE          (e.g. start while already started)
//   Unsupported   → CHAOS_ERR_UNSUPPORTED
//   anything else → CHAOS_ERR_FAILED         (message = what(), or "unknown exception")
//
// OPTIONAL OPERATIONS. If the class does not override update(), the table's update pointer is
// NULL so the host knows up front; likewise recover() is wired only if the class declares a
// static recover(Host&, const Params&).
//
// THREADING. For one instance the host calls create, start, update, stop, status_json and
// destroy from a single thread, never concurrently; the fault object needs no lock for state
// touched only by those calls. Host's methods are thread-safe and may be called from the
// plugin's own threads until destroy returns, so background threads must be joined in stop()
// or the destructor.
//
// OWNERSHIP. The wrapper owns the fault object (deleted in destroy) and the Host passed to
// create, which stays valid, at the same address, until the fault object is destroyed.
// Params copies the JSON it was given; strings given to Host are copied by the host.
//
// HEADERS. This file includes the whole wrapper; the pieces can also be included on their own:
//   chaos/sdk/errors.hpp       Error, InvalidParams, StateError, Unsupported
//   chaos/sdk/json.hpp         Json (a value) and its reader
//   chaos/sdk/json_writer.hpp  json_quote, JsonObject, to_json
//   chaos/sdk/duration.hpp     the duration grammar: parse_duration, format_duration_us, bounds
//   chaos/sdk/host_port.hpp    parse_host_port: the "host-port" / "listen-address" formats
//   chaos/sdk/params.hpp       Params: typed getters that name the field on error
//   chaos/sdk/host.hpp         Host: log, metric, event
//   chaos/sdk/fault.hpp        Fault: the base class of a kind
//   chaos/sdk/plugin_table.hpp CHAOS_PLUGIN and its trampolines
//   chaos/sdk/periodic_reporter.hpp  PeriodicReporter: a thread that ticks every interval
// chaos/fake_host.hpp (not included here) runs a plugin in a unit test without chaosctl.
#pragma once

#include <chaos/plugin.h>

#include <chaos/sdk/duration.hpp>
#include <chaos/sdk/errors.hpp>
#include <chaos/sdk/fault.hpp>
#include <chaos/sdk/host.hpp>
#include <chaos/sdk/host_port.hpp>
#include <chaos/sdk/json.hpp>
#include <chaos/sdk/json_writer.hpp>
#include <chaos/sdk/params.hpp>
#include <chaos/sdk/periodic_reporter.hpp>
#include <chaos/sdk/plugin_table.hpp>
