// The figures show and the run page print from a fault's final status.
#include "engine/fault_figures.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace chaos::engine {
namespace {

std::vector<FaultFigure> figures(const std::string& kind, const std::string& json) {
  return fault_figures(kind, boost::json::parse(json).as_object());
}

TEST(FaultFigures, AFailedStatusCallIsShownAsSuch) {
  auto out = figures("flood", R"({"error":"flood status: not a JSON object: {active:"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].label, "status unavailable");
  EXPECT_EQ(out[0].text, "flood status: not a JSON object: {active:");
}

TEST(FaultFigures, FloodLatencyIsInMillisecondsOrSecondsWithTheResponseCount) {
  auto out = figures("flood", R"({"sent":10,"ok":9,"errors":1,"in_flight":0,
    "latency":{"count":9,"p50_ms":1.234,"p90_ms":12.5,"p99_ms":908.2,"p999_ms":1012,"max_ms":1020}})");
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0].label, "latency");
  EXPECT_EQ(
      out[0].text,
      "p50 1.23 ms, p90 12.5 ms, p99 908 ms, p99.9 1.01 s, max 1.02 s (9 responses, whole run)");
  EXPECT_EQ(out[1].text, "sent 10, ok 9, errors 1, in flight 0");
}

TEST(FaultFigures, MissingFieldsAreLeftOutNotInvented) {
  EXPECT_TRUE(figures("flood", "{}").empty());
  EXPECT_TRUE(figures("pool_exhaustion", "{}").empty());
}

TEST(FaultFigures, AKindItDoesNotKnowShowsItsTopLevelValues) {
  auto out = figures("cpu_burn", R"({"active":true,"cores":2,"note":"x","nested":{"a":1}})");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].label + "=" + out[0].text, "active=true");
  EXPECT_EQ(out[1].label + "=" + out[1].text, "cores=2");
  EXPECT_EQ(out[2].label + "=" + out[2].text, "note=x");
}

// Requested beside what was really held or achieved, for the kinds whose magnitude update
// changes live.
TEST(FaultFigures, PoolShowsRequestedAgainstHeldAndItsLiveChanges) {
  auto out = figures("pool_exhaustion", R"({"requested":20,"held":11,"held_peak":11,
    "full_after_ms":-1,"updates":3,"closed_surplus":6})");
  ASSERT_GE(out.size(), 1u);
  EXPECT_EQ(out[0].label, "held");
  EXPECT_EQ(out[0].text,
            "requested 20, peak 11, never all held, at stop 11 (changed 3 times live, 6 closed "
            "as surplus)");
}

TEST(FaultFigures, FloodShowsTheRequestedRateAgainstTheAchievedOne) {
  auto open = figures("flood", R"({"model":"open","rate_requested":500,"achieved_rps":212.4,
    "sent_rps":480.2,"connections":50,"open_connections":50})");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].label, "rate");
  EXPECT_EQ(open[0].text, "requested 500/s, achieved 212/s (sent 480/s) in the last second");
  auto closed = figures("flood", R"({"model":"closed","achieved_rps":90,"sent_rps":90,
    "connections":8,"open_connections":6})");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].label + ": " + closed[0].text, "connections: requested 8, open 6");
}

TEST(FaultFigures, OutageShowsTheProbabilityRequestedAndAchievedSinceItWasSet) {
  auto out = figures("outage", R"({"connections_opened":80,"probability":0.3,
    "achieved_probability":0.275,"affected_since_change":11,"judged_since_change":40})");
  bool found = false;
  for (const auto& f : out) {
    if (f.label != "probability") continue;
    found = true;
    EXPECT_EQ(f.text, "requested 0.3, achieved 0.275 (11 of 40 connections since it was set)");
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace chaos::engine
