#pragma once
// The vocabulary of the run journal: the phases of a run's lifecycle and the kinds of event it
// writes. The store keeps both as strings (stable: the web UI, `show --json` and old databases
// read them); everything in the controller speaks these enums and converts at the store's edge.
//
// Thread-safety: pure functions over constants.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chaos::journal {

// validating -> baseline -> injecting -> recovering -> done, with aborted and errored reachable
// from every active state (engine/lifecycle.h holds the transition table).
enum class Phase { kValidating, kBaseline, kInjecting, kRecovering, kDone, kAborted, kErrored };

enum class EventKind {
  kPhase,             // a transition; written before the run acts in the new phase
  kFaultStart,        // written before the plugin's start: the fault may be injected from here
  kFaultStartFailed,  // the plugin refused to start it: nothing is injected
  kFaultStop,         // written before the plugin's stop
  kFaultStopFailed,   // the plugin's stop failed: its effects may remain
  kFaultUpdate,       // written before the plugin's update
  kProxyStart,        // a proxy the experiment declared, before it starts
  kProxyStop,
  kLog,               // chaos.log / print
  kPluginLog,
  kPluginEvent,
  kError,             // what made the run errored (or went wrong after it ended)
  kAbort,             // an operator's or a guardrail's abort, before the rollback
  kAbortLatency,      // from the breaking sample to every fault stopped
  kRecovered,         // the steady state came back
  kVerdict,
  kInterrupted,       // written by reconcile for a run whose controller died
};

const char* phase_name(Phase phase);
std::optional<Phase> parse_phase(std::string_view name);
// validating, baseline, injecting and recovering: the run is still going.
constexpr bool is_active(Phase phase) {
  return phase == Phase::kValidating || phase == Phase::kBaseline ||
         phase == Phase::kInjecting || phase == Phase::kRecovering;
}

const char* event_kind_name(EventKind kind);
std::optional<EventKind> parse_event_kind(std::string_view name);

// A fault's id within its run: 1, 2, ... in start order. 64-bit from Lua to the store.
using FaultId = int64_t;

}  // namespace chaos::journal
