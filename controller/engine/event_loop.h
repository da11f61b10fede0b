#pragma once
// EventLoop: the single thread that drives a run. Probe samples, plugin reports and signals
// arrive from other threads through post(); timers wake the Lua script. The run's lua_State and
// its faults are touched only from inside the loop's handlers.
//
// Thread-safety: post() and wake() from any thread; everything else from the loop's thread.

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "common/clock.h"

namespace chaos::engine {

class EventLoop {
 public:
  using Handler = std::function<void()>;
  using TimerId = uint64_t;

  explicit EventLoop(Clock& clock) : clock_(clock) {}
  Clock& clock() { return clock_; }

  void post(Handler handler);

  TimerId at(SteadyTime when, Handler handler);
  void cancel(TimerId id);

  // Runs posted handlers and due timers until `done()` holds (checked after every handler) or
  // `deadline` passes. Returns done().
  bool run_until(const std::function<bool()>& done, std::optional<SteadyTime> deadline = {});
  // Runs every handler posted so far, and any they post, without waiting; timers do not fire.
  void drain();

 private:
  bool run_one_due_timer();
  Clock& clock_;
  std::mutex mutex_;  // guards posted_
  std::condition_variable cv_;
  std::deque<Handler> posted_;
  // Loop-thread only. Keyed by (time, id) so timers at the same instant run in creation order.
  std::map<std::pair<SteadyTime, TimerId>, Handler> timers_;
  TimerId next_timer_ = 1;
};

}  // namespace chaos::engine
