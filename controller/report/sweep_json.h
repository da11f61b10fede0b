#pragma once
// A run's sweeps as the JSON report, `chaosctl show` and the API give them: the stored steps
// (store::SweepStepRecord) grouped by sweep, each with its tipping point — the last step that
// held before the first that broke.
//
//   [{ "sweep": 1, "fault": "db-latency", "kind": "latency", "param": "delay", "unit": "ms",
//      "result": "broke" | "held" | "inconclusive",
//      "tipping_point": { "last_good": "200ms" | null, "first_bad": "250ms" | null,
//                         "last_good_value": 200, "first_bad_value": 250 },
//      "steps": [{ "step", "magnitude", "value", "from_unix_ms", "to_unix_ms", "outcome",
//                  "reason", "checks": [{probe, aggregate, value, expectation, outcome,
//                  samples}], "fault_status": {...} }] }]
//
// Thread-safety: a pure function.

#include <boost/json/array.hpp>
#include <vector>

#include "store/store.h"

namespace chaos::report {

boost::json::array sweeps_json(const std::vector<store::SweepStepRecord>& steps);

}  // namespace chaos::report
