#include "engine/remote_proxies.h"

namespace chaos::engine {

RemoteProxies::RemoteProxies(remote::RemoteEndpoint endpoint,
                             const plugin_host::PluginRegistry& registry)
    : registry_(registry), endpoint_(std::move(endpoint)) {}

RemoteProxies::~RemoteProxies() = default;

const ProxyBinding* RemoteProxies::find(const std::string& name) const {
  if (auto it = found_.find(name); it != found_.end()) return &it->second;
  const plugin_host::FaultKind* provider = nullptr;
  for (const auto& plugin : registry_.plugins()) {
    for (const auto& kind : plugin->kinds()) {
      if (kind.provides_proxy() && !provider) provider = &kind;
    }
  }
  if (!provider) return nullptr;
  if (!client_) client_ = std::make_unique<remote::RemoteFaultClient>(endpoint_);
  auto proxy = client_->proxy(name);
  if (!proxy) {
    last_error_ = proxy.status().message();
    return nullptr;
  }
  ProxyBinding binding;
  binding.name = name;
  binding.kind = provider;
  for (const char* key : {"listen", "upstream"}) {
    if (const auto* v = proxy->if_contains(key)) binding.params[key] = *v;
  }
  binding.remote_url = endpoint_.base_url;
  last_error_.clear();
  return &found_.emplace(name, std::move(binding)).first->second;
}

}  // namespace chaos::engine
