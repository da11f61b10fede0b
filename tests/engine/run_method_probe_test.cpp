// A method that reads its probes: chaos.probe returns a probe's recent window, chaos.wait_for
// waits (yielding, so sampling and aborts go on) until a condition holds or its timeout passes.
// Virtual time (ManualClock), the fake fault kind, and a probe that reads the fault's level.
#include "engine/run_fixture.h"

namespace chaos::engine::testing {
namespace {

using journal::EventKind;

// level_probe "x" { file = PATH }: 100 ms per level of the fake fault writing PATH ("on" is
// level 1, "on N" level N, anything else 0), so what the method sets is what the probe sees.
double level_of(const std::string& text) {
  const int level = text == "on" ? 1 : text.rfind("on ", 0) == 0 ? std::stoi(text.substr(3)) : 0;
  return 100.0 * level;
}

class MethodProbeTest : public RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    ASSERT_TRUE(kinds_.add(std::make_unique<FileProbeKind>("level_probe", level_of)).is_ok());
  }
  // The lines the script logged (chaos.log), in order.
  std::vector<std::string> logged() const {
    std::vector<std::string> lines;
    for (const auto& e : observer_.events) {
      if (e.kind == EventKind::kLog) lines.push_back(e.message);
    }
    return lines;
  }
};

// The probe "svc" on the fault's level, healthy up to 1000 ms, and `method`.
std::string experiment(const std::string& method) {
  return R"(experiment {
  title = "t",
  steady_state = {
    level_probe "svc" { file = "${F}", every = "100ms", min_samples = 3,
                        expect = { p99_ms = 1000 } },
  },
  method = )" + method + R"(,
  recovery = { within = "5s" },
})";
}

TEST_F(MethodProbeTest, AMethodRaisesAFaultUntilTheProbeItReadsCrossesALine) {
  auto outcome = run(experiment(R"(function()
    local before = chaos.probe("svc")
    chaos.log(string.format("before: %s, p50 %.0f, error_ratio %.2f", tostring(before.count >= 3),
                            before.p50_ms, before.error_ratio))
    local f = chaos.inject("fake", { file = "${F}", level = 1 })
    for level = 1, 10 do
      f:update { level = level }
      local settled = chaos.wait_for(function()
        local w = chaos.probe("svc", { window = "300ms" })
        return w.count >= 3 and w.min == level * 100
      end, { timeout = "5s", every = "100ms" })
      if not settled then error("the probe never saw level " .. level) end
      local p99 = chaos.probe("svc", { window = "300ms" }).p99
      chaos.log(string.format("level %d: p99 %.0f", level, p99))
      if p99 > 450 then chaos.log("tipping point: level " .. level) return end
    end
  end)"));
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  // The default window is the probe's `window`, 2s: the baseline's samples, all 0 ms.
  EXPECT_EQ(logged(), (std::vector<std::string>{
                          "before: true, p50 0, error_ratio 0.00", "level 1: p99 100",
                          "level 2: p99 200", "level 3: p99 300", "level 4: p99 400",
                          "level 5: p99 500", "tipping point: level 5"}));
  EXPECT_EQ(test::read_file(file("fault")), "off");
}

TEST_F(MethodProbeTest, WaitForReturnsFalseOnceItsTimeoutHasPassed) {
  auto outcome = run(experiment(R"(function()
    chaos.inject("fake", { file = "${F}" })
    local t0 = chaos.now()
    local tries = 0
    local ok = chaos.wait_for(function()
      tries = tries + 1
      return chaos.probe("svc").p50 > 1000
    end, { timeout = "2s", every = "250ms" })
    chaos.log(string.format("%s after %.3f s and %d tries", tostring(ok), chaos.now() - t0, tries))
    ok = chaos.wait_for(function() return true end, { timeout = "1s" })
    chaos.log(string.format("%s after %.3f s", tostring(ok), chaos.now() - t0))
  end)"));
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  // Tried at 0, 0.25 ... 2 s: nine tries, then false exactly at the timeout.
  EXPECT_EQ(logged(), (std::vector<std::string>{"false after 2.000 s and 9 tries",
                                                "true after 2.000 s"}));
}

TEST_F(MethodProbeTest, AnAbortEndsAWaitAtOnceAndRollsBack) {
  const SteadyTime start = clock_.now();
  auto outcome = run(experiment(R"(function()
    chaos.inject("fake", { file = "${F}" })
    chaos.wait_for(function() return false end, { timeout = "1h" })
    chaos.log("the wait went on")
  end)"),
                     abort_when_a_fault_starts("the operator said stop"));
  EXPECT_EQ(outcome.verdict, Verdict::kAborted);
  EXPECT_EQ(outcome.reason, "the operator said stop");
  EXPECT_EQ(test::read_file(file("fault")), "off");
  EXPECT_TRUE(logged().empty());
  EXPECT_LT(clock_.now() - start, std::chrono::minutes(1));
}

TEST_F(MethodProbeTest, AGuardrailStillAbortsWhileTheMethodWaits) {
  auto outcome = run(R"(experiment {
  title = "t",
  steady_state = {
    level_probe "svc" { file = "${F}", every = "100ms", min_samples = 3,
                        expect = { p99_ms = 1000 } },
  },
  guardrails = {
    level_probe "guard" { file = "${F}", every = "100ms", window = "1s", min_samples = 2,
                          expect = { p99_ms = 250 } },
  },
  method = function()
    local f = chaos.inject("fake", { file = "${F}", level = 1 })
    chaos.wait_for(function() return chaos.probe("guard").p99 > 100 end, { timeout = "5s" })
    f:update { level = 3 }
    chaos.wait_for(function() return false end, { timeout = "1h" })
  end,
  recovery = { within = "5s" },
})");
  EXPECT_EQ(outcome.verdict, Verdict::kAborted);
  EXPECT_EQ(outcome.reason, "guardrail 'guard' broke (p99_ms 300, expected <= 250)");
  EXPECT_EQ(test::read_file(file("fault")), "off");
}

TEST_F(MethodProbeTest, AnUnknownProbeNameIsAnErrorAtItsLineBeforeAnythingIsInjected) {
  auto outcome = run(experiment(R"(function()
    chaos.inject("fake", { file = "${F}" })
    chaos.wait_for(function()
      return chaos.probe("scv").p99 > 1
    end, { timeout = "1s" })
  end)"));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  // Found by the dry run that validates the experiment: nothing was injected.
  EXPECT_EQ(outcome.reason,
            "exp.lua:10: chaos.probe: the experiment has no probe named 'scv' (its probes: svc)");
  EXPECT_TRUE(observer_.started.empty());
}

TEST_F(MethodProbeTest, TheCpuBudgetStopsARunawayConditionAndRollsBack) {
  // The dry run tries the condition too, so the loop is reached only in the real run: once
  // the probe has seen the fault (in the dry run, max is NaN).
  auto outcome = run(experiment(R"(function()
    chaos.inject("fake", { file = "${F}" })
    chaos.wait_for(function()
      if chaos.probe("svc").max > 0 then
        while true do end
      end
      return false
    end, { timeout = "10s" })
  end)"));
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_NE(outcome.reason.find("exp.lua:11: stopped: ran for more than 100 ms without yielding"),
            std::string::npos)
      << outcome.reason;
  EXPECT_EQ(test::read_file(file("fault")), "off");
}

}  // namespace
}  // namespace chaos::engine::testing
