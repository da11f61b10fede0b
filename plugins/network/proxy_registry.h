#pragma once
// ProxyRegistry: the live proxies of this plugin, by bound address, with a lease count, so the
// faults that name one listen address (a proxy and a latency, say) share one proxy instead of
// fighting over the port. The last lease to go closes the proxy and frees the port.
//
// Thread-safety: every method may be called from any thread; mutex_ guards the table.

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "address.h"
#include "proxy.h"

namespace chaos::network {

class ProxyRegistry;

// A share in one proxy. Move-only; releasing the last lease closes the proxy.
class ProxyLease {
 public:
  ProxyLease() = default;
  ProxyLease(ProxyLease&& other) noexcept { *this = std::move(other); }
  ProxyLease& operator=(ProxyLease&& other) noexcept;
  ~ProxyLease() { reset(); }

  explicit operator bool() const { return proxy_ != nullptr; }
  Proxy* operator->() const { return proxy_; }
  Proxy& operator*() const { return *proxy_; }
  void reset();

 private:
  friend class ProxyRegistry;
  ProxyLease(ProxyRegistry* registry, std::string key, Proxy* proxy)
      : registry_(registry), key_(std::move(key)), proxy_(proxy) {}

  ProxyRegistry* registry_ = nullptr;
  std::string key_;
  Proxy* proxy_ = nullptr;
};

class ProxyRegistry {
 public:
  // The plugin's one registry. Destroyed when the library unloads; closes what is left then.
  static ProxyRegistry& global();

  ProxyRegistry() = default;
  ~ProxyRegistry();
  ProxyRegistry(const ProxyRegistry&) = delete;
  ProxyRegistry& operator=(const ProxyRegistry&) = delete;

  // A lease on the proxy listening at `listen`, started (forwarding to `upstream`) if none runs.
  // Port 0 always starts a new proxy. Throws sdk::InvalidParams("upstream", ...) if the running
  // proxy forwards elsewhere, sdk::Error if the address cannot be bound.
  ProxyLease acquire(const Endpoint& listen, const Upstream& upstream);

  size_t size() const;

 private:
  friend class ProxyLease;
  void release(const std::string& key);

  struct Entry {
    std::unique_ptr<Proxy> proxy;
    size_t leases = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> proxies_;  // guarded by mutex_; key: the bound address
};

}  // namespace chaos::network
