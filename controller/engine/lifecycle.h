#pragma once
// The run's lifecycle as a transition table:
//
//   validating -> baseline -> injecting -> recovering -> done
//
// plus baseline -> done (not steady: nothing was injected), and aborted and errored reachable
// from every active state. Run::transition_to() refuses anything else.

#include "journal/journal_types.h"

namespace chaos::engine {

constexpr bool can_transition(journal::Phase from, journal::Phase to) {
  using journal::Phase;
  if (!journal::is_active(from)) return false;  // done, aborted and errored are final
  if (to == Phase::kAborted || to == Phase::kErrored) return true;
  switch (from) {
    case Phase::kValidating: return to == Phase::kBaseline;
    case Phase::kBaseline: return to == Phase::kInjecting || to == Phase::kDone;
    case Phase::kInjecting: return to == Phase::kRecovering;
    case Phase::kRecovering: return to == Phase::kDone;
    default: return false;
  }
}

}  // namespace chaos::engine
