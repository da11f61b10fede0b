// Tolerances: aggregates over a window, absolute and baseline-relative bounds, too few samples,
// and how failed readings count for the HTTP probe versus metric probes.
#include <gtest/gtest.h>

#include <cmath>

#include "hypothesis/tolerance.h"

namespace chaos::hypothesis {
namespace {

std::vector<probes::ProbeSample> values(std::initializer_list<double> list) {
  std::vector<probes::ProbeSample> out;
  for (double v : list) {
    probes::ProbeSample s;
    s.value = v;
    out.push_back(s);
  }
  return out;
}

probes::ProbeSample failed(const std::string& error) {
  probes::ProbeSample s;
  s.ok = false;
  s.error = error;
  s.value = 2000;
  return s;
}

Expectation expect(const std::string& aggregate, std::optional<double> max,
                   std::optional<double> max_x_baseline = {}) {
  Expectation e;
  e.aggregate = aggregate;
  e.bound.max = max;
  e.bound.max_x_baseline = max_x_baseline;
  return e;
}

TEST(Tolerance, PercentilesAreNearestRank) {
  auto w = values({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(aggregate("p50_ms", w), 5);
  EXPECT_EQ(aggregate("p90", w), 9);
  EXPECT_EQ(aggregate("p99_ms", w), 10);
  EXPECT_EQ(aggregate("max", w), 10);
  EXPECT_EQ(aggregate("min_ms", w), 1);
  EXPECT_EQ(aggregate("mean", w), 5.5);
  EXPECT_EQ(aggregate("last", w), 10);
  EXPECT_EQ(aggregate("p999", values({1, 2})), 2);
}

TEST(Tolerance, UnknownAggregatesAreNamedWithTheKnownOnes) {
  EXPECT_TRUE(check_aggregate_name("p99_ms").is_ok());
  EXPECT_TRUE(check_aggregate_name("error_ratio").is_ok());
  Status st = check_aggregate_name("p101");
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("known: p50, p90"), std::string::npos);
  EXPECT_FALSE(check_aggregate_name("median").is_ok());
}

TEST(Tolerance, AbsoluteBoundsHoldOrFail) {
  WindowRules rules;
  auto ok = evaluate({expect("p99_ms", 300)}, values({10, 20, 290}), rules);
  EXPECT_EQ(ok[0].outcome, Outcome::kOk);
  EXPECT_EQ(ok[0].expectation, "<= 300");
  auto bad = evaluate({expect("p99_ms", 300)}, values({10, 20, 301}), rules);
  EXPECT_EQ(bad[0].outcome, Outcome::kFailed);
  EXPECT_EQ(bad[0].value, 301);
}

TEST(Tolerance, TooFewSamplesIsInconclusiveNeverOk) {
  WindowRules rules;
  rules.min_samples = 5;
  auto r = evaluate({expect("p99_ms", 300)}, values({1, 2}), rules);
  EXPECT_EQ(r[0].outcome, Outcome::kInconclusive);
  EXPECT_EQ(r[0].note, "2 samples, need 5");
  EXPECT_FALSE(all_ok(r));
  auto empty = evaluate({expect("p99_ms", 300)}, {}, rules);
  EXPECT_EQ(empty[0].outcome, Outcome::kInconclusive);
  EXPECT_TRUE(std::isnan(empty[0].value));
}

TEST(Tolerance, BoundsRelativeToTheBaseline) {
  const std::map<std::string, double> baseline{{"p99_ms", 20}};
  WindowRules rules;
  rules.baseline = &baseline;
  auto ok = evaluate({expect("p99_ms", {}, 1.5)}, values({10, 29}), rules);
  EXPECT_EQ(ok[0].outcome, Outcome::kOk);
  EXPECT_EQ(ok[0].expectation, "<= 1.5x baseline (<= 30)");
  auto bad = evaluate({expect("p99_ms", {}, 1.5)}, values({10, 31}), rules);
  EXPECT_EQ(bad[0].outcome, Outcome::kFailed);

  // While judging the baseline itself, a relative bound is the reference, not a test.
  WindowRules judging_baseline;
  auto ref = evaluate({expect("p99_ms", {}, 1.5)}, values({20}), judging_baseline);
  EXPECT_EQ(ref[0].outcome, Outcome::kOk);
  EXPECT_NE(ref[0].expectation.find("this is the baseline"), std::string::npos);

  // No baseline value for the aggregate: inconclusive, not a pass.
  const std::map<std::string, double> none;
  rules.baseline = &none;
  EXPECT_EQ(evaluate({expect("p99_ms", {}, 1.5)}, values({1}), rules)[0].outcome,
            Outcome::kInconclusive);
}

TEST(Tolerance, HttpFailuresAreDataAndCountInErrorRatio) {
  auto w = values({10, 10, 10});
  w.push_back(failed("Connection refused"));
  WindowRules rules;  // ErrorPolicy::kData
  auto r = evaluate({expect("error_ratio", 0.2), expect("max_ms", 5000)}, w, rules);
  EXPECT_EQ(r[0].value, 0.25);
  EXPECT_EQ(r[0].outcome, Outcome::kFailed);
  EXPECT_EQ(r[1].value, 2000);  // the failed request's latency counts
}

TEST(Tolerance, MetricProbeErrorsAreNeverCountedAsHealthy) {
  auto w = values({1, 1, 1});
  w.push_back(failed("Prometheus: connection refused"));
  WindowRules rules;
  rules.errors = ErrorPolicy::kFail;
  auto r = evaluate({expect("max", 5)}, w, rules);
  EXPECT_EQ(r[0].outcome, Outcome::kError);
  EXPECT_EQ(r[0].note, "1 of 4 readings failed (last: Prometheus: connection refused)");
  EXPECT_EQ(r[0].value, 1);  // the failed reading has no value

  rules.errors = ErrorPolicy::kIgnore;
  EXPECT_EQ(evaluate({expect("max", 5)}, w, rules)[0].outcome, Outcome::kOk);
}

}  // namespace
}  // namespace chaos::hypothesis
