// The open model's arrival schedules (arrivals.h), without sockets or a clock: the mean rate,
// reproducibility from a seed, and how bursty each schedule is in sends per millisecond.
#include "arrivals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "send_spacing.h"

using namespace chaos::load;

namespace {

// Sends per millisecond (p99, max) of `seconds` of `kind` arrivals at `rate`, split over
// `workers` streams the way FloodEngine splits them (rate/workers each, uniform staggered).
SendsPerMs spacing_of(ArrivalKind kind, double rate, int seconds, int workers, uint64_t seed) {
  std::vector<SendTimeline> timelines(static_cast<size_t>(workers));
  const int64_t end_ns = seconds * 1'000'000'000LL;
  for (int w = 0; w < workers; ++w) {
    ArrivalSchedule schedule(seed, static_cast<uint64_t>(w));
    const double share = rate / workers;
    int64_t due = kind == ArrivalKind::kUniform ? static_cast<int64_t>(1e9 / share * w / workers)
                                                : std::llround(schedule.gap_ns(kind, share));
    for (; due < end_ns; due += std::llround(schedule.gap_ns(kind, share)))
      timelines[static_cast<size_t>(w)].record(due / 1'000'000);
    timelines[static_cast<size_t>(w)].close();
  }
  std::vector<const SendTimeline*> all;
  for (const auto& t : timelines) all.push_back(&t);
  SendSpacing spacing;
  spacing.fold(all, seconds * 1000);
  return spacing.summary();
}

}  // namespace

TEST(ArrivalSchedule, UniformGapsAreExactlyOneOverTheRate) {
  ArrivalSchedule s(42, 0);
  for (double rate : {1.0, 1000.0, 5000.0, 333.0})
    for (int i = 0; i < 10; ++i)
      EXPECT_DOUBLE_EQ(s.gap_ns(ArrivalKind::kUniform, rate), 1e9 / rate);
}

TEST(ArrivalSchedule, PoissonHoldsTheMeanRateWithExponentialSpread) {
  ArrivalSchedule s(7, 0);
  const int n = 200'000;
  double sum = 0, sum_sq = 0, min_gap = 1e18;
  for (int i = 0; i < n; ++i) {
    const double g = s.gap_ns(ArrivalKind::kPoisson, 5000);
    ASSERT_GE(g, 0);
    sum += g;
    sum_sq += g * g;
    min_gap = std::min(min_gap, g);
  }
  const double mean = sum / n;
  const double sd = std::sqrt(sum_sq / n - mean * mean);
  // Mean 200 us; the standard error over 200k draws is 0.22 %.
  EXPECT_NEAR(mean, 200'000, 200'000 * 0.01);
  // An exponential's standard deviation equals its mean (uniform's is 0).
  EXPECT_NEAR(sd, mean, mean * 0.03);
  EXPECT_LT(min_gap, 1000);  // some sends land almost together
}

TEST(ArrivalSchedule, TheSameSeedGivesTheSameScheduleAndOthersDiffer) {
  ArrivalSchedule a(12345, 0), b(12345, 0), other_seed(12346, 0), other_stream(12345, 1);
  int same_seed_diffs = 0, other_seed_diffs = 0, other_stream_diffs = 0;
  for (int i = 0; i < 1000; ++i) {
    const double g = a.gap_ns(ArrivalKind::kPoisson, 1000);
    same_seed_diffs += g != b.gap_ns(ArrivalKind::kPoisson, 1000);
    other_seed_diffs += g != other_seed.gap_ns(ArrivalKind::kPoisson, 1000);
    other_stream_diffs += g != other_stream.gap_ns(ArrivalKind::kPoisson, 1000);
  }
  EXPECT_EQ(same_seed_diffs, 0);
  EXPECT_EQ(other_seed_diffs, 1000);
  EXPECT_EQ(other_stream_diffs, 1000);
  // Pinned: the schedule is ours (splitmix64 + -ln u), not a standard library's, so a seed
  // replays the same sends on every machine.
  ArrivalSchedule pinned(1, 0);
  EXPECT_NEAR(pinned.gap_ns(ArrivalKind::kPoisson, 1000), 568169.5103832791, 1e-6);
}

TEST(ArrivalSchedule, UniformAtFiveThousandIsFivePerMillisecondPoissonAboutTwelveAtP99) {
  // Two workers, as with threads = 2: the staggered uniform beats still give 5 every ms.
  const SendsPerMs uniform = spacing_of(ArrivalKind::kUniform, 5000, 10, 2, 1);
  EXPECT_EQ(uniform.ms, 10'000);
  EXPECT_EQ(uniform.p99, 5u);
  EXPECT_LE(uniform.max, 6u);
  // Poisson with mean 5 per ms: P(X <= 10) = 0.986, P(X <= 11) = 0.995, so p99 is 11.
  const SendsPerMs poisson = spacing_of(ArrivalKind::kPoisson, 5000, 10, 2, 1);
  EXPECT_GE(poisson.p99, 10u);
  EXPECT_LE(poisson.p99, 13u);
  EXPECT_GT(poisson.max, poisson.p99);
  // At 1k/s: uniform is 1 per ms; Poisson with mean 1 has p99 4 (P(X <= 3) = 0.981).
  EXPECT_EQ(spacing_of(ArrivalKind::kUniform, 1000, 10, 1, 1).p99, 1u);
  const SendsPerMs poisson_1k = spacing_of(ArrivalKind::kPoisson, 1000, 10, 1, 1);
  EXPECT_GE(poisson_1k.p99, 3u);
  EXPECT_LE(poisson_1k.p99, 5u);
}

TEST(ArrivalKind, ParsesUniformAndPoissonOnly) {
  ArrivalKind k = ArrivalKind::kUniform;
  EXPECT_TRUE(parse_arrival_kind("poisson", k));
  EXPECT_EQ(k, ArrivalKind::kPoisson);
  EXPECT_STREQ(arrival_kind_name(k), "poisson");
  EXPECT_TRUE(parse_arrival_kind("uniform", k));
  EXPECT_EQ(k, ArrivalKind::kUniform);
  EXPECT_FALSE(parse_arrival_kind("Poisson", k));
  EXPECT_FALSE(parse_arrival_kind("", k));
}
