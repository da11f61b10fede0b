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

}  // namespace
}  // namespace chaos::engine
