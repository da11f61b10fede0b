#pragma once
// PluginRegistry: every plugin loaded from a set of directories, and their fault kinds by name.
//
// Kind names are global: two plugins declaring the same kind is an error naming both, so an
// experiment's `fault "latency"` always means one thing.
//
// Thread-safety: immutable after load_directories returns.

#include <memory>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/status.h"
#include "plugin_host/plugin_library.h"

namespace chaos::plugin_host {

class PluginRegistry {
 public:
  // Loads every *.so in each directory (missing directories are skipped, since the built-in one
  // is optional in some installs). Any plugin that fails to load fails the whole load: running
  // an experiment with half the plugins would be a surprise.
  Status load_directories(const std::vector<std::string>& dirs);
  Status load_file(const std::string& path);

  const std::vector<std::unique_ptr<PluginLibrary>>& plugins() const { return plugins_; }
  // nullptr when no plugin declares `kind`.
  const FaultKind* find_kind(const std::string& kind) const;
  std::vector<std::string> kind_names() const;

  // Validates `params` against the kind's schema and returns them with defaults filled in.
  // Errors name the kind and the field: `latency: delay: expected a duration ...`.
  Result<boost::json::value> validate_params(const std::string& kind,
                                             const boost::json::value& params) const;

  // [{"name":..,"version":..}, ...] for the run record.
  std::string plugins_json() const;

 private:
  std::vector<std::unique_ptr<PluginLibrary>> plugins_;
};

// Where built-in plugins live: the "plugins" directory next to the running executable.
std::string builtin_plugin_dir();

}  // namespace chaos::plugin_host
