#pragma once
// Reading the run journal back: store records decoded into typed events, and the faults a run
// started with how each one ended. One reader for everything that looks back at a journal —
// reconcile (which faults may still be injected), the API and reports (fault windows) — so
// they cannot disagree about what an event means.
//
// Thread-safety: pure functions.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "journal/journal_types.h"
#include "store/store.h"

namespace chaos::journal {

// One journal entry, typed. What observers of a live run receive, and what decode() reads.
struct JournalEvent {
  int64_t id = 0;  // the store's id; 0 when the entry could not be stored
  int64_t run_id = 0;
  int64_t unix_ms = 0;
  Phase phase = Phase::kValidating;  // the run's phase when it was written
  EventKind kind = EventKind::kLog;
  std::string message;
  std::string detail_json = "{}";
};

// nullopt when the record's kind or phase is not one this controller knows (a newer chaosctl
// wrote it); readers skip such records.
std::optional<JournalEvent> decode(const store::EventRecord& record);
store::EventRecord encode(const JournalEvent& event);

// A fault as the journal tells it: from its fault_start to what ended it.
struct FaultWindow {
  enum class End {
    kOpen,         // started and never stopped: the controller died, or the run still goes
    kStopped,
    kStopFailed,   // the plugin's stop failed: its effects may remain
    kStartFailed,  // the plugin refused to start it: nothing was injected
  };
  FaultId id = 0;
  std::string kind;
  std::string name;
  boost::json::object params;  // as journaled: writeOnly values are "<redacted>"
  // A fault held by another chaosctl process ({"url", "proxy", "lease"}), empty when local.
  boost::json::object remote;
  int64_t started_unix_ms = 0;
  int64_t ended_unix_ms = 0;  // 0 while open
  End end = End::kOpen;

  // Whether the fault's effects may still be in place, so reconcile must undo them.
  bool may_be_injected() const { return end == End::kOpen || end == End::kStopFailed; }
};

// Every fault in `events` (one run's, in write order), by start order.
std::vector<FaultWindow> fault_windows(const std::vector<store::EventRecord>& events);

}  // namespace chaos::journal
