#pragma once
// `chaosctl show`'s sweep section: for each sweep a table of its steps (magnitude, each
// check's value, held or BROKE) and the tipping point line, from report::sweeps_json.

#include <boost/json/array.hpp>
#include <string>

namespace chaos::cli {

// The text, "" when the run has no sweep.
std::string sweeps_text(const boost::json::array& sweeps);

}  // namespace chaos::cli
