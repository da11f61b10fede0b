#include "proxies/standing_catalog.h"

namespace chaos::proxies {

const engine::ProxyBinding* StandingCatalog::find(const std::string& name) const {
  auto params = proxies_.proxy_params(name);
  if (!params) return nullptr;
  const plugin_host::FaultKind* provider = nullptr;
  for (const auto& plugin : registry_.plugins()) {
    for (const auto& kind : plugin->kinds()) {
      if (kind.provides_proxy() && !provider) provider = &kind;
    }
  }
  if (!provider) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  auto [from, to] = handed_out_.equal_range(name);
  for (auto it = from; it != to; ++it) {
    if (it->second->params == *params) return it->second.get();
  }
  auto binding = std::make_unique<engine::ProxyBinding>();
  binding->name = name;
  binding->kind = provider;
  binding->params = std::move(*params);
  return handed_out_.emplace(name, std::move(binding))->second.get();
}

}  // namespace chaos::proxies
