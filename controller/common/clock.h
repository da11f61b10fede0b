#pragma once
// The clock seam (STYLE.md rule 9): everything that waits or timestamps reads a Clock it is
// given, so tests can run minutes of schedule in milliseconds.
//
// Thread-safety: SystemClock is stateless. ManualClock is safe to read and advance from any
// thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace chaos {

using SteadyTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for intervals and deadlines.
  virtual SteadyTime now() const = 0;
  // Wall-clock milliseconds since the Unix epoch, for what is stored and shown.
  virtual int64_t unix_ms() const = 0;
  // Waits on `cv` until notified or `deadline` passes (on this clock). The lock is held on entry
  // and on return, as with std::condition_variable::wait_until.
  virtual void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          SteadyTime deadline) = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  int64_t unix_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  SteadyTime deadline) override {
    cv.wait_until(lock, deadline);
  }
};

// Simulated time: waiting jumps the clock straight to the deadline, so a schedule of minutes
// runs instantly while keeping its order of events.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_unix_ms = 1700000000000) : start_unix_ms_(start_unix_ms) {}
  SteadyTime now() const override { return SteadyTime(std::chrono::nanoseconds(now_ns_.load())); }
  int64_t unix_ms() const override { return start_unix_ms_ + now_ns_.load() / 1000000; }
  void advance(std::chrono::nanoseconds d) { now_ns_ += d.count(); }
  void wait_until(std::condition_variable&, std::unique_lock<std::mutex>&,
                  SteadyTime deadline) override {
    const int64_t target = deadline.time_since_epoch().count();
    int64_t current = now_ns_.load();
    while (current < target && !now_ns_.compare_exchange_weak(current, target)) {
    }
  }

 private:
  const int64_t start_unix_ms_;
  std::atomic<int64_t> now_ns_{0};
};

}  // namespace chaos
