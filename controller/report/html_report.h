#pragma once
// The HTML rendering of a run report (run_report.h), for people: one self-contained file with
// no script and nothing fetched (inline CSS and SVG), so it opens offline, from a CI job's
// artifacts or an e-mail. It shows the verdict and its reason, one chart per series (every
// probe's and plugin metric's samples over time, the fault windows shaded, the tolerance
// thresholds dashed, failed readings marked), the checks, each fault's window and final
// status, faults still pending recovery, the timeline, the plugins and the experiment's source
// with its SHA-256.
//
// Thread-safety: a pure function.

#include <boost/json/object.hpp>
#include <string>

namespace chaos::report {

// REQUIRES: `report` was made by build_run_report. `generator` (e.g. "chaosctl 0.1.0") is
// named in the footer.
std::string html_report(const boost::json::object& report, const std::string& generator);

}  // namespace chaos::report
