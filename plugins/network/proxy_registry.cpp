#include "proxy_registry.h"

#include <chaos/plugin.hpp>
#include <utility>

namespace chaos::network {

ProxyLease& ProxyLease::operator=(ProxyLease&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = std::exchange(other.registry_, nullptr);
    key_ = std::move(other.key_);
    proxy_ = std::exchange(other.proxy_, nullptr);
  }
  return *this;
}

void ProxyLease::reset() {
  if (registry_ != nullptr) registry_->release(key_);
  registry_ = nullptr;
  proxy_ = nullptr;
  key_.clear();
}

ProxyRegistry& ProxyRegistry::global() {
  static ProxyRegistry registry;
  return registry;
}

ProxyRegistry::~ProxyRegistry() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [key, entry] : proxies_) entry.proxy->close();
}

ProxyLease ProxyRegistry::acquire(const Endpoint& listen, const Upstream& upstream) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (listen.port() != 0) {
    auto it = proxies_.find(to_string(listen));
    if (it != proxies_.end()) {
      Proxy& proxy = *it->second.proxy;
      if (proxy.upstream() != upstream) {
        throw sdk::InvalidParams("upstream", "the proxy at " + it->first + " already forwards to " +
                                                 proxy.upstream().text() + ", not " +
                                                 upstream.text());
      }
      ++it->second.leases;
      return ProxyLease(this, it->first, &proxy);
    }
  }
  auto proxy = std::make_unique<Proxy>(listen, upstream);
  std::string key = to_string(proxy->local_endpoint());
  Entry& entry = proxies_[key];
  entry.proxy = std::move(proxy);
  entry.leases = 1;
  return ProxyLease(this, std::move(key), entry.proxy.get());
}

void ProxyRegistry::release(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = proxies_.find(key);
  if (it == proxies_.end() || --it->second.leases > 0) return;
  // Closed under the lock so that a new proxy on the same address cannot race the old one for
  // the port. close() is bounded (Proxy::kCloseGrace).
  std::unique_ptr<Proxy> proxy = std::move(it->second.proxy);
  proxies_.erase(it);
  proxy->close();
}

size_t ProxyRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return proxies_.size();
}

}  // namespace chaos::network
