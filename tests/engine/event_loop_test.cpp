// The run's event loop, on a simulated clock: timers fire in order and at their time, work
// posted from other threads runs on the loop, and deadlines end the wait.
#include <gtest/gtest.h>

#include <thread>

#include "engine/event_loop.h"

namespace chaos::engine {
namespace {

using std::chrono::seconds;

TEST(EventLoop, TimersFireInTimeOrderOnSimulatedTime) {
  ManualClock clock;
  EventLoop loop(clock);
  std::vector<int> fired;
  const SteadyTime start = clock.now();
  loop.at(start + seconds(30), [&] { fired.push_back(30); });
  loop.at(start + seconds(10), [&] { fired.push_back(10); });
  loop.at(start + seconds(10), [&] { fired.push_back(11); });  // same instant: creation order
  loop.run_until([&] { return fired.size() == 3; });
  EXPECT_EQ(fired, (std::vector<int>{10, 11, 30}));
  EXPECT_EQ(clock.now() - start, seconds(30));
}

TEST(EventLoop, CancelledTimersDoNotFire) {
  ManualClock clock;
  EventLoop loop(clock);
  bool fired = false;
  auto id = loop.at(clock.now() + seconds(1), [&] { fired = true; });
  loop.cancel(id);
  EXPECT_FALSE(loop.run_until([&] { return fired; }, clock.now() + seconds(5)));
  EXPECT_FALSE(fired);
}

TEST(EventLoop, DeadlineEndsTheWait) {
  ManualClock clock;
  EventLoop loop(clock);
  const SteadyTime deadline = clock.now() + seconds(60);
  EXPECT_FALSE(loop.run_until([] { return false; }, deadline));
  EXPECT_GE(clock.now(), deadline);
}

TEST(EventLoop, WorkPostedFromAnotherThreadRunsOnTheLoop) {
  SystemClock clock;
  EventLoop loop(clock);
  std::thread::id ran_on;
  std::thread poster([&] { loop.post([&] { ran_on = std::this_thread::get_id(); }); });
  EXPECT_TRUE(loop.run_until([&] { return ran_on != std::thread::id(); },
                             clock.now() + seconds(10)));
  poster.join();
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

// What a run's end relies on to store the last reports: everything posted runs, including
// what those handlers post, and no timer fires early.
TEST(EventLoop, DrainRunsEveryPostedHandlerAndNoTimer) {
  ManualClock clock;
  EventLoop loop(clock);
  std::vector<int> ran;
  loop.post([&] {
    ran.push_back(1);
    loop.post([&] { ran.push_back(3); });
  });
  loop.post([&] { ran.push_back(2); });
  bool timer_fired = false;
  loop.at(clock.now() + seconds(1), [&] { timer_fired = true; });
  loop.drain();
  EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(timer_fired);
  loop.drain();  // nothing left: returns at once
  EXPECT_EQ(ran.size(), 3u);
}

}  // namespace
}  // namespace chaos::engine
