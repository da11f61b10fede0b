#pragma once
// The signals that end a chaosctl process cleanly: SIGINT (Ctrl-C), SIGTERM (kill, systemd),
// SIGHUP (terminal closed, ssh dropped) and SIGQUIT (Ctrl-\). Each is taken by one watcher
// thread, never by a handler, so rolling back happens on the run's own loop. SIGPIPE is
// ignored: a closed stdout (`chaosctl run x.lua | head`) turns writes into EPIPE errors that
// the output code drops, instead of killing the process with a fault still injected.

#include <atomic>
#include <functional>
#include <thread>

namespace chaos::cli {

// Blocks the stop signals in the calling thread and every thread it starts later, and ignores
// SIGPIPE. Call before any other thread starts.
void block_stop_signals();

// The operator-facing cause recorded with the run, e.g. "SIGHUP (the terminal was closed)".
const char* stop_signal_reason(int sig);
const char* stop_signal_name(int sig);

// Waits for the next stop signal and returns it (for processes with nothing to roll back).
int wait_for_stop_signal();

// Calls `on_signal(sig)` on its own thread for every stop signal that arrives, until destroyed.
class StopSignalWatcher {
 public:
  explicit StopSignalWatcher(std::function<void(int sig)> on_signal);
  ~StopSignalWatcher();
  StopSignalWatcher(const StopSignalWatcher&) = delete;
  StopSignalWatcher& operator=(const StopSignalWatcher&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace chaos::cli
