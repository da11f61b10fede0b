#pragma once
// ProxyService: everything a process needs to keep standing proxies: the journal record, the
// proxies from the config file, the Toxiproxy-compatible API on its own listen address, and a
// thread that ends leases that ran out and stores the faults' metrics. `chaosctl proxy` is
// this alone; `chaosctl serve` runs one beside its web UI.
//
// Thread-safety: start() and stop() from one thread; proxies() is thread-safe.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "plugin_host/plugin_registry.h"
#include "proxies/http_listener.h"
#include "proxies/proxy_journal.h"
#include "proxies/standing_proxies.h"
#include "proxies/toxiproxy_api.h"

namespace chaos::proxies {

struct ProxyServiceOptions {
  std::string db_path;
  std::string api_listen = "127.0.0.1:8474";  // Toxiproxy's default
  std::string token;         // for changes when the API listens beyond loopback
  std::string config_path;   // "" for none
  std::string title;         // names the journal record, e.g. "chaosctl proxy (pid 12)"
  // How often leases are checked: a lease ends at most this late.
  std::chrono::milliseconds sweep_interval{100};
};

class ProxyService {
 public:
  // Reads the config, opens the journal, starts every proxy and the API. Errors name the file
  // and field, the proxy, or the flag.
  static Result<std::unique_ptr<ProxyService>> start(const ProxyServiceOptions& options,
                                                     const plugin_host::PluginRegistry& registry,
                                                     Clock& clock);
  ~ProxyService();  // stop()

  StandingProxies& proxies() { return *proxies_; }
  unsigned short api_port() const { return listener_->port(); }
  bool api_loopback() const { return listener_->loopback(); }
  int64_t journal_record() const { return journal_->record_id(); }
  // Stops the API, every fault and every proxy, and closes the journal record. Idempotent.
  void stop();

 private:
  ProxyService() = default;
  void sweep_loop(std::chrono::milliseconds interval);

  Clock* clock_ = nullptr;
  std::unique_ptr<ProxyJournal> journal_;
  std::unique_ptr<StandingProxies> proxies_;
  std::unique_ptr<ToxiproxyApi> api_;
  std::unique_ptr<HttpListener> listener_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread sweeper_;
};

}  // namespace chaos::proxies
