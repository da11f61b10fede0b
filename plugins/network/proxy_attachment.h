#pragma once
// ProxyAttachment: a fault's hold on the proxy at its listen address. The first attach() joins
// the running proxy there or starts one; the lease (and so the port) is kept until the
// attachment is destroyed with its fault, so stopping a fault never drops open connections.
//
// Thread-safety: the fault's control thread only (the host never calls one fault concurrently).

#include <chaos/plugin.hpp>
#include <cstdint>
#include <vector>

#include "address.h"
#include "metric_series.h"
#include "proxy_registry.h"
#include "rules.h"

namespace chaos::network {

class ProxyAttachment {
 public:
  // `host` must outlive the attachment.
  ProxyAttachment(const sdk::Host& host, const Endpoint& listen, const Upstream& upstream);
  ~ProxyAttachment();
  ProxyAttachment(const ProxyAttachment&) = delete;
  ProxyAttachment& operator=(const ProxyAttachment&) = delete;

  // Idempotent. Throws what ProxyRegistry::acquire throws.
  Proxy& attach();
  bool attached() const { return static_cast<bool>(lease_); }
  // REQUIRES: attached().
  Proxy& proxy() const { return *lease_; }

  // A process-unique id for this fault: its key in Proxy::set_rule and Proxy::attach.
  uint64_t owner_id() const { return owner_id_; }
  const Endpoint& listen() const { return listen_; }
  const Upstream& upstream() const { return upstream_; }

  // Sets this fault's rule on the proxy (owner = owner_id()). REQUIRES: attached().
  void set_rule(Rule rule);
  // Removes it; waiting bytes and held connections go on at once. Idempotent.
  void clear_rule();

  // Reports the proxy's counters and `extra` (the fault's own) at once and then every second
  // until stop_metrics, which reports them once more (the last window).
  void start_metrics(std::vector<Series> extra = {});
  void stop_metrics();

  static constexpr std::chrono::milliseconds kMetricsInterval{1000};

  // Adds "listen" (the bound address once attached), "upstream" (as given), "upstream_address"
  // (the address connections go to now, once attached), "attached" and the counters.
  void add_status(sdk::JsonObject& json) const;

 private:
  const sdk::Host& host_;
  const uint64_t owner_id_;
  const Endpoint listen_;
  const Upstream upstream_;
  ProxyLease lease_;
  std::vector<Series> series_;     // read by reporter_'s thread while it runs
  sdk::PeriodicReporter reporter_;  // declared after lease_: stops before the proxy can go
};

}  // namespace chaos::network
