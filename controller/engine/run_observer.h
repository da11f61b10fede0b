#pragma once
// RunObserver: how a run reports progress as it happens (the terminal, the server's live state
// and stream). Typed callbacks, so no observer re-reads event strings to learn what happened.
// Called on the run's event-loop thread; implementations must be quick. Every callback has a
// default that ignores it: observers override what they show.

#include <string>
#include <vector>

#include "engine/verdict.h"
#include "hypothesis/tolerance.h"
#include "journal/journal_reader.h"
#include "store/store.h"

namespace chaos::engine {

// A fault as observers see it.
struct FaultInfo {
  journal::FaultId id = 0;
  std::string kind;
  std::string name;
  std::string detail_json;  // as journaled: kind, name, params (writeOnly values redacted)
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // `seconds` is always the time since the run started.

  // Every journal entry as it is written (id 0 if the store could not take it).
  virtual void on_event(const journal::JournalEvent& /*event*/, double /*seconds*/) {}
  // The run entered `phase` (also journaled, so on_event sees it too).
  virtual void on_phase(journal::Phase /*phase*/, double /*seconds*/) {}
  // A fault's plugin start succeeded: it is injected.
  virtual void on_fault_started(const FaultInfo& /*fault*/, double /*seconds*/) {}
  // A started fault is gone: stopped, or its stop failed (`cleanly` false: effects may remain).
  virtual void on_fault_ended(const FaultInfo& /*fault*/, bool /*cleanly*/, double /*seconds*/) {}
  // A judged window: phase is baseline, injecting or recovering.
  virtual void on_check(const std::string& /*probe*/, const std::string& /*phase*/,
                        const std::vector<hypothesis::CheckResult>& /*results*/,
                        double /*seconds*/) {}
  // A rolling look at a probe while faults are on (recent samples), not a judgement.
  virtual void on_live(const std::string& /*probe*/,
                       const std::vector<hypothesis::CheckResult>& /*recent*/,
                       double /*seconds*/) {}
  // Samples just written to the store (probe readings and plugin metrics), in batches of up to
  // ~50, about once a second while faults are on. For live charts.
  virtual void on_samples(const std::vector<store::SampleRecord>& /*samples*/) {}
  virtual void on_verdict(const RunOutcome& /*outcome*/) {}
};

// For callers that want nothing printed (tests, the server).
class SilentObserver final : public RunObserver {};

}  // namespace chaos::engine
