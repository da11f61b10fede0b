#pragma once
// PluginLibrary: one loaded plugin shared library and the fault kinds it declares.
//
// Loading checks, in order: the library opens; it exports chaos_plugin_stamp with the right
// magic and our ABI major (a mismatch is refused naming both versions) and a minor no newer
// than ours; only then is chaos_plugin_entry called and its tables checked; each kind's
// parameter schema must parse. Nothing else in the library is called while loading.
//
// Thread-safety: immutable after load; kinds may be read from any thread.

#include <memory>
#include <string>
#include <vector>

#include "chaos/plugin.h"
#include "common/status.h"
#include "schema/json_schema.h"

namespace chaos::plugin_host {

struct FaultKind {
  std::string name;
  std::string summary;
  schema::JsonSchema params_schema;
  const chaos_fault_kind* abi = nullptr;  // owned by the library
  std::string plugin_name;
  std::string plugin_version;

  bool has_update() const;
  bool has_recover() const;
  // CHAOS_KIND_* flags (0 for a kind built against ABI 1.0, which has no such field).
  uint64_t capabilities() const;
  // Its instances are proxies an experiment declares under `proxies = {...}`.
  bool provides_proxy() const { return (capabilities() & CHAOS_KIND_PROVIDES_PROXY) != 0; }
  // Its faults may say `proxy = "name"` to act on a declared proxy.
  bool acts_on_proxy() const { return (capabilities() & CHAOS_KIND_ACTS_ON_PROXY) != 0; }
  // `params` as they may be journaled, stored and shown: the value of every property the
  // schema marks "writeOnly": true (a password) replaced by "<redacted>".
  boost::json::value redacted(const boost::json::value& params) const;
};

class PluginLibrary {
 public:
  // REQUIRES: path names a shared library file.
  static Result<std::unique_ptr<PluginLibrary>> load(const std::string& path);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  int abi_major() const { return abi_major_; }
  int abi_minor() const { return abi_minor_; }
  const std::vector<FaultKind>& kinds() const { return kinds_; }

 private:
  PluginLibrary() = default;
  void* handle_ = nullptr;
  std::string path_, name_, version_, description_;
  int abi_major_ = 0, abi_minor_ = 0;
  std::vector<FaultKind> kinds_;
};

}  // namespace chaos::plugin_host
