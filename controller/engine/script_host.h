#pragma once
// ScriptHost: what an experiment script can ask of the controller through chaos.*.
//
// Two implementations: the Run (faults really start) and the DryRun used by `chaosctl validate`
// (parameters are checked against the schema, time is virtual, nothing is touched). Both give
// the same answers to the same script, so what validate accepts the run accepts.
// Called only from the run's event-loop thread, from inside Lua C functions: implementations
// must not throw.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "common/status.h"
#include "engine/sweep_step.h"
#include "journal/journal_types.h"

namespace chaos::engine {

// What both hosts answer when the top of the file, which runs while the experiment is being
// read, tries to start a fault.
inline constexpr const char* kNoFaultsAtTheTop =
    "faults start in the method or the rollbacks, not at the top of the file";
// ... and when it reads a probe, which has no samples before the run is on.
inline constexpr const char* kNoProbesAtTheTop =
    "chaos.probe reads a probe while the run is on: use it in the method or the rollbacks, not "
    "at the top of the file";

class ScriptHost {
 public:
  virtual ~ScriptHost() = default;

  struct Injected {
    journal::FaultId id = 0;
    std::string name;  // the given name, or "kind-ID"
  };
  // Validates and starts a fault (`proxy = "name"` is resolved first for kinds that act on a
  // proxy); returns its id and name. With a duration, the host stops it when the duration is
  // over. Errors name the kind and the field.
  virtual Result<Injected> inject(const std::string& kind, const boost::json::value& params,
                                  std::optional<std::chrono::microseconds> duration,
                                  const std::string& name) = 0;
  // Stopping a stopped fault is fine; an id the host never gave out is NotFound.
  virtual Status stop_fault(journal::FaultId id) = 0;
  // `changes` replace those of the running fault's parameters they name; the result is
  // validated as a whole.
  virtual Status update_fault(journal::FaultId id, const boost::json::value& changes) = 0;

  // What chaos.probe reads: every aggregate (count, errors, error_ratio, p50 ... last, named as
  // an expect function's w names them) of the samples probe `name` took in the last `window`
  // (nullopt: the probe's own `window`), whatever the phase. Only count and errors when it has
  // none (always, in the dry run). NotFound when the experiment declares no such probe.
  virtual Result<std::map<std::string, double>> probe_reading(
      const std::string& name, std::optional<std::chrono::microseconds> window) = 0;

  // The dry run samples nothing, so chaos.wait_for does not wait there: it tries its condition
  // once (for errors) and returns true, and a loop raising a fault until a probe breaks is
  // checked to its last step.
  virtual bool is_dry_run() const { return false; }

  // The script is about to yield: resume it after `delay`.
  virtual void wake_after(std::chrono::microseconds delay) = 0;
  virtual void log(const std::string& message) = 0;
  virtual double seconds_since_start() = 0;

  // A sweep's step is over (engine/sweep_step.h): judge its window, store it, answer. A host
  // without probes (the dry run, on virtual time) judges every step held, so a dry run walks
  // every magnitude and checks each one's parameters.
  virtual Result<SweepVerdict> judge_sweep_step(const SweepStep&) { return SweepVerdict{}; }
  // The sweep stopped (at a broken step, an unjudgeable one, or the end of its range).
  virtual void end_sweep(const SweepEnd&) {}
};

}  // namespace chaos::engine
