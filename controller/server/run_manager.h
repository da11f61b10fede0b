#pragma once
// RunManager: experiments started from the server, each executing on a thread of its own with
// its own Store connection (a Store is single-threaded), reporting live through a LiveHub.
//
// Halt aborts every active run (Run::request_abort: every fault is rolled back at once on the
// run's loop) and reports `halt_done` on the hub once every halted run has ended, i.e. once
// every rollback completed.
//
// Thread-safety: every public method may be called from any thread; shared state is guarded
// by runs_mutex_. The destructor halts what still runs and joins every thread.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "common/target_allowlist.h"
#include "engine/proxy_catalog.h"
#include "journal/journal_reader.h"
#include "plugin_host/plugin_registry.h"
#include "server/live_hub.h"
#include "store/store.h"

namespace chaos::engine {
class Run;
}

namespace chaos::server {

// What the UI shows of an active (or just finished) run.
struct ActiveRunState {
  int64_t run_id = 0;
  std::string experiment;
  std::string title;
  std::string phase = "validating";
  int64_t started_unix_ms = 0;
  int64_t injecting_since_unix_ms = 0;  // 0 until injecting
  int64_t method_length_ms = 0;         // planned by the dry run
  int active_faults = 0;
  bool done = false;
  std::string verdict;
  std::string reason;  // why the verdict, once done
};

struct HaltState {
  int64_t requested_unix_ms = 0;
  int64_t done_unix_ms = 0;  // 0 while some halted run is still rolling back
  std::vector<int64_t> runs;
};

class RunManager {
 public:
  // Called once when a run has ended (done, with its verdict and reason), on the run's thread.
  using DoneCallback = std::function<void(const ActiveRunState& state)>;

  RunManager(std::string db_path, const plugin_host::PluginRegistry& registry, Clock& clock,
             LiveHub& hub);
  ~RunManager();

  // Starts `path` (already read into `source`) on a thread; returns its run id once the run is
  // recorded (this waits for the run's first journal entry, normally milliseconds).
  // Status::failed when that experiment is already running. `on_done` (optional) is told of
  // the end of this run.
  Result<int64_t> start(const std::string& path, const std::string& source,
                        int64_t method_length_ms, DoneCallback on_done = nullptr);
  // Reads `path`, checks it with a dry run, and starts it. Errors: NotFound (cannot read),
  // InvalidArgument (the experiment is invalid: nothing runs), Failed (already running).
  Result<int64_t> start_file(const std::string& path);
  // NotFound when `run_id` is not active.
  Status abort(int64_t run_id, const std::string& reason);
  // Aborts every active run; returns their ids (empty: nothing was running).
  std::vector<int64_t> halt(const std::string& reason);

  std::vector<ActiveRunState> active() const;
  HaltState last_halt() const;
  int active_faults() const;
  // Blocks until no run is active (for shutdown and tests).
  void wait_idle();
  // Standing proxies this process holds, for the runs it starts to attach to by name. Set
  // before the first start; not owned.
  void set_standing_proxies(const engine::ProxyCatalog* proxies) { standing_proxies_ = proxies; }
  // Where every run's floods, held connections and probes may go (serve --allow-target).
  // Set before the first run starts.
  void set_allowed_targets(TargetAllowlist targets) { targets_ = std::move(targets); }
  // For dry runs of what it may start (null: none).
  const engine::ProxyCatalog* standing_proxies() const { return standing_proxies_; }

  // One line of JSON describing the run, for the API and the live stream.
  static std::string state_json(const ActiveRunState& state, int64_t now_unix_ms);

 private:
  class Observer;
  struct Entry {
    ActiveRunState state;
    DoneCallback on_done;
    std::unique_ptr<Observer> observer;
    engine::Run* run = nullptr;  // valid while !state.done; guarded by runs_mutex_
    std::thread thread;
  };
  void on_run_event(Entry& entry, const journal::JournalEvent& event, double seconds);
  // The typed callbacks keep the live state: phase, and faults really on.
  void on_run_phase(Entry& entry, journal::Phase phase);
  void on_run_fault(Entry& entry, int delta);
  void on_run_done(Entry& entry, const std::string& verdict, const std::string& reason);
  void publish_state(const ActiveRunState& state);

  const std::string db_path_;
  const plugin_host::PluginRegistry& registry_;
  Clock& clock_;
  const engine::ProxyCatalog* standing_proxies_ = nullptr;
  TargetAllowlist targets_ = TargetAllowlist::loopback_only();
  LiveHub& hub_;

  mutable std::mutex runs_mutex_;
  std::condition_variable runs_changed_;       // with runs_mutex_
  std::map<int64_t, std::unique_ptr<Entry>> runs_;  // guarded; by start order (local key)
  int64_t next_key_ = 1;                       // guarded
  HaltState halt_;                             // guarded
  std::set<int64_t> halting_;                  // guarded: halted runs still rolling back
};

}  // namespace chaos::server
