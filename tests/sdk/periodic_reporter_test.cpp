// chaos::sdk::PeriodicReporter, the reporting thread the plugins share: it ticks on its grid,
// can end itself, stops promptly between ticks, waits for a tick in progress, and restarts.

#include <gtest/gtest.h>

#include <atomic>
#include <chaos/sdk/periodic_reporter.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace {

using chaos::sdk::PeriodicReporter;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Counts ticks and lets the test wait for a number of them.
struct Ticks {
  std::mutex mutex;
  std::condition_variable changed;
  int count = 0;
  Clock::duration first_since_last{};

  void add(Clock::duration since_last) {
    std::lock_guard<std::mutex> lock(mutex);
    if (count++ == 0) first_since_last = since_last;
    changed.notify_all();
  }
  bool wait_for(int n, Clock::duration timeout) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return count >= n; });
  }
  int now() {
    std::lock_guard<std::mutex> lock(mutex);
    return count;
  }
};

TEST(PeriodicReporter, TicksEveryIntervalUntilStopped) {
  Ticks ticks;
  PeriodicReporter reporter;
  const auto started = Clock::now();
  ASSERT_TRUE(reporter.start([&](Clock::duration d) { return ticks.add(d), true; }, {20ms}));
  ASSERT_TRUE(ticks.wait_for(3, 5s));
  // Three ticks of a 20 ms grid cannot come sooner than 60 ms after start.
  EXPECT_GE(Clock::now() - started, 60ms);
  EXPECT_GE(ticks.first_since_last, 20ms);  // the first tick waits one interval
  reporter.stop();
  const int after_stop = ticks.now();
  EXPECT_FALSE(reporter.running());
  // Joined: no tick can follow. Give a stray thread the time of several intervals to show.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(ticks.now(), after_stop);
}

TEST(PeriodicReporter, TickAtStartComesAtOnce) {
  Ticks ticks;
  PeriodicReporter reporter;
  ASSERT_TRUE(reporter.start([&](Clock::duration d) { return ticks.add(d), true; },
                             {std::chrono::hours(1), true}));
  ASSERT_TRUE(ticks.wait_for(1, 5s));
  EXPECT_LT(ticks.first_since_last, 1s);
  const auto before = Clock::now();
  reporter.stop();  // between ticks of an hour: must not wait for the next one
  EXPECT_LT(Clock::now() - before, 1s);
}

TEST(PeriodicReporter, ATickReturningFalseEndsTheThread) {
  Ticks ticks;
  PeriodicReporter reporter;
  ASSERT_TRUE(reporter.start(
      [&](Clock::duration d) {
        ticks.add(d);
        return ticks.now() < 2;
      },
      {5ms}));
  ASSERT_TRUE(ticks.wait_for(2, 5s));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(ticks.now(), 2);
  EXPECT_TRUE(reporter.running());  // ended by itself, not yet joined
  reporter.stop();
  EXPECT_FALSE(reporter.running());
}

TEST(PeriodicReporter, StopWaitsForTheTickInProgress) {
  std::atomic<bool> in_tick{false}, tick_done{false};
  PeriodicReporter reporter;
  ASSERT_TRUE(reporter.start(
      [&](Clock::duration) {
        in_tick = true;
        std::this_thread::sleep_for(200ms);
        tick_done = true;
        return true;
      },
      {std::chrono::hours(1), true}));
  const auto deadline = Clock::now() + 5s;
  while (!in_tick && Clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(in_tick);
  reporter.stop();
  EXPECT_TRUE(tick_done);  // what the tick reads may be destroyed once stop returns
}

TEST(PeriodicReporter, StartsOnceAndRestartsAfterStop) {
  Ticks ticks;
  PeriodicReporter reporter;
  auto tick = [&](Clock::duration d) { return ticks.add(d), true; };
  ASSERT_TRUE(reporter.start(tick, {std::chrono::hours(1), true}));
  EXPECT_FALSE(reporter.start(tick, {std::chrono::hours(1), true}));
  ASSERT_TRUE(ticks.wait_for(1, 5s));
  reporter.stop();
  reporter.stop();  // idempotent
  ASSERT_TRUE(reporter.start(tick, {std::chrono::hours(1), true}));
  EXPECT_TRUE(ticks.wait_for(2, 5s));
}

}  // namespace
