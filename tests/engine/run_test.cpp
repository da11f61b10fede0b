// Every verdict and exit path of a run, through engine/run.h itself: a ManualClock, a fake
// fault kind whose effect is a file, a probe that reads that file, a temporary store. Each
// runs in virtual time (no real waiting) except the CPU budget's 100 ms of real spinning.
#include "engine/run_fixture.h"
#include "store/raw_sqlite.h"

namespace chaos::engine::testing {
namespace {

using journal::EventKind;
using journal::Phase;

// A probe on the fault's file: healthy below `max` ms. The fault reads 500, its absence 100.
std::string experiment(const std::string& max, const std::string& method,
                       const std::string& extra = "") {
  return R"(experiment {
  title = "t",
  steady_state = {
    file_probe "svc" { file = "${F}", every = "100ms", min_samples = 3,
                       expect = { p99_ms = )" + max + R"( } },
  },
  method = )" + method + R"(,
  recovery = { within = "5s" },)" + extra + R"(
})";
}

const std::string kTwoSecondFault = R"({ fault "fake" { file = "${F}", duration = "2s" } })";

TEST_F(RunTest, APassedRunGoesThroughEveryPhaseAndRollsBack) {
  auto outcome = run(experiment("1000", kTwoSecondFault));
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  EXPECT_EQ(exit_code(outcome.verdict), 0);
  EXPECT_EQ(observer_.phases, (std::vector<Phase>{Phase::kValidating, Phase::kBaseline,
                                                   Phase::kInjecting, Phase::kRecovering,
                                                   Phase::kDone}));
  ASSERT_EQ(observer_.started.size(), 1u);
  ASSERT_EQ(observer_.ended.size(), 1u);
  EXPECT_TRUE(observer_.ended[0].second);
  EXPECT_EQ(test::read_file(file("fault")), "off");
  auto run = store_->get_run(outcome.run_id).value();
  EXPECT_EQ(run.state, "done");
  EXPECT_EQ(run.verdict, "passed");
  EXPECT_NE(run.summary_json.find("\"time_to_recover_ms\":"), std::string::npos);
  EXPECT_EQ(run.summary_json.find("\"time_to_recover_ms\":null"), std::string::npos);
  EXPECT_EQ(stored_kinds(outcome.run_id).back(), "verdict");
}

TEST_F(RunTest, AToleranceBrokenWhileTheFaultIsOnDeviates) {
  auto outcome = run(experiment("300", kTwoSecondFault));
  EXPECT_EQ(outcome.verdict, Verdict::kDeviated);
  EXPECT_EQ(exit_code(outcome.verdict), 1);
  EXPECT_EQ(outcome.reason,
            "'svc' broke its tolerance while the faults were on (p99_ms 500, expected <= 300)");
  EXPECT_TRUE(observer_.saw(EventKind::kRecovered));  // and it came back after rollback
  EXPECT_EQ(test::read_file(file("fault")), "off");
}

TEST_F(RunTest, ABaselineThatDoesNotHoldInjectsNothing) {
  test::write_file(file("fault"), "on, before the run");
  auto outcome = run(experiment("300", kTwoSecondFault));
  EXPECT_EQ(outcome.verdict, Verdict::kNotSteady);
  EXPECT_EQ(exit_code(outcome.verdict), 2);
  EXPECT_TRUE(observer_.started.empty());
  EXPECT_FALSE(observer_.saw(EventKind::kFaultStart));
  EXPECT_EQ(observer_.phases.back(), Phase::kDone);
  EXPECT_EQ(test::read_file(file("fault")), "on, before the run");  // untouched
}

// The dry run executes the method too, so an error it would meet stops the run before anything
// starts. These scripts fail only where the real run differs: a second fault cannot start.
const std::string kFailsForReal =
    R"(local failed_for_real = false
local function second_fault_fails()
  failed_for_real = not pcall(chaos.inject, "fake", { file = "${F}2", fail_start = true })
  return failed_for_real
end
)";

TEST_F(RunTest, ALuaErrorEndsTheRunErroredWithItsLineAndRollsBack) {
  auto outcome = run(kFailsForReal + experiment("1000", R"(function()
    chaos.inject("fake", { file = "${F}" })
    chaos.sleep("1s")
    if second_fault_fails() then error("boom") end
  end)"));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_EQ(exit_code(outcome.verdict), 4);
  EXPECT_EQ(outcome.reason, "exp.lua:15: boom");
  EXPECT_EQ(test::read_file(file("fault")), "off");
  auto kinds = stored_kinds(outcome.run_id);
  auto error = std::find(kinds.begin(), kinds.end(), "error");
  ASSERT_NE(error, kinds.end());
  EXPECT_NE(std::find(error, kinds.end(), "fault_stop"), kinds.end());  // rolled back after
  EXPECT_EQ(observer_.phases.back(), Phase::kErrored);
}

TEST_F(RunTest, APluginThatCannotStartErrorsAndNothingIsInjected) {
  auto outcome = run(experiment(
      "1000", R"({ fault "fake" { file = "${F}", fail_start = true, duration = "1s" } })"));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_EQ(outcome.reason,
            "exp.lua:7: fake start: refusing to start, as asked (fail_start)");
  EXPECT_TRUE(observer_.started.empty());
  EXPECT_TRUE(observer_.saw(EventKind::kFaultStartFailed));
  EXPECT_EQ(test::read_file(file("fault")), "");
}

TEST_F(RunTest, APluginWhoseStopFailsMakesTheRunErrored) {
  auto outcome = run(experiment(
      "1000", R"({ fault "fake" { file = "${F}", fail_stop = true, duration = "1s" } })"));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_EQ(outcome.reason,
            "a fault did not stop when its duration was over: fake stop: refusing to stop, as "
            "asked (fail_stop)");
  EXPECT_TRUE(observer_.saw(EventKind::kFaultStopFailed));
  ASSERT_EQ(observer_.ended.size(), 1u);
  EXPECT_FALSE(observer_.ended[0].second);
}

TEST_F(RunTest, AJournalThatCannotTakeTheFaultStartRefusesTheFault) {
  store::testing::raw_query(db_path(),
                            "CREATE TRIGGER full BEFORE INSERT ON events WHEN NEW.kind = "
                            "'fault_start' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
  auto outcome = run(experiment("1000", kTwoSecondFault));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_NE(outcome.reason.find("the journal cannot be written"), std::string::npos)
      << outcome.reason;
  EXPECT_NE(outcome.reason.find("disk full (test)"), std::string::npos) << outcome.reason;
  EXPECT_TRUE(observer_.started.empty());  // the effect was refused
  EXPECT_EQ(test::read_file(file("fault")), "");
  EXPECT_EQ(store_->get_run(outcome.run_id)->verdict, "errored");
}

TEST_F(RunTest, AJournalThatCannotTakeATransitionKeepsTheRunOutOfIt) {
  store::testing::raw_query(db_path(),
                            "CREATE TRIGGER full BEFORE INSERT ON events WHEN NEW.phase = "
                            "'injecting' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
  auto outcome = run(experiment("1000", kTwoSecondFault));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_EQ(observer_.phases,
            (std::vector<Phase>{Phase::kValidating, Phase::kBaseline, Phase::kErrored}));
  EXPECT_TRUE(observer_.started.empty());
}

TEST_F(RunTest, ABrokenGuardrailAbortsAndRollsBackAtOnce) {
  auto outcome = run(experiment("1000", R"({ fault "fake" { file = "${F}", duration = "60s" } })",
                                R"(
  guardrails = {
    file_probe "guard" { file = "${F}", every = "100ms", window = "1s", min_samples = 2,
                         expect = { p99_ms = 300 } },
  },)"));
  EXPECT_EQ(outcome.verdict, Verdict::kAborted);
  EXPECT_EQ(exit_code(outcome.verdict), 3);
  EXPECT_EQ(outcome.reason, "guardrail 'guard' broke (p99_ms 500, expected <= 300)");
  EXPECT_EQ(test::read_file(file("fault")), "off");
  auto run = store_->get_run(outcome.run_id).value();
  EXPECT_EQ(run.summary_json.find("\"abort_latency_ms\":null"), std::string::npos);
  EXPECT_TRUE(observer_.saw(EventKind::kAbortLatency));
  EXPECT_TRUE(observer_.saw(EventKind::kRecovered));  // recovery is still checked
  EXPECT_EQ(observer_.phases.back(), Phase::kAborted);
}

TEST_F(RunTest, AnOperatorAbortRollsBackAndSkipsTheRecoveryCheck) {
  auto outcome = run(experiment("1000", R"({ fault "fake" { file = "${F}", duration = "60s" } })"),
                     abort_when_a_fault_starts("the operator said stop"));
  EXPECT_EQ(outcome.verdict, Verdict::kAborted);
  EXPECT_EQ(outcome.reason, "the operator said stop");
  EXPECT_EQ(test::read_file(file("fault")), "off");
  EXPECT_FALSE(observer_.saw(EventKind::kRecovered));
  auto kinds = stored_kinds(outcome.run_id);
  auto abort = std::find(kinds.begin(), kinds.end(), "abort");
  ASSERT_NE(abort, kinds.end());
  EXPECT_NE(std::find(abort, kinds.end(), "fault_stop"), kinds.end());
}

TEST_F(RunTest, TheCpuBudgetStopsARunawayMethodAndRollsBack) {
  auto outcome = run(kFailsForReal + experiment("1000", R"(function()
    chaos.inject("fake", { file = "${F}" })
    if second_fault_fails() then while true do end end
  end)"));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_NE(outcome.reason.find("exp.lua:14: stopped: ran for more than 100 ms without yielding"),
            std::string::npos)
      << outcome.reason;
  EXPECT_EQ(test::read_file(file("fault")), "off");
}

// Issue 17.6: rollbacks that never end must not keep an aborted run from ending.
TEST_F(RunTest, RollbacksThatHangAreAbandonedAtTheirDeadline) {
  const SteadyTime start = clock_.now();
  auto outcome = run(experiment("1000", R"({ fault "fake" { file = "${F}", duration = "60s" } })",
                                R"(
  rollbacks = function() chaos.sleep("1h") end,)"),
                     [&](engine::Run& r) {
                       observer_.when_started = [&r](const FaultInfo&) { r.request_abort("stop"); };
                     });
  EXPECT_EQ(outcome.verdict, Verdict::kAborted);  // the first cause
  EXPECT_LT(clock_.now() - start, std::chrono::minutes(1));
  bool abandoned = false;
  for (const auto& e : observer_.events) {
    abandoned |= e.kind == EventKind::kError &&
                 e.message == "rollbacks: not finished within 10s; abandoned";
  }
  EXPECT_TRUE(abandoned);
  EXPECT_EQ(store_->get_run(outcome.run_id)->state, "done");
}

TEST_F(RunTest, ASecondAbortRequestCutsTheRollbacksShort) {
  const SteadyTime start = clock_.now();
  auto outcome = run(experiment("1000", R"({ fault "fake" { file = "${F}", duration = "60s" } })",
                                R"(
  rollbacks = function() chaos.sleep("1h") end,)"),
                     [&](engine::Run& r) {
                       observer_.when_started = [&r](const FaultInfo&) {
                         r.request_abort("stop");
                         r.request_abort("stop now");
                       };
                     });
  EXPECT_EQ(outcome.verdict, Verdict::kAborted);
  EXPECT_LT(clock_.now() - start, std::chrono::seconds(10));
  EXPECT_EQ(test::read_file(file("fault")), "off");
}

TEST_F(RunTest, TheFirstCauseWinsOverWhatFollowsIt) {
  auto outcome = run(kFailsForReal + experiment("1000", R"(function()
    if second_fault_fails() then error("first") end
  end)", R"(
  rollbacks = function() if failed_for_real then error("second") end end,)"));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_EQ(outcome.reason, "exp.lua:13: first");
  int errors = 0;
  for (const auto& e : observer_.events) errors += e.kind == EventKind::kError;
  EXPECT_EQ(errors, 2);  // the consequence is journaled, but is not the reason
}

}  // namespace
}  // namespace chaos::engine::testing
