// chaos/sdk/fault.hpp — the base class of a fault kind written with the C++ wrapper.
#pragma once

#include <chaos/sdk/errors.hpp>
#include <chaos/sdk/params.hpp>
#include <string>

namespace chaos::sdk {

// Fault: the base class of a fault kind. See the top of this file for the contract.

class Fault {
 public:
  virtual ~Fault() = default;
  // Injects the fault. Returns promptly; work belongs on the plugin's own threads.
  virtual void start() = 0;
  // Removes every effect. Idempotent, valid without start, bounded in time.
  virtual void stop() = 0;
  // A JSON object describing the current state.
  virtual std::string status_json() { return "{}"; }
  // Changes a running fault's magnitude from a complete parameter object. Override to offer it.
  virtual void update(const Params& /*params*/) {
    throw Unsupported("this fault kind cannot be updated");
  }
};

}  // namespace chaos::sdk
