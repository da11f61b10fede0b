// The baseline's warm-up and length (experiment { baseline = { warmup, min, timeout } }),
// through engine/run.h in virtual time: warm-up samples are stored as "warmup" and never
// judged, the baseline lasts at least `min` after the warm-up, and fields that cannot work
// together are refused naming the field.
#include "engine/run_fixture.h"

namespace chaos::engine::testing {
namespace {

using journal::Phase;

// warming_probe "x" { bad = N }: 500 ms for its first N samples (a cold cache, a rate over a
// window that still holds the seconds before the run), 100 ms after.
class WarmingProbe final : public probes::Probe {
 public:
  explicit WarmingProbe(int bad) : bad_(bad) {}
  probes::ProbeSample sample(Clock& clock) override {
    probes::ProbeSample s;
    s.at = clock.now();
    s.unix_ms = clock.unix_ms();
    s.value = taken_++ < bad_ ? 500 : 100;
    return s;
  }
  std::string unit() const override { return "ms"; }

 private:
  int bad_;
  int taken_ = 0;
};

class WarmingProbeKind final : public ProbeKind {
 public:
  WarmingProbeKind() : ProbeKind("warming_probe") {}
  std::vector<std::string> fields() const override { return {"bad"}; }
  Status check(const boost::json::object& f) const override {
    const auto* bad = f.if_contains("bad");
    return bad && bad->is_int64() ? Status::ok()
                                  : Status::invalid_argument("bad: expected a whole number");
  }
  Result<std::unique_ptr<probes::Probe>> make(const boost::json::object& f) const override {
    return std::unique_ptr<probes::Probe>(
        std::make_unique<WarmingProbe>(static_cast<int>(f.at("bad").as_int64())));
  }
  hypothesis::ErrorPolicy errors(const boost::json::object&) const override {
    return hypothesis::ErrorPolicy::kData;
  }
  std::string describe(const boost::json::object&) const override { return "warming"; }
};

class RunBaselineTest : public RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    ASSERT_TRUE(kinds_.add(std::make_unique<WarmingProbeKind>()).is_ok());
  }

  // A probe sampled every 100 ms whose first `bad` samples read 500 (the tolerance is 300),
  // and a method that only waits.
  static std::string experiment(int bad, const std::string& baseline) {
    return R"(experiment {
  title = "t",
  steady_state = {
    warming_probe "svc" { bad = )" +
           std::to_string(bad) + R"(, every = "100ms", min_samples = 5,
                          expect = { p99_ms = 300 } },
  },
  method = function() chaos.sleep("1s") end,
  recovery = { within = "5s" },
  )" + baseline +
           R"(
})";
  }

  std::vector<store::SampleRecord> samples(int64_t run_id, const std::string& phase) {
    std::vector<store::SampleRecord> out;
    for (auto& s : store_->samples(run_id).value()) {
      if (s.phase == phase) out.push_back(s);
    }
    return out;
  }

  // When the run entered `phase`, from the stored journal (virtual unix ms).
  int64_t entered(int64_t run_id, const std::string& phase) {
    for (const auto& e : store_->events(run_id).value()) {
      if (e.kind == "phase" && e.phase == phase) return e.unix_ms;
    }
    ADD_FAILURE() << "never entered " << phase;
    return 0;
  }

  std::vector<store::CheckRecord> baseline_checks(int64_t run_id) {
    std::vector<store::CheckRecord> out;
    for (auto& c : store_->checks(run_id).value()) {
      if (c.phase == "baseline") out.push_back(c);
    }
    return out;
  }
};

TEST_F(RunBaselineTest, WithoutAWarmUpColdSamplesAreJudgedAndTheBaselineIsNotSteady) {
  auto outcome = run(experiment(3, "baseline = { min = \"0s\" },"));
  EXPECT_EQ(outcome.verdict, Verdict::kNotSteady) << outcome.reason;
  EXPECT_TRUE(samples(outcome.run_id, "warmup").empty());
}

TEST_F(RunBaselineTest, WarmUpSamplesAreStoredAsWarmupAndNotJudged) {
  // Three cold samples at 0, 100 and 200 ms fall in a 250 ms warm-up.
  auto outcome = run(experiment(3, "baseline = { warmup = \"250ms\", min = \"0s\" },"));
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;

  auto warm = samples(outcome.run_id, "warmup");
  ASSERT_EQ(warm.size(), 3u);
  for (const auto& s : warm) EXPECT_EQ(s.value, 500);  // stored as measured
  auto judged = samples(outcome.run_id, "baseline");
  ASSERT_GE(judged.size(), 5u);
  for (const auto& s : judged) EXPECT_EQ(s.value, 100);

  // The baseline's checks counted only the judged samples.
  auto checks = baseline_checks(outcome.run_id);
  ASSERT_FALSE(checks.empty());
  EXPECT_EQ(checks[0].samples, static_cast<int64_t>(judged.size()));
  EXPECT_EQ(checks[0].value, 100);
  EXPECT_EQ(checks[0].outcome, "ok");

  bool told = false;
  for (const auto& e : store_->events(outcome.run_id).value()) {
    told |= e.message.find("warming up for 250ms") != std::string::npos;
  }
  EXPECT_TRUE(told) << "the journal says the baseline warms up";
}

TEST_F(RunBaselineTest, TheBaselineLastsAtLeastMinAfterTheWarmUp) {
  // Five samples at 100 ms would take 0.5 s; min asks for 3 s after a 1 s warm-up.
  auto outcome = run(experiment(0, "baseline = { warmup = \"1s\", min = \"3s\" },"));
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  const int64_t length = entered(outcome.run_id, "injecting") - entered(outcome.run_id, "baseline");
  EXPECT_GE(length, 4000);
  EXPECT_LT(length, 4300);
  EXPECT_EQ(samples(outcome.run_id, "warmup").size(), 10u);  // 0, 100, ..., 900 ms
  EXPECT_GE(samples(outcome.run_id, "baseline").size(), 30u);
}

TEST_F(RunBaselineTest, TheDefaultMinMakesAFastProbeSampleForTwoSeconds) {
  auto outcome = run(experiment(0, ""));
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  const int64_t length = entered(outcome.run_id, "injecting") - entered(outcome.run_id, "baseline");
  EXPECT_GE(length, 2000);
  EXPECT_LT(length, 2300);
}

TEST_F(RunBaselineTest, AnExperimentWithoutProbesDoesNotWaitForABaseline) {
  auto outcome = run(R"(experiment {
  title = "t",
  method = function() chaos.sleep("1s") end,
  baseline = { warmup = "5s", min = "10s" },
})");
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  EXPECT_EQ(entered(outcome.run_id, "injecting") - entered(outcome.run_id, "baseline"), 0);
}

TEST_F(RunBaselineTest, TheDefaultMinIsCutToFitAShortTimeout) {
  auto outcome = run(experiment(0, "baseline = { timeout = \"1s\" },"));
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  EXPECT_LE(entered(outcome.run_id, "injecting") - entered(outcome.run_id, "baseline"), 1000);
}

TEST_F(RunBaselineTest, FieldsThatCannotWorkTogetherAreRefusedNamingTheField) {
  struct Case {
    std::string baseline;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {"baseline = { warmup = \"30s\" },",
            "exp.lua:1: experiment: baseline.warmup (30s) must be shorter than "
            "baseline.timeout (30s): nothing would be left of the baseline to judge"},
           {"baseline = { warmup = \"5s\", min = \"10s\", timeout = \"12s\" },",
            "exp.lua:1: experiment: baseline.min (10s) does not fit: baseline.warmup (5s) plus "
            "baseline.min is longer than baseline.timeout (12s)"},
           {"baseline = { warmup = \"soon\" },", "experiment: baseline.warmup: "},
           {"baseline = { min = 10 },", "experiment: baseline.min: expected a duration"},
           {"baseline = { length = \"10s\" },",
            "experiment: baseline: unknown field 'length' (known: warmup, min, timeout)"},
       }) {
    auto outcome = run(experiment(0, c.baseline));
    EXPECT_EQ(outcome.verdict, Verdict::kErrored) << c.baseline;
    EXPECT_NE(outcome.reason.find(c.message), std::string::npos)
        << c.baseline << "\n  got: " << outcome.reason;
    EXPECT_TRUE(observer_.started.empty());
  }
}

}  // namespace
}  // namespace chaos::engine::testing
