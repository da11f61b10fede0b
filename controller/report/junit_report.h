#pragma once
// The JUnit XML rendering of a run report (run_report.h), for CI systems that show test
// results: one <testsuite> per run (named for the experiment's title), one <testcase> per
// hypothesis check (name "PROBE AGGREGATE (PHASE)", classname the experiment's path) and one
// named "verdict" for the run itself. A failed check is a <failure>, a check whose probe
// errored an <error>, an inconclusive one <skipped>; the verdict case fails for deviated,
// not_steady and aborted, and is an <error> for errored or unfinished runs. The suite's
// <system-out> is the run's timeline.
//
// Thread-safety: a pure function.

#include <boost/json/object.hpp>
#include <string>

namespace chaos::report {

// REQUIRES: `report` was made by build_run_report.
std::string junit_xml(const boost::json::object& report);

}  // namespace chaos::report
