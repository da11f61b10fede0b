#pragma once
// RunObserver: how a run reports progress as it happens (the terminal, later the live web view).
// Called on the run's event-loop thread; implementations must be quick.

#include <string>
#include <vector>

#include "engine/verdict.h"
#include "hypothesis/tolerance.h"
#include "store/store.h"

namespace chaos::engine {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // `seconds` is the time since the run started.
  virtual void on_event(const store::EventRecord& event, double seconds) = 0;
  // A judged window: phase is baseline, injecting or recovering.
  virtual void on_check(const std::string& probe, const std::string& phase,
                        const std::vector<hypothesis::CheckResult>& results, double seconds) = 0;
  // A rolling look at a probe while faults are on (recent samples), not a judgement.
  virtual void on_live(const std::string& probe, const std::vector<hypothesis::CheckResult>& recent,
                       double seconds) = 0;
  virtual void on_verdict(const RunOutcome& outcome) = 0;
  // Samples just written to the store (probe readings and plugin metrics), in batches of up to
  // ~50, about once a second while faults are on. For live charts; most observers ignore them.
  virtual void on_samples(const std::vector<store::SampleRecord>& /*samples*/) {}
};

// For callers that want nothing printed (tests, the server).
class SilentObserver final : public RunObserver {
 public:
  void on_event(const store::EventRecord&, double) override {}
  void on_check(const std::string&, const std::string&, const std::vector<hypothesis::CheckResult>&,
                double) override {}
  void on_live(const std::string&, const std::vector<hypothesis::CheckResult>&, double) override {}
  void on_verdict(const RunOutcome&) override {}
};

}  // namespace chaos::engine
