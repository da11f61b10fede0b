#pragma once
// Conformance: what `chaosctl plugin check PATH.so` runs. It loads a plugin library and drives
// every fault kind it declares through the ABI's contract (chaos/plugin.h): the stamp, the
// tables, a valid parameter schema, create with defaults, bad parameters rejected with a message
// naming the field, start/stop/status/update/destroy in every order the host may use, recover,
// status as a JSON object, no exception across the boundary, no host callback after destroy.
//
// The plugin never runs in the calling process: loading runs in one forked child and each kind
// in another, reporting results line by line through a pipe. A kind that crashes, hangs past
// the timeout or lets an exception escape fails the check it was in; the caller lives on.
//
// Thread-safety: check_plugin forks, so call it while the process has no other threads.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/json_schema.h"

namespace chaos::plugin_host {

struct CheckResult {
  std::string kind;   // "" for checks of the whole library
  std::string check;  // e.g. "stop twice"
  bool passed = false;
  std::string detail;  // what failed and why, or what was seen
};

struct ConformanceOptions {
  // Per kind, a JSON object merged over the parameters the check builds from the schema: for
  // kinds that need real targets (an address to proxy, a pid to pause).
  std::map<std::string, boost::json::object> params;
  // How long one kind's checks may take before the child is killed and the check fails.
  std::chrono::milliseconds kind_timeout{std::chrono::seconds(20)};
};

struct ConformanceReport {
  std::string path;
  std::string plugin_name, plugin_version, abi;  // empty until the library loads
  std::vector<std::string> kinds;
  std::vector<CheckResult> results;

  bool passed() const;
  size_t failures() const;
};

ConformanceReport check_plugin(const std::string& path, const ConformanceOptions& options);

// Parameters for a kind, as `plugin check` builds them: the first of the schema's top-level
// "examples" (if any), then `overrides`, then each property's "default" (the host's own
// filling), then for each "required" property still missing: its first "examples" entry, its
// first "enum" value, its "const", or for a boolean false, for a number its "minimum" (or 0), for
// a duration "1s". Fails naming the property when none of these gives a value. A "seed" of 0
// becomes 1, as a run gives each fault a seed. The result is validated against the schema.
Result<boost::json::object> sample_params(const schema::JsonSchema& schema,
                                          const boost::json::object& overrides);

// Objects that break the schema one property at a time (a value of the wrong type, a malformed
// duration, an unknown property when additionalProperties is false), each paired with the
// field it breaks. Empty when the schema constrains nothing.
std::vector<std::pair<std::string, boost::json::object>> bad_params(
    const schema::JsonSchema& schema, const boost::json::object& good);

}  // namespace chaos::plugin_host
