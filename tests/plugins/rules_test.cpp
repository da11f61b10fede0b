// Rules and Effects: seeded selection and how the kinds combine on one connection.

#include "rules.h"

#include <gtest/gtest.h>

#include "effects.h"

namespace chaos::network {
namespace {

using std::chrono::milliseconds;

Rule rule(RuleSpec spec, double probability = 1, uint64_t seed = 7, uint64_t owner = 1) {
  Rule r;
  r.owner = owner;
  r.probability = probability;
  r.seed = seed;
  r.stats = std::make_shared<RuleStats>();
  r.spec = std::move(spec);
  return r;
}

LatencySpec latency(int down_ms, int jitter_ms = 0) {
  LatencySpec s;
  s.delay[1] = DelaySpec{milliseconds(down_ms), milliseconds(jitter_ms)};
  return s;
}

TEST(RulesTest, SelectionFollowsTheProbabilityAndTheSeed) {
  const Rule quarter = rule(latency(10), 0.25, 42);
  int hits = 0;
  for (uint64_t id = 1; id <= 4000; ++id) hits += selects(quarter, id);
  EXPECT_NEAR(hits, 1000, 100);

  const Rule same = rule(latency(10), 0.25, 42);
  const Rule other = rule(latency(10), 0.25, 43);
  int differ = 0;
  for (uint64_t id = 1; id <= 200; ++id) {
    EXPECT_EQ(selects(quarter, id), selects(same, id));
    differ += selects(quarter, id) != selects(other, id);
  }
  EXPECT_GT(differ, 20);
  EXPECT_FALSE(selects(rule(latency(10), 0.0), 1));
  EXPECT_TRUE(selects(rule(latency(10), 1.0), 1));
}

TEST(RulesTest, RaisingTheProbabilityKeepsTheConnectionsAlreadySelected) {
  const Rule low = rule(latency(10), 0.1, 9);
  const Rule high = rule(latency(10), 0.5, 9);
  for (uint64_t id = 1; id <= 1000; ++id) {
    if (selects(low, id)) {
      EXPECT_TRUE(selects(high, id)) << id;
    }
  }
}

TEST(RulesTest, ARuleForNewConnectionsSkipsThoseOpenWhenItStarted) {
  OutageSpec reset;
  Rule r = rule(reset);
  r.applies_to_existing = false;
  r.first_new_session = 10;
  EXPECT_FALSE(selects(r, 9));
  EXPECT_TRUE(selects(r, 10));
}

TEST(EffectsTest, LatenciesAddUpAndTheLowestBandwidthWins) {
  BandwidthSpec fast, slow;
  fast.rate = {0, 1000000};
  slow.rate = {0, 5000};
  RuleSet set;
  set.rules = {rule(latency(100, 10), 1, 1, 1), rule(latency(50, 5), 1, 2, 2), rule(fast, 1, 3, 3),
               rule(slow, 1, 4, 4)};
  const Effects e = compute_effects(set, 1);
  EXPECT_EQ(e.delay[1].delay, milliseconds(150));
  EXPECT_EQ(e.delay[1].jitter, milliseconds(15));
  EXPECT_EQ(e.delay[0].delay, milliseconds(0));
  EXPECT_EQ(e.rate[1], 5000u);
  EXPECT_EQ(e.rate[0], 0u);
  EXPECT_EQ(e.bandwidth_rule, &set.rules[3]);
  EXPECT_EQ(e.jitter_seed, 1u);
  EXPECT_EQ(e.selected.size(), 4u);
  EXPECT_FALSE(e.stalled);
}

TEST(EffectsTest, BlackholeStallsAndSlowCloseTakesTheLongestHold) {
  OutageSpec blackhole{OutageMode::kBlackhole, false, {}};
  OutageSpec slow_a{OutageMode::kSlowClose, false, milliseconds(100)};
  OutageSpec slow_b{OutageMode::kSlowClose, false, milliseconds(300)};
  RuleSet set;
  set.rules = {rule(slow_a, 1, 1, 1), rule(slow_b, 1, 2, 2)};
  Effects e = compute_effects(set, 1);
  EXPECT_FALSE(e.stalled);
  EXPECT_EQ(e.close_delay, milliseconds(300));
  set.rules.push_back(rule(blackhole, 1, 3, 3));
  EXPECT_TRUE(compute_effects(set, 1).stalled);
}

TEST(EffectsTest, AnEmptyRuleSetIsAPassthrough) {
  EXPECT_TRUE(compute_effects(RuleSet{}, 1).passthrough());
  RuleSet refused;
  refused.rules = {rule(OutageSpec{OutageMode::kRefuse, false, {}})};
  EXPECT_TRUE(refused.refusing());
}

}  // namespace
}  // namespace chaos::network
