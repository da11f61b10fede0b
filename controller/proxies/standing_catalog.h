#pragma once
// StandingCatalog: this process's standing proxies as the engine's ProxyCatalog, so a run that
// `chaosctl serve` starts attaches to one by name in-process: its faults are made in this
// process and act on the standing proxy through the plugin (same listen address, one proxy);
// when the run ends they go and the proxy stays.
//
// Thread-safety: find() from any thread (each run's loop); bindings live as long as this.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/proxy_catalog.h"
#include "plugin_host/plugin_registry.h"
#include "proxies/standing_proxies.h"

namespace chaos::proxies {

class StandingCatalog final : public engine::ProxyCatalog {
 public:
  // Both must outlive this.
  StandingCatalog(const StandingProxies& proxies, const plugin_host::PluginRegistry& registry)
      : proxies_(proxies), registry_(registry) {}

  const engine::ProxyBinding* find(const std::string& name) const override;
  std::string declaration_hint() const override { return "{ listen = ..., upstream = ... }"; }

 private:
  const StandingProxies& proxies_;
  const plugin_host::PluginRegistry& registry_;
  mutable std::mutex mutex_;
  // guarded by mutex_; every binding handed out, kept so the pointers stay valid (a proxy
  // re-created with other addresses gets a new one).
  mutable std::multimap<std::string, std::unique_ptr<engine::ProxyBinding>> handed_out_;
};

}  // namespace chaos::proxies
