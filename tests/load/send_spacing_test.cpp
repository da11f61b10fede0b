// SendTimeline and SendSpacing (send_spacing.h) without sockets: per-millisecond counts summed
// across workers, only milliseconds below every watermark folded, incremental folding.
#include "send_spacing.h"

#include <gtest/gtest.h>

#include <vector>

using namespace chaos::load;

TEST(SendSpacing, SumsWorkersMillisecondByMillisecond) {
  SendTimeline a, b;
  for (int64_t ms = 0; ms < 100; ++ms) {
    a.record(ms);
    b.record(ms);
    b.record(ms);
  }
  for (int i = 0; i < 7; ++i) a.record(50);  // one burst: 1 + 7 + 2 = 10 in ms 50
  a.close();
  b.close();
  SendSpacing s;
  s.fold({&a, &b}, 100);
  EXPECT_EQ(s.summary().ms, 100);
  EXPECT_EQ(s.percentile(0.5), 3u);
  EXPECT_EQ(s.percentile(0.99), 3u);  // 1 ms in 100 is the top 1 %: p99 is the one below it
  EXPECT_EQ(s.max(), 10u);
  EXPECT_EQ(s.percentile(1.0), 10u);
}

TEST(SendSpacing, EmptyMillisecondsCountAsZero) {
  SendTimeline t;
  t.record(10);
  t.close();
  SendSpacing s;
  s.fold({&t}, 1000);
  EXPECT_EQ(s.percentile(0.99), 0u);
  EXPECT_EQ(s.max(), 1u);
  EXPECT_EQ(SendSpacing().summary().p99, 0u);  // nothing folded yet
}

TEST(SendSpacing, FoldsOnlyBelowEveryWatermarkAndIncrementally) {
  SendTimeline a, b;
  for (int64_t ms = 0; ms < 20; ++ms) a.record(ms);
  a.publish(20);
  b.publish(5);  // b may still record in ms 5..: those are not final
  SendSpacing s;
  s.fold({&a, &b}, 1000);
  EXPECT_EQ(s.summary().ms, 5);
  b.record(7);
  b.record(7);
  b.publish(20);
  s.fold({&a, &b}, 12);  // the run's own end bounds it too
  EXPECT_EQ(s.summary().ms, 12);
  EXPECT_EQ(s.max(), 3u);  // ms 7 = 1 + 2, folded once although two folds covered [0, 12)
  s.fold({&a, &b}, 20);
  EXPECT_EQ(s.summary().ms, 20);
}

TEST(SendSpacing, TimelineSpansChunksAndIgnoresOutOfRange) {
  SendTimeline t;
  t.record(-1);
  t.record(SendTimeline::kCapacityMs);
  t.record(SendTimeline::kChunkMs - 1);
  t.record(SendTimeline::kChunkMs);
  t.record(SendTimeline::kCapacityMs - 1);
  EXPECT_EQ(t.count_at(SendTimeline::kChunkMs - 1), 1u);
  EXPECT_EQ(t.count_at(SendTimeline::kChunkMs), 1u);
  EXPECT_EQ(t.count_at(SendTimeline::kCapacityMs - 1), 1u);
  EXPECT_EQ(t.count_at(SendTimeline::kChunkMs + 1), 0u);
  EXPECT_EQ(t.count_at(-1), 0u);
  // The capacity outlasts the flood's 1 h hard cap.
  EXPECT_GT(SendTimeline::kCapacityMs, 3600 * 1000);
}
