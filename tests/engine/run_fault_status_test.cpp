// A run asks each running fault for its status every status_every and once after its stop
// (before destroy), and stores every answer: the final one is the whole run's figures.
#include "engine/run_fixture.h"

namespace chaos::engine::testing {
namespace {

boost::json::object parsed(const std::string& json) { return boost::json::parse(json).as_object(); }

TEST_F(RunTest, EveryRunningFaultsStatusIsPolledAndTheFinalOneTakenAfterItsStop) {
  auto outcome = run(R"(experiment { title = "t",
    method = { fault "fake" { file = "${F}", level = 3, duration = "4500ms" } } })");
  ASSERT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  auto statuses = store_->fault_statuses(outcome.run_id, /*final_only=*/false);
  ASSERT_TRUE(statuses.is_ok()) << statuses.status().message();
  // Polled at 1, 2, 3 and 4 s while it ran, then once after the stop at 4.5 s.
  ASSERT_EQ(statuses->size(), 5u);
  for (size_t i = 0; i < statuses->size(); ++i) {
    const auto& s = (*statuses)[i];
    EXPECT_EQ(s.fault_id, 1);
    EXPECT_EQ(s.name, "fake-1");
    EXPECT_EQ(s.kind, "fake");
    EXPECT_EQ(s.final, i == 4);
    EXPECT_EQ(parsed(s.status_json).at("status_calls").as_int64(), static_cast<int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ(s.unix_ms - (*statuses)[i - 1].unix_ms, i == 4 ? 500 : 1000);
    }
  }
  const auto final_status = parsed(statuses->back().status_json);
  EXPECT_FALSE(final_status.at("started").as_bool());  // taken after the stop
  EXPECT_EQ(final_status.at("level").as_int64(), 3);
  auto finals = store_->fault_statuses(outcome.run_id, /*final_only=*/true);
  ASSERT_TRUE(finals.is_ok());
  ASSERT_EQ(finals->size(), 1u);
  EXPECT_EQ(finals->front().status_json, statuses->back().status_json);
}

TEST_F(RunTest, EachFaultGetsItsOwnFinalStatusAndPollingStopsWithTheLastFault) {
  auto outcome =
      run(R"(experiment { title = "t", method = function()
    local a = chaos.inject("fake", { file = "${DIR}/a" })
    local b = chaos.inject("fake", { file = "${DIR}/b", level = 5 })
    chaos.sleep("1500ms")
    a:stop()
    chaos.sleep("2s")
  end })",
          {}, [](RunConfig& config) { config.status_every = std::chrono::milliseconds(500); });
  ASSERT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  auto statuses = store_->fault_statuses(outcome.run_id, false);
  ASSERT_TRUE(statuses.is_ok());
  size_t polled_a = 0, polled_b = 0;
  for (const auto& s : *statuses) {
    if (!s.final) ++(s.fault_id == 1 ? polled_a : polled_b);
  }
  // At 1.5 s (and 3.5 s) the script's wake-up was set before that poll, so it runs first.
  EXPECT_EQ(polled_a, 2u);  // 0.5, 1.0 s
  EXPECT_EQ(polled_b, 6u);  // every 0.5 s until the rollback at 3.5 s
  auto finals = store_->fault_statuses(outcome.run_id, true);
  ASSERT_TRUE(finals.is_ok());
  ASSERT_EQ(finals->size(), 2u);
  EXPECT_EQ(parsed((*finals)[1].status_json).at("level").as_int64(), 5);
}

}  // namespace
}  // namespace chaos::engine::testing
