#pragma once
// RuleFault: what the kinds that act on a proxy (latency, bandwidth, outage, http) share. Each
// holds one Rule on the proxy at its listen address while it is started: start sets it, update
// replaces it (live, open connections included), stop removes it. The proxy and its port stay
// with the fault until it is destroyed, so stopping a fault never drops a connection that the
// fault did not itself act on.
//
// Threading: the host's single control thread per fault (see chaos/plugin.hpp).

#include <chaos/plugin.hpp>
#include <memory>
#include <string>
#include <vector>

#include "proxy_attachment.h"
#include "rules.h"

namespace chaos::network {

// A kind's parsed parameters, as the proxy needs them.
struct RuleSettings {
  double probability = 1;
  uint64_t seed = 0;
  bool applies_to_existing = true;
  RuleSpec spec;
};

class RuleFault : public sdk::Fault {
 public:
  ~RuleFault() override;

  void start() override;
  void stop() override;
  std::string status_json() override;

 protected:
  RuleFault(sdk::Host& host, const ProxyAddresses& addresses, const char* kind,
            RuleSettings settings);

  // For update(): new settings from a complete parameter object; applied at once when
  // started. A seed of 0 in `params` keeps the seed in force.
  void change(const sdk::Params& params, RuleSettings settings);

  // "latency 200ms (downstream)", for the log: what the fault does, without the proxy.
  virtual std::string describe() const = 0;
  // The fault's own series, besides the proxy's.
  virtual std::vector<Series> own_series() const { return {}; }
  // The fault's own fields in its status.
  virtual void add_own_status(sdk::JsonObject& json) const = 0;
  // Called when the rule is set or changed while started (e.g. to log a caveat).
  virtual void on_applied() {}

  const RuleSettings& settings() const { return settings_; }
  const RuleStats& stats() const { return *stats_; }
  sdk::Host& host() const { return host_; }
  bool active() const { return active_; }
  const ProxyAttachment& attachment() const { return attachment_; }

 private:
  void apply();
  void deactivate();

  sdk::Host& host_;
  const char* kind_;
  ProxyAttachment attachment_;
  std::shared_ptr<RuleStats> stats_ = std::make_shared<RuleStats>();
  RuleSettings settings_;
  bool active_ = false;
};

}  // namespace chaos::network
