#pragma once
// RemoteProxies: the standing proxies of another chaosctl process (`chaosctl proxy`, `chaosctl
// serve --proxies`), looked up by name over its API, so `proxy = "db"` attaches a run to a
// proxy this process does not hold. The binding carries the holder's URL: FaultSet creates
// faults on it there, on a lease (engine/remote_faults.h).
//
// Thread-safety: find() from one thread (the run's loop); bindings live as long as this.

#include <map>
#include <memory>
#include <string>

#include "engine/proxy_catalog.h"
#include "plugin_host/plugin_registry.h"
#include "remote/remote_fault_client.h"

namespace chaos::engine {

class RemoteProxies final : public ProxyCatalog {
 public:
  // `registry` must outlive this; its proxy-providing kind validates faults before they are
  // sent (the holder validates them again).
  RemoteProxies(remote::RemoteEndpoint endpoint, const plugin_host::PluginRegistry& registry);
  ~RemoteProxies() override;

  const ProxyBinding* find(const std::string& name) const override;
  std::string declaration_hint() const override { return "{ listen = ..., upstream = ... }"; }
  // Why the last find() found nothing (the holder is unreachable, say), or "".
  const std::string& last_error() const { return last_error_; }

 private:
  const plugin_host::PluginRegistry& registry_;
  remote::RemoteEndpoint endpoint_;
  mutable std::unique_ptr<remote::RemoteFaultClient> client_;
  mutable std::map<std::string, ProxyBinding> found_;
  mutable std::string last_error_;
};

}  // namespace chaos::engine
