#pragma once
// JSON has no NaN or infinity, and Boost.JSON writes them as bare `NaN`, which no parser reads
// back (a check with no samples made `show --json` and GET /api/v1/runs/ID/checks unparseable).
// A measurement without a value is null instead.

#include <boost/json/value.hpp>
#include <cmath>

namespace chaos {

inline boost::json::value json_number(double v) {
  return std::isfinite(v) ? boost::json::value(v) : boost::json::value(nullptr);
}

}  // namespace chaos
