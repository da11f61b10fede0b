#pragma once
// The JSON report of one run, schema "chaosctl.report/1" (web/schemas/report-1.schema.json):
// the run, its experiment source and SHA-256, verdict and reason, every event, every check with
// its expectation and observed value, the fault windows with each fault's final status, abort
// latency, time to recover, every sample, and each sweep's steps with its tipping point
// (report/sweep_json.h). `chaosctl show --json`, `chaosctl report` and
// `chaosctl run --report` all print this one document, so they never disagree.
//
// Versioning: fields may be added within version 1; renaming, removing or retyping one makes
// it chaosctl.report/2.
//
// Thread-safety: free functions; the Store is used from the calling thread only.

#include <boost/json/object.hpp>
#include <cstdint>

#include "common/status.h"
#include "store/store.h"

namespace chaos::report {

inline constexpr const char* kReportSchema = "chaosctl.report/1";

// The run's own fields, as `chaosctl runs --json` lists them (a part of the report).
boost::json::object run_summary_json(const store::RunRecord& run);

// NotFound when the store has no run `run_id`.
Result<boost::json::object> build_run_report(store::Store& store, int64_t run_id);

}  // namespace chaos::report
