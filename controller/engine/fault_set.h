#pragma once
// FaultSet: the faults a run has injected, by id. Every start, update and stop is journaled
// *before* it takes effect (RunJournal): when that write fails, a start or an update is refused
// (nothing more is injected than the journal says); a stop goes ahead anyway, since removing an
// effect is always safe. Faults whose kind has `recover` keep their real parameters in a
// recovery record while they may be injected, for reconcile after a crash.
//
// A fault with a duration is stopped by a timer on the run's loop when the duration is over.
// Rollback stops every fault, newest first.
//
// While any fault runs, the set calls every local fault's `status` each `status_every` on the
// loop (a timer: probes are not held up beyond the call itself), and once more after its stop
// and before its destroy — the final status, with the whole run's figures. Both go to the
// Listener. Faults held by another process have no status here (the holder's API has none).
//
// Thread-safety: one thread (the run's event loop), like the plugins' instances it drives.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/event_loop.h"
#include "engine/proxy_catalog.h"
#include "engine/remote_faults.h"
#include "engine/run_journal.h"
#include "engine/run_observer.h"
#include "journal/journal_types.h"
#include "plugin_host/fault_instance.h"
#include "plugin_host/plugin_registry.h"

namespace chaos::engine {

// One `status` call's answer: a JSON object, the plugin's or {"error": "..."} when the call
// failed or did not return an object.
struct FaultStatus {
  FaultInfo fault;
  std::string json;
  bool final = false;
  int64_t unix_ms = 0;
};

inline constexpr std::chrono::milliseconds kStatusEvery{1000};

class FaultSet {
 public:
  // What the run hears from its faults.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void fault_started(const FaultInfo& fault) = 0;
    virtual void fault_ended(const FaultInfo& fault, bool cleanly) = 0;
    // A stop the set made on its own (a duration ran out) failed: the run must hear of it.
    virtual void fault_failed(const Status& status) = 0;
    // What faults' `status` returned: one poll's worth, or one fault's final status.
    virtual void fault_statuses(std::vector<FaultStatus> statuses) = 0;
  };

  // All references must outlive the set. `run_seed` seeds kinds that take a "seed".
  FaultSet(const plugin_host::PluginRegistry& registry, const ProxyCatalog& proxies,
           RunJournal& journal, EventLoop& loop, plugin_host::FaultSink& sink, Listener& listener,
           int64_t run_seed, std::chrono::milliseconds status_every = kStatusEvery);
  ~FaultSet();  // destroys what is left; a plugin's destroy stops its fault first

  struct Started {
    journal::FaultId id = 0;
    std::string name;
  };
  // Validates (`proxy = "name"` resolved first), journals and starts a fault. Errors name the
  // kind and the field; a refused or failed start leaves nothing injected.
  Result<Started> start(const std::string& kind, const boost::json::value& params,
                        std::optional<std::chrono::microseconds> duration,
                        const std::string& name);
  // Stops a fault. Stopping one already stopped is fine; an id this set never gave out is
  // NotFound. The plugin's error, if its stop failed.
  Status stop(journal::FaultId id, const std::string& why);
  // Changes a running fault: `changes` replace those of its parameters they name.
  Status update(journal::FaultId id, const boost::json::value& changes);
  // Stops every fault, newest first, whatever fails; returns the first failure.
  Status rollback(const std::string& why);

  bool empty() const { return active_.empty(); }
  // A running local fault's `status` now (the JSON object, or {"error": ...}); nullopt when
  // the fault is not running here.
  std::optional<std::string> status_now(journal::FaultId id);
  // Where faults on another process's standing proxies go (engine/remote_faults.h); without
  // it such a fault is refused. Not owned.
  void set_remote(RemoteFaults* remote, int64_t run_id);
  // Where faults that make traffic of their own may send it (the plugin asks through the
  // host's check_target). Not owned; nullptr: loopback only.
  void set_allowlist(const TargetAllowlist* allowlist) { allowlist_ = allowlist; }

 private:
  // A fault held by another process: the holder and the lease, as journaled.
  struct Remote {
    std::string url;
    std::string proxy;
    std::string lease;
  };
  struct Active {
    std::unique_ptr<plugin_host::FaultInstance> instance;  // null for a remote fault
    std::optional<Remote> remote;
    const plugin_host::FaultKind* kind = nullptr;
    FaultInfo info;
    boost::json::object given;  // the parameters as the script gave them, for update
    EventLoop::TimerId stop_timer = 0;
  };
  // `given` resolved against the proxies, validated, defaults filled, seeded.
  // Calls `status` on each running local fault and hands the answers to the listener; runs
  // again after status_every_ while any fault is left.
  void poll_statuses();
  FaultStatus status_of(Active& fault, bool final);

  Result<boost::json::value> prepare(const plugin_host::FaultKind& kind,
                                     const boost::json::value& given, journal::FaultId id) const;

  const plugin_host::PluginRegistry& registry_;
  const ProxyCatalog& proxies_;
  RunJournal& journal_;
  EventLoop& loop_;
  plugin_host::FaultSink& sink_;
  Listener& listener_;
  const int64_t run_seed_;
  const std::chrono::milliseconds status_every_;
  EventLoop::TimerId poll_timer_ = 0;
  std::map<journal::FaultId, Active> active_;  // by id; rollback goes newest first
  journal::FaultId next_id_ = 1;
  RemoteFaults* remote_ = nullptr;
  int64_t run_id_ = 0;
  uint32_t lease_salt_ = 0;  // makes lease ids unique across stores sharing one holder
  const TargetAllowlist* allowlist_ = nullptr;
};

// The parameters a holder gets: the fault's own, without the proxy's addresses (it has them).
boost::json::object without_addresses(const boost::json::value& params);

}  // namespace chaos::engine
