#pragma once
// FaultInstance: one created fault of some kind, and the host side of its callback table.
//
// The plugin's create/start/update/stop/status/destroy are called from the thread that owns the
// instance (the run's event loop). What the plugin reports — logs, metric samples, events — may
// come from the plugin's own threads and goes to a FaultSink, which must be thread-safe.
// Destroying the instance stops the fault first (the plugin's destroy promises that).

#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "chaos/plugin.h"
#include "common/status.h"
#include "common/target_allowlist.h"
#include "plugin_host/plugin_library.h"

namespace chaos::plugin_host {

// Receives what running faults report. Called from any thread: implementations lock.
class FaultSink {
 public:
  virtual ~FaultSink() = default;
  virtual void fault_log(const std::string& fault, chaos_log_level level, std::string message) = 0;
  virtual void fault_metric(const std::string& fault, std::string name, double value,
                            int64_t unix_ms) = 0;
  virtual void fault_event(const std::string& fault, std::string kind,
                           std::string detail_json) = 0;
};

class FaultInstance {
 public:
  // REQUIRES: params already validated (PluginRegistry::validate_params); sink and allowlist
  // outlive the instance. `allowlist` answers the plugin's check_target (nullptr: loopback
  // only, the default).
  static Result<std::unique_ptr<FaultInstance>> create(const FaultKind& kind, std::string name,
                                                       const boost::json::value& params,
                                                       FaultSink& sink,
                                                       const TargetAllowlist* allowlist = nullptr);
  ~FaultInstance();
  FaultInstance(const FaultInstance&) = delete;
  FaultInstance& operator=(const FaultInstance&) = delete;

  Status start();
  // Safe to call when not started and more than once.
  Status stop();
  // Changes a running fault's magnitude; InvalidArgument if the kind cannot.
  Status update(const boost::json::value& params);
  Result<std::string> status_json();

  const std::string& name() const { return name_; }
  const FaultKind& kind() const { return kind_; }
  bool active() const { return active_; }

  struct HostContext;  // the chaos_host_ctx handed to the plugin

 private:
  FaultInstance(const FaultKind& kind, std::string name);
  const FaultKind& kind_;
  std::string name_;
  std::unique_ptr<HostContext> ctx_;
  chaos_fault* fault_ = nullptr;
  bool active_ = false;
};

// The callback table handed to plugins; the ctx pointer identifies the fault.
const chaos_host_api* host_api();

}  // namespace chaos::plugin_host

namespace chaos::plugin_host {

// Undoes the external effects of a fault started by a controller that died (the kind's
// optional recover). NotFound when the kind has no recover: in-process effects died with it.
Status recover_fault(const FaultKind& kind, const std::string& fault_name,
                     const std::string& params_json, FaultSink& sink);

}  // namespace chaos::plugin_host
