#pragma once
// ScriptHost: what an experiment script can ask of the controller through chaos.*.
//
// Two implementations: the Run (faults really start) and the DryRun used by `chaosctl validate`
// (parameters are checked against the schema, time is virtual, nothing is touched).
// Called only from the run's event-loop thread, from inside Lua C functions: implementations
// must not throw.

#include <chrono>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "common/status.h"

namespace chaos::engine {

class ScriptHost {
 public:
  virtual ~ScriptHost() = default;

  // Validates and starts a fault; returns its id. With a duration, the host stops it when the
  // duration is over. Errors name the kind and the field.
  virtual Result<int> inject(const std::string& kind, const boost::json::value& params,
                             std::optional<std::chrono::microseconds> duration,
                             const std::string& name) = 0;
  virtual Status stop_fault(int id) = 0;
  virtual Status update_fault(int id, const boost::json::value& params) = 0;

  // The script is about to yield: resume it after `delay`.
  virtual void wake_after(std::chrono::microseconds delay) = 0;
  virtual void log(const std::string& message) = 0;
  virtual double seconds_since_start() = 0;
};

}  // namespace chaos::engine
