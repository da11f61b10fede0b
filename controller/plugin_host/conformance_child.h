#pragma once
// Inside the forked children of check_plugin (conformance.h): how results travel to the parent,
// and the checks of one fault kind. Internal to plugin_host.

#include <boost/json/object.hpp>
#include <string>

#include "plugin_host/plugin_library.h"

namespace chaos::plugin_host::conformance {

// Writes one JSON object per line to the pipe, with write(2) and no buffer, so a crash right
// after a line loses nothing. Lines: {"begin": CHECK} before a check runs (so the parent can
// blame a crash on it), {"check": CHECK, "ok": BOOL, "detail": TEXT} after, and once
// {"plugin": {...}} from the loading child. Thread: the child's main thread.
class Reporter {
 public:
  explicit Reporter(int fd) : fd_(fd) {}
  void begin(const std::string& check);
  void result(const std::string& check, bool ok, const std::string& detail);
  void send(const boost::json::object& line);
  const std::string& current() const { return current_; }

 private:
  int fd_;
  std::string current_;  // the check begun last
};

// Runs every check of `kind` (loaded from `path`) and reports each. `overrides` are the
// --params for this kind (may be empty).
void run_kind_checks(const std::string& path, const FaultKind& kind,
                     const boost::json::object& overrides, Reporter& out);

}  // namespace chaos::plugin_host::conformance
