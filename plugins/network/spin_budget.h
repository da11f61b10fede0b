#pragma once
// SpinBudget: how much of one proxy's io thread may go to busy-waiting for release times.
//
// Why spin at all: a thread woken by a timer from idle runs late by the machine's wake-up
// latency (here 50-100 µs typically and up to several ms at p99, a VM's timer path plus CPU
// idle exit), and a delayed chunk goes out that much late. A pipe that must release a chunk
// therefore asks for a wake-up kSpinMargin early and spends the rest busy-waiting (Pipe), so
// the release is on time whenever the wake-up was less late than the margin.
//
// Why a budget: spinning burns a core. The budget allows at most `fraction` of wall time in
// any sliding window of kWindow (kept in kSlots slots, so the window slides in steps of
// kWindow / kSlots); when it is spent the pipes fall back to plain timers. A spin started just
// under the limit may overrun it by at most one margin.
//
// Thread-safety: none; the proxy's io thread owns it (ProxyState). Pure logic: the caller
// passes the time, so tests need no clock.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "delay_queue.h"

namespace chaos::network {

class SpinBudget {
 public:
  static constexpr std::chrono::microseconds kSpinMargin{500};
  static constexpr double kDefaultFraction = 0.02;
  static constexpr std::chrono::milliseconds kWindow{1000};
  static constexpr size_t kSlots = 10;

  explicit SpinBudget(double fraction = kDefaultFraction) : fraction_(fraction) {}

  // Whether a spin may start now: less than fraction × kWindow spent in the last kWindow.
  bool allows(Clock::time_point now);
  // Records a spin that ended at `now` and lasted `spent` (booked in the slot of `now`).
  void charge(Clock::time_point now, Clock::duration spent);
  // Spent in the window that ends at `now`.
  Clock::duration spent(Clock::time_point now);

 private:
  static constexpr Clock::duration kSlot = kWindow / kSlots;
  void advance(Clock::time_point now);

  const double fraction_;
  std::array<Clock::duration, kSlots> slots_{};
  int64_t current_ = 0;  // the absolute number (time / kSlot) of the newest slot
};

}  // namespace chaos::network
