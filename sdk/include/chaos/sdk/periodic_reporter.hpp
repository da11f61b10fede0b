// chaos/sdk/periodic_reporter.hpp — the thread most faults need: call a function every
// interval (emit metrics, enforce a cap) until stop(). Header-only C++17.
//
//   chaos::sdk::PeriodicReporter reporter_;   // a member, declared after what the tick reads
//
//   void start() override {
//     ...
//     reporter_.start([this](auto since_last) {
//       host_.metric("held", held_.load());
//       return true;                            // false: the thread ends by itself
//     });
//   }
//   void stop() override {
//     reporter_.stop();                         // joined: the tick no longer runs
//     host_.metric("held", held_.load());       // the last window, on the host's thread
//   }
//
// Ticks follow a fixed grid (start + k * interval), so a slow tick does not shift the ones
// after it; a tick that falls more than an interval behind is not repeated to catch up.
//
// Thread-safety: start, stop and request_stop from the fault's control thread (the host calls
// a fault's operations one at a time); the tick runs on the reporter's own thread, so what it
// reads must be thread-safe (atomics, a snapshot under a lock). Host's callbacks are.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace chaos::sdk {

class PeriodicReporter {
 public:
  using Clock = std::chrono::steady_clock;
  // Called with the time since the previous tick (since start() for the first). Returns
  // whether to go on; after false the thread ends, and stop() still joins it.
  using Tick = std::function<bool(Clock::duration since_last)>;

  struct Options {
    std::chrono::milliseconds interval{1000};
    bool tick_at_start = false;  // the first tick at once, not one interval after start()
  };

  PeriodicReporter() = default;
  ~PeriodicReporter() { stop(); }
  PeriodicReporter(const PeriodicReporter&) = delete;
  PeriodicReporter& operator=(const PeriodicReporter&) = delete;

  // Starts the thread. Ignored (returns false) while a previous start has not been stopped.
  bool start(Tick tick, Options options) {
    if (thread_.joinable()) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = false;
    }
    tick_ = std::move(tick);
    options_ = options;
    thread_ = std::thread([this] { run(); });
    return true;
  }
  bool start(Tick tick) { return start(std::move(tick), Options()); }

  // Tells the thread to end after the tick in progress, without waiting for it.
  void request_stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
  }

  // Ends the thread and joins it: returns once the tick in progress (if any) has returned.
  // Idempotent. REQUIRES: not called from inside the tick.
  void stop() {
    if (!thread_.joinable()) return;
    request_stop();
    thread_.join();
  }

  // Started and not yet stopped (the thread may have ended by itself).
  bool running() const { return thread_.joinable(); }

 private:
  void run() {
    const auto interval = std::chrono::duration_cast<Clock::duration>(options_.interval);
    auto last = Clock::now();
    auto next = options_.tick_at_start ? last : last + interval;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (wake_.wait_until(lock, next, [this] { return stopping_; })) return;
      lock.unlock();
      const auto now = Clock::now();
      const bool go_on = tick_(now - last);
      last = now;
      next += interval;
      if (next < Clock::now()) next = Clock::now();  // fell behind: no burst to catch up
      lock.lock();
      if (!go_on) return;
    }
  }

  Tick tick_;
  Options options_;
  std::mutex mutex_;  // guards stopping_, with wake_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chaos::sdk
