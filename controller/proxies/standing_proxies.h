#pragma once
// StandingProxies: named proxies that belong to a long-lived process (chaosctl proxy, chaosctl
// serve) rather than to a run, and the faults applied to them: Toxiproxy toxics, and leased
// faults that a run in another process creates over the control API and must keep renewing.
//
// Each proxy is an instance of the network plugin's proxy kind; each toxic or leased fault is
// an instance of a kind acting on it (same listen address, so the plugin shares the one
// proxy). Between faults a proxy is a transparent passthrough and its connections stay open
// whatever faults come and go. Every start and stop is journaled before it happens.
//
// A leased fault lives until its lease runs out unless renewed: a controller that dies
// (SIGKILL) cannot leave its fault on the proxy for longer than the lease. expire() removes
// the faults whose lease ran out; the owning service calls it periodically.
//
// Thread-safety: every public method may be called from any thread; mutex_ serialises them
// (and so every call into a fault, as the plugin ABI requires).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/clock.h"
#include "common/status.h"
#include "plugin_host/fault_instance.h"
#include "plugin_host/plugin_registry.h"
#include "proxies/proxy_journal.h"
#include "proxies/toxic.h"

namespace chaos::proxies {

struct ProxySpec {
  std::string name;      // [A-Za-z0-9_.-], 1..100 characters
  std::string listen;    // host:port; port 0 picks one (the bound address is reported)
  std::string upstream;  // host:port; a host name is resolved by the proxy
  bool enabled = true;
};

struct ProxyView {
  std::string name;
  std::string listen;  // the bound address
  std::string upstream;
  std::string upstream_address;  // what the upstream resolves to now
  bool enabled = true;
  std::vector<Toxic> toxics;  // in the order they were added
};

struct LeasedFaultView {
  std::string id;  // "lease-N", unique within the process
  std::string proxy;
  std::string kind;
  boost::json::object params;  // as given (without listen and upstream)
  std::string owner;           // who holds it, for people ("run 12 on host")
  int64_t expires_unix_ms = 0;
};

// Why a request was refused, for the API's status code.
enum class Refusal { kNone, kBadRequest, kNotFound, kConflict, kFailed };

template <typename T>
struct Answer {
  std::optional<T> value;
  Refusal refusal = Refusal::kNone;
  std::string message;

  static Answer ok(T v) { return Answer{std::move(v), Refusal::kNone, ""}; }
  static Answer refused(Refusal why, std::string message) {
    return Answer{std::nullopt, why, std::move(message)};
  }
  explicit operator bool() const { return value.has_value(); }
};

class StandingProxies {
 public:
  // The longest lease one request may ask for.
  static constexpr std::chrono::milliseconds kMaxLease{std::chrono::minutes(10)};

  // `registry`, `journal` and `clock` must outlive this.
  StandingProxies(const plugin_host::PluginRegistry& registry, ProxyJournal& journal, Clock& clock);
  ~StandingProxies();  // stops every fault, then every proxy
  StandingProxies(const StandingProxies&) = delete;
  StandingProxies& operator=(const StandingProxies&) = delete;

  Answer<ProxyView> add(const ProxySpec& spec);
  // Replaces every proxy named in `specs` whose addresses differ, adds the missing ones, and
  // leaves the same ones up (their connections and toxics stay). Stops at the first failure;
  // `done` gets what was created or kept before it.
  Answer<std::vector<ProxyView>> populate(const std::vector<ProxySpec>& specs,
                                          std::vector<ProxyView>& done);
  Answer<ProxyView> get(const std::string& name) const;
  std::vector<ProxyView> list() const;  // by name
  // Toxiproxy's update: "enabled", "listen", "upstream" (absent: unchanged). New addresses
  // restart the proxy (its connections close) and put its toxics back.
  Answer<ProxyView> update(const std::string& name, const boost::json::value& body);
  Answer<bool> remove(const std::string& name);

  Answer<Toxic> add_toxic(const std::string& proxy, const boost::json::value& body);
  Answer<Toxic> update_toxic(const std::string& proxy, const std::string& toxic,
                             const boost::json::value& body);
  Answer<Toxic> get_toxic(const std::string& proxy, const std::string& toxic) const;
  Answer<bool> remove_toxic(const std::string& proxy, const std::string& toxic);
  // Enables every proxy and removes every toxic and leased fault.
  void reset();

  // A fault of `kind` (a kind that acts on a proxy) on `proxy`, removed when `ttl` passes
  // without renew().
  // `id` empty: one is made up ("lease-N"); else it must be new ([A-Za-z0-9_.-], 1..100).
  Answer<LeasedFaultView> add_leased(const std::string& proxy, const std::string& kind,
                                     const boost::json::value& params,
                                     std::chrono::milliseconds ttl, const std::string& owner,
                                     const std::string& id = "");
  // New parameters (complete, as for add_leased) for a running leased fault.
  Answer<LeasedFaultView> update_leased(const std::string& id, const boost::json::value& params);
  Answer<LeasedFaultView> renew(const std::string& id, std::chrono::milliseconds ttl);
  Answer<bool> remove_leased(const std::string& id);
  std::vector<LeasedFaultView> leased() const;
  // Removes the leased faults whose lease has run out; returns how many.
  size_t expire();

  // The proxy kind's parameters of a standing proxy ({"listen": bound, "upstream": ...}), for a
  // run in this process that attaches to it by name. nullopt when there is none by that name.
  std::optional<boost::json::object> proxy_params(const std::string& name) const;

 private:
  struct Fault {
    std::unique_ptr<plugin_host::FaultInstance> instance;
    std::string detail_json;  // what was journaled at its start
  };
  struct ToxicEntry {
    Toxic toxic;
    Fault fault;  // no instance for a toxic that does nothing (bandwidth rate 0)
  };
  struct Leased {
    LeasedFaultView view;
    Fault fault;
    SteadyTime expires;
  };
  struct Entry {
    ProxySpec spec;  // listen: as bound
    Fault proxy;
    Fault disabled;  // while !enabled: a refuse outage with open connections reset
    std::vector<ToxicEntry> toxics;
  };

  ProxyView view_locked(const Entry& entry) const;
  Result<Entry> start_proxy_locked(const ProxySpec& spec);
  void stop_proxy_locked(Entry& entry, const std::string& why);
  // Creates, journals and starts a fault of `kind` on `entry`'s proxy.
  Result<Fault> start_fault_locked(const Entry& entry, const std::string& kind,
                                   const std::string& name, boost::json::object params,
                                   boost::json::object extra_detail);
  void stop_fault_locked(Fault& fault, const std::string& why);
  Status set_enabled_locked(Entry& entry, bool enabled);
  Answer<bool> start_toxic_locked(Entry& entry, ToxicEntry& toxic);
  Answer<ProxyView> add_locked(const ProxySpec& spec);
  Entry* find_locked(const std::string& name);
  const Entry* find_locked(const std::string& name) const;

  const plugin_host::PluginRegistry& registry_;
  ProxyJournal& journal_;
  Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> proxies_;    // guarded by mutex_
  std::map<std::string, Leased> leased_;    // guarded by mutex_; by id
  int64_t next_fault_id_ = 1;               // guarded by mutex_; journal ids
  int64_t next_lease_ = 1;                  // guarded by mutex_
};

// InvalidArgument naming the problem when `name` cannot name a proxy.
Status check_proxy_name(const std::string& name);

}  // namespace chaos::proxies
