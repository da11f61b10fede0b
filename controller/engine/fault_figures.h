#pragma once
// The headline figures of a fault's status, per kind, for people: `chaosctl show` prints them
// and the API hands them to the run page, so both say the same thing. The fields read are the
// ones the built-in plugins document (plugins/*/README.md); a kind this file does not know gets
// its status's top-level numbers, strings and booleans as they are.
//
// Thread-safety: a pure function.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "store/store.h"

namespace chaos::engine {

struct FaultFigure {
  std::string label;  // e.g. "latency"
  std::string text;   // e.g. "p50 1.2 ms, p90 3.4 ms, p99 908 ms, p99.9 1.01 s, max 1.02 s"
};

// `status` is a fault's status object as stored ({"error": ...} when the call failed).
std::vector<FaultFigure> fault_figures(const std::string& kind, const boost::json::object& status);

// Stored final statuses as `show --json` and the API give them: per fault its id, name, kind,
// unix_ms, final_status (the plugin's JSON) and figures ([{label, text}]).
boost::json::array final_statuses_json(const std::vector<store::FaultStatusRecord>& finals);

}  // namespace chaos::engine
