#pragma once
// The chaosctl proxy for the benchmark, as the controller runs it: the network plugin loaded
// with dlopen and driven through its C ABI (chaos/plugin.h), with a host that drops logs and
// metrics.

#include <chaos/plugin.h>

#include <cstdint>
#include <string>

namespace chaos::bench {

class PluginProxy {
 public:
  // Loads the plugin at `path`. Check error().
  explicit PluginProxy(const std::string& path);
  ~PluginProxy();
  PluginProxy(const PluginProxy&) = delete;
  PluginProxy& operator=(const PluginProxy&) = delete;

  const std::string& error() const { return error_; }

  // Starts a fault of `kind` with `params_json`; returns a handle index or -1 (see error()).
  int start(const std::string& kind, const std::string& params_json);
  // Stops and destroys the fault.
  void destroy(int handle);
  // The fault's status JSON ("" on failure).
  std::string status(int handle);
  // The port in the fault's status ("listen").
  uint16_t port(int handle);

 private:
  struct Fault {
    const chaos_fault_kind* kind = nullptr;
    chaos_fault* fault = nullptr;
  };
  const chaos_fault_kind* find(const std::string& name) const;

  void* library_ = nullptr;
  const chaos_plugin* plugin_ = nullptr;
  chaos_host_api host_{};
  Fault faults_[16];
  int count_ = 0;
  std::string error_;
};

// A number field of a flat status JSON object, or NAN when absent (no JSON library here).
double json_number(const std::string& json, const std::string& key);

}  // namespace chaos::bench
