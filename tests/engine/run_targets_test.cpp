// The target allowlist in a run (RunConfig::targets), through engine/run.h in virtual time: a
// probe whose url is outside it ends the run errored while validating, before the baseline
// (so before any sample), and every run stores the allowlist it ran with.
#include "engine/run_fixture.h"

namespace chaos::engine::testing {
namespace {

using journal::Phase;

const std::string kFileProbeExperiment = R"(experiment {
  title = "t",
  steady_state = { file_probe "svc" { file = "${F}", every = "100ms", min_samples = 3,
                                      expect = { p99_ms = 1000 } } },
  method = function() chaos.sleep("1s") end,
  baseline = { min = "0s" },
})";

boost::json::value allowed_targets(const store::RunRecord& run) {
  return boost::json::parse(run.summary_json).at("allowed_targets");
}

TEST_F(RunTest, ARunStoresTheDefaultLoopbackAllowlist) {
  auto outcome = run(kFileProbeExperiment);
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  EXPECT_EQ(allowed_targets(store_->get_run(outcome.run_id).value()),
            boost::json::value(boost::json::array{"127.0.0.0/8", "::1/128"}));
}

TEST_F(RunTest, AProbeOutsideTheAllowlistErrorsBeforeTheBaseline) {
  const std::string source = R"(experiment {
  title = "t",
  steady_state = { http_probe "checkout" { url = "http://127.0.0.3:9/", every = "100ms",
                                            expect = { p99_ms = 1000 } } },
  method = function() chaos.sleep("1s") end,
})";
  auto outcome = run(source, {}, [](RunConfig& config) {
    config.targets = TargetAllowlist::parse({"127.0.0.2/32"}).value();
  });
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_NE(outcome.reason.find("exp.lua:3: http_probe \"checkout\": url: '127.0.0.3' is refused "
                                "by the target allowlist: no rule matches it (rules: "
                                "127.0.0.2/32 (from --allow-target))"),
            std::string::npos)
      << outcome.reason;
  EXPECT_EQ(std::count(observer_.phases.begin(), observer_.phases.end(), Phase::kBaseline), 0);
  EXPECT_TRUE(store_->samples(outcome.run_id).value().empty());
  EXPECT_EQ(allowed_targets(store_->get_run(outcome.run_id).value()),
            boost::json::value(boost::json::array{"127.0.0.2/32"}));
}

TEST_F(RunTest, AProbeOnAnAllowedNameIsSampled) {
  // localhost allowed by name; nothing listens on port 9, so each sample is an error — but
  // it is sampled, which is what the allowlist decides.
  const std::string source = R"(experiment {
  title = "t",
  steady_state = { http_probe "checkout" { url = "http://localhost:9/", every = "100ms",
                                            min_samples = 2, expect = { p99_ms = 1000 } } },
  method = function() chaos.sleep("1s") end,
  baseline = { min = "0s" },
})";
  auto outcome = run(source, {}, [](RunConfig& config) {
    config.targets = TargetAllowlist::parse({"localhost"}).value();
  });
  EXPECT_NE(outcome.verdict, Verdict::kErrored) << outcome.reason;
  EXPECT_FALSE(store_->samples(outcome.run_id).value().empty());
}

}  // namespace
}  // namespace chaos::engine::testing
