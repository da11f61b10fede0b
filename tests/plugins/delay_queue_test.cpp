// DelayQueue: release times, ordering, clamping, live changes and the byte bound, without a
// clock or sockets.

#include "delay_queue.h"

#include <gtest/gtest.h>

namespace chaos::network {
namespace {

using std::chrono::milliseconds;

const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1);

Chunk chunk(size_t bytes, Clock::time_point arrival, double jitter_unit = 0) {
  Chunk c;
  c.bytes.assign(bytes, 'x');
  c.arrival = arrival;
  c.jitter_unit = jitter_unit;
  return c;
}

DelaySpec spec(int delay_ms, int jitter_ms = 0) {
  return DelaySpec{milliseconds(delay_ms), milliseconds(jitter_ms)};
}

TEST(DelayQueueTest, NoDelayReleasesAtArrival) {
  DelayQueue q(1024);
  q.push(chunk(10, t0));
  EXPECT_EQ(q.release_time(spec(0)), t0);
}

TEST(DelayQueueTest, DelayAddsToArrivalAndJitterScalesTheDraw) {
  DelayQueue q(1024);
  q.push(chunk(10, t0, 0.5));
  EXPECT_EQ(q.release_time(spec(100)), t0 + milliseconds(100));
  EXPECT_EQ(q.release_time(spec(100, 40)), t0 + milliseconds(120));
}

TEST(DelayQueueTest, NegativeJitterIsClampedAtArrival) {
  DelayQueue q(1024);
  q.push(chunk(10, t0, -1.0));
  EXPECT_EQ(q.release_time(spec(10, 50)), t0);
}

TEST(DelayQueueTest, AChunkIsNeverReleasedBeforeThePreviousOne) {
  DelayQueue q(1024);
  q.push(chunk(10, t0, 1.0));                      // 100 + 50 → t0 + 150
  q.push(chunk(10, t0 + milliseconds(10), -1.0));  // 100 - 50 → t0 + 60, but must wait
  const auto first = q.release_time(spec(100, 50));
  EXPECT_EQ(first, t0 + milliseconds(150));
  q.pop(first);
  EXPECT_EQ(q.release_time(spec(100, 50)), t0 + milliseconds(150));
}

TEST(DelayQueueTest, AChangedDelayAppliesToChunksAlreadyWaiting) {
  DelayQueue q(1024);
  q.push(chunk(10, t0));
  EXPECT_EQ(q.release_time(spec(200)), t0 + milliseconds(200));
  EXPECT_EQ(q.release_time(spec(0)), t0);  // a stopped fault lets waiting bytes go at once
  EXPECT_EQ(q.release_time(spec(400)), t0 + milliseconds(400));
}

TEST(DelayQueueTest, FullAtCapacityAndNotAfterAPop) {
  DelayQueue q(100);
  q.push(chunk(60, t0));
  EXPECT_FALSE(q.full());
  q.push(chunk(60, t0));
  EXPECT_TRUE(q.full());
  EXPECT_EQ(q.bytes(), 120u);
  const Chunk c = q.pop(t0);
  EXPECT_EQ(c.bytes.size(), 60u);
  EXPECT_FALSE(q.full());
  EXPECT_EQ(q.size(), 1u);
}

}  // namespace
}  // namespace chaos::network
