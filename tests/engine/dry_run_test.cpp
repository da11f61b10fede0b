// The Lua engine as `chaosctl validate` sees it: the sandbox, the budget, the experiment API's
// error messages (FILE:LINE: message), and parameter checks against a real plugin's schema.
#include <gtest/gtest.h>

#include "engine/dry_run.h"

namespace chaos::engine {
namespace {

class DryRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.load_directories({std::string(CHAOS_TEST_PLUGIN_ROOT) + "/ok"}).is_ok());
  }
  Result<DryRunReport> check(const std::string& source) {
    SandboxLimits limits;
    limits.slice_budget = std::chrono::milliseconds(300);
    return dry_run(source, "exp.lua", registry_, limits);
  }
  std::string error_of(const std::string& source) {
    auto r = check(source);
    return r.is_ok() ? "(no error)" : r.status().message();
  }
  plugin_host::PluginRegistry registry_;
};

const char* kValid = R"(
experiment {
  title = "t",
  steady_state = {
    http_probe "home" { url = "http://127.0.0.1:1/", expect = { p99_ms = 100 } },
  },
  method = {
    fault "marker" { file = "/tmp/x", duration = "2s" },
    fault "marker" { file = "/tmp/y", level = 4, after = "1s", duration = "5s" },
  },
}
)";

TEST_F(DryRunTest, AcceptsAValidExperimentAndPlansItsFaults) {
  auto report = check(kValid);
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  EXPECT_EQ(report->experiment.title, "t");
  ASSERT_EQ(report->experiment.probes.size(), 1u);
  EXPECT_EQ(report->experiment.probes[0].expect[0].aggregate, "p99_ms");
  EXPECT_EQ(*report->experiment.probes[0].expect[0].bound.max, 100);
  ASSERT_EQ(report->faults.size(), 2u);
  EXPECT_EQ(report->faults[1].at, std::chrono::seconds(1));
  EXPECT_NE(report->faults[1].params_json.find("\"level\":4"), std::string::npos);
  EXPECT_NE(report->faults[0].params_json.find("\"level\":1"), std::string::npos);  // default
  EXPECT_EQ(report->method_length, std::chrono::seconds(6));
}

TEST_F(DryRunTest, SyntaxErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("experiment {\n title = 'x'\n method = 1 }"),
            "exp.lua:3: '}' expected (to close '{' at line 1) near 'method'");
}

TEST_F(DryRunTest, SandboxHasNoOsExecuteNoIoNoRequire) {
  EXPECT_NE(error_of("os.execute('true')").find("exp.lua:1: attempt to call a nil value (field 'execute')"),
            std::string::npos)
      << error_of("os.execute('true')");
  EXPECT_NE(error_of("\nio.open('/etc/passwd')").find("exp.lua:2: undefined global 'io'"),
            std::string::npos);
  EXPECT_NE(error_of("require('os')").find("undefined global 'require'"), std::string::npos);
  EXPECT_NE(error_of("dofile('/etc/passwd')").find("undefined global 'dofile'"), std::string::npos);
  EXPECT_NE(error_of("loadfile('/etc/passwd')").find("undefined global 'loadfile'"), std::string::npos);
  EXPECT_NE(error_of("debug.sethook()").find("undefined global 'debug'"), std::string::npos);
}

TEST_F(DryRunTest, GlobalsAreStrict) {
  EXPECT_NE(error_of("x = 1").find("exp.lua:1: assignment to undeclared global 'x'"),
            std::string::npos);
  EXPECT_EQ(error_of("local y = chaos.slep"),
            "exp.lua:1: chaos.slep does not exist (known: inject, sleep, probe, wait_for, sweep, "
            "log, now)");
}

TEST_F(DryRunTest, BudgetStopsAnEndlessLoopEvenInsidePcall) {
  EXPECT_NE(error_of("\nwhile true do end").find("exp.lua:2: stopped: ran for more than 300 ms"),
            std::string::npos)
      << error_of("\nwhile true do end");
  const std::string swallowing = "while true do pcall(function() while true do end end) end";
  EXPECT_NE(error_of(swallowing).find("stopped: ran for more than"), std::string::npos);
}

TEST_F(DryRunTest, BudgetAppliesInsideTheMethod) {
  const std::string source = R"(
experiment { title = "t", method = function()
  chaos.sleep("1s")
  while true do end
end })";
  EXPECT_NE(error_of(source).find("exp.lua:4: stopped"), std::string::npos) << error_of(source);
}

TEST_F(DryRunTest, MemoryIsBounded) {
  EXPECT_NE(error_of("local s = string.rep('x', 1 << 30)").find("not enough memory"),
            std::string::npos);
}

TEST_F(DryRunTest, RuntimeErrorsInTheMethodNameTheLine) {
  const std::string source = "experiment { title = 't', method = function()\n"
                             "  chaos.sleep('1s')\n"
                             "  local t = nil\n"
                             "  return t.field\n"
                             "end }";
  EXPECT_NE(error_of(source).find("exp.lua:4: attempt to index a nil value (local 't')"),
            std::string::npos)
      << error_of(source);
}

TEST_F(DryRunTest, ApiMisuseIsReportedAtTheUsersLine) {
  EXPECT_EQ(error_of("experiment {\n  titel = 'x' }"),
            "exp.lua:1: experiment: unknown field 'titel' (known: title, description, seed, "
            "proxies, steady_state, guardrails, method, rollbacks, recovery, baseline)");
  EXPECT_EQ(error_of("experiment { method = {} }"),
            "exp.lua:1: experiment: 'title' is required (a short sentence)");
  EXPECT_EQ(error_of("local p = http_probe 'a' {\n url = 'ftp://x', expect = {p99_ms = 1} }"),
            "exp.lua:1: http_probe \"a\": 'url' is required and must start with http:// or https://");
  EXPECT_EQ(error_of("\nlocal p = http_probe 'a' { url = 'http://x', expect = { median = 1 } }"),
            "exp.lua:2: http_probe \"a\": expect: unknown aggregate 'median' (known: p50, p90, "
            "p95, p99, p999, max, min, mean, last — optionally with _ms, as in p99_ms — and "
            "error_ratio)");
  EXPECT_EQ(error_of("local p = http_probe 'a' { url = 'http://x',\n"
                     "  expect = { p99_ms = { max = 'twice the baseline' } } }"),
            "exp.lua:1: http_probe \"a\": expect.p99_ms.max: expected a number or a factor of "
            "the baseline like \"1.5x baseline\", got twice the baseline");
  EXPECT_NE(error_of("local f = fault 'marker' { file = 'x', duration = '10' }")
                .find("exp.lua:1: fault \"marker\": duration: '10' is not a duration"),
            std::string::npos);
  // Checked where the list is, named at the fault's own line (a sweep's fault has none).
  EXPECT_EQ(error_of("experiment { title = 't',\n  method = { fault 'marker' { file = 'x' } } }"),
            "exp.lua:2: fault \"marker\": 'duration' is required (how long the fault stays on), "
            "like duration = \"30s\"");
  EXPECT_NE(error_of("chaos.sleep('1s')").find("exp.lua:1: chaos.sleep can only be used inside"),
            std::string::npos);
  EXPECT_EQ(error_of("-- nothing"), "exp.lua: no experiment found; the file must call experiment { ... }");
}

TEST_F(DryRunTest, UnknownFaultKindsAndBadParametersNameTheStep) {
  const std::string unknown = "experiment { title = 't', method = {\n"
                              "  fault 'latencyy' { duration = '1s' } } }";
  EXPECT_EQ(error_of(unknown),
            "exp.lua:2: unknown fault kind 'latencyy' (loaded kinds: marker)");
  const std::string typo = "experiment { title = 't', method = {\n"
                           "  fault 'markr' { duration = '1s' } } }";
  EXPECT_EQ(error_of(typo),
            "exp.lua:2: unknown fault kind 'markr'; did you mean 'marker'? (loaded kinds: marker)");
  const std::string bad = "experiment { title = 't', method = {\n"
                          "  fault 'marker' { file = 'x', level = 99, duration = '1s' } } }";
  EXPECT_NE(error_of(bad).find("exp.lua:2: marker: level: 99 is above the maximum 10"),
            std::string::npos)
      << error_of(bad);
}

TEST_F(DryRunTest, InjectInAMethodFunctionIsCheckedAtItsLine) {
  const std::string source = "experiment { title = 't', method = function()\n"
                             "  local f = chaos.inject('marker', { file = 'x' })\n"
                             "  chaos.sleep('2s')\n"
                             "  f:update { level = 'high' }\n"
                             "end }";
  EXPECT_NE(error_of(source).find("exp.lua:4: marker: level: expected"), std::string::npos)
      << error_of(source);
}

TEST_F(DryRunTest, AnEndlessLoopOfSleepsIsCaught) {
  const std::string source = "experiment { title = 't', method = function()\n"
                             "  while true do chaos.sleep('1h') end\n"
                             "end }";
  EXPECT_NE(error_of(source).find("waits for more than 24 hours"), std::string::npos);
}

TEST_F(DryRunTest, GuardrailsAndBaselineFactorsAreRead) {
  auto report = check(R"(
experiment {
  title = "t",
  steady_state = {
    http_probe "p" { url = "http://127.0.0.1:1/", expect = { p99_ms = { max = "1.5x baseline" } } },
  },
  guardrails = {
    http_probe "g" { url = "http://127.0.0.1:1/", window = "1s", expect = { error_ratio = 0.5 } },
  },
  method = function() end,
})");
  ASSERT_TRUE(report.is_ok()) << report.status().message();
  const auto& probes = report->experiment.probes;
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_FALSE(probes[0].guardrail);
  EXPECT_EQ(*probes[0].expect[0].bound.max_x_baseline, 1.5);
  EXPECT_FALSE(probes[0].expect[0].bound.max.has_value());
  EXPECT_TRUE(probes[1].guardrail);
  EXPECT_EQ(probes[1].window, std::chrono::seconds(1));
  EXPECT_EQ(probes[1].min_samples, 3u);  // a guardrail's default
  EXPECT_EQ(probes[0].min_samples, 10u);
}

TEST_F(DryRunTest, ProxiesNeedAKindThatProvidesThem) {
  const std::string source = "experiment { title = 't', proxies = { db = { listen = '127.0.0.1:1', "
                             "upstream = '127.0.0.1:2' } }, method = function() end }";
  EXPECT_EQ(error_of(source),
            "exp.lua:1: proxies.db: no loaded plugin provides proxies (is the plugin directory "
            "right? `chaosctl plugins` lists what is loaded)");
}

// The old run started such a fault while reading the file, before the baseline.
TEST_F(DryRunTest, TheTopOfTheFileCannotStartAFault) {
  EXPECT_EQ(error_of("chaos.inject('marker', { file = '/tmp/x' })\n"
                     "experiment { title = 't', method = function() end }"),
            "exp.lua:1: faults start in the method or the rollbacks, not at the top of the file");
}

TEST_F(DryRunTest, FaultsAreHandlesThatCannotBeForged) {
  auto plan = check(R"(experiment { title = "t", method = function()
    local f = chaos.inject("marker", { file = "/tmp/x" })
    assert(type(f) == "userdata" and f.id == 1 and f.kind == "marker")
    local ok, err = pcall(function() f.id = 5 end)
    assert(not ok and err:find("a fault is read%-only"), err)
    f:update { level = 3 }
    f:stop()
  end })");
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  const std::string bad_update = error_of(R"(experiment { title = "t", method = function()
    local f = chaos.inject("marker", { file = "/tmp/x" })
    f:update { level = 30 }
  end })");
  EXPECT_EQ(bad_update.rfind("exp.lua:3: marker: level: 30 is above the maximum 10", 0), 0u)
      << bad_update;
}

// chaos.probe and chaos.wait_for: nothing is sampled in a dry run, so a probe reads count 0
// and NaN, and a wait tries its condition once and succeeds, so that a loop raising a fault
// until a probe breaks is checked to its last step (here: a level past the schema's 10).
TEST_F(DryRunTest, AMethodThatReadsProbesIsCheckedToItsLastStep) {
  const std::string source = R"(
experiment {
  title = "t",
  steady_state = {
    http_probe "home" { url = "http://127.0.0.1:1/", expect = { p99_ms = 100 } },
  },
  method = function()
    local w = chaos.probe("home")
    if w.count ~= 0 or w.p99 == w.p99 or w.error_ratio == w.error_ratio then
      error("a dry run has samples")
    end
    local f = chaos.inject("marker", { file = "/tmp/x" })
    for level = 1, LAST do
      f:update { level = level }
      chaos.wait_for(function() return chaos.probe("home", { window = "1s" }).p99 > 50 end,
                     { timeout = "10s" })
      if chaos.probe("home").p99 > 50 then return end
    end
  end,
}
)";
  auto replace = [&](const std::string& last) {
    std::string out = source;
    out.replace(out.find("LAST"), 4, last);
    return out;
  };
  auto ok = check(replace("10"));
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  EXPECT_EQ(ok->method_length, std::chrono::seconds(0));  // the waits took no virtual time
  EXPECT_EQ(error_of(replace("11")).substr(0, 38), "exp.lua:14: marker: level: 11 is above");
}

TEST_F(DryRunTest, ProbeAndWaitForMisuseIsAnErrorAtItsLine) {
  auto in_method = [&](const std::string& body) {
    return error_of(R"(experiment {
  title = "t",
  steady_state = {
    http_probe "home" { url = "http://127.0.0.1:1/", expect = { p99_ms = 100 } },
  },
  method = function()
    )" + body + R"(
  end,
})");
  };
  EXPECT_EQ(in_method("chaos.probe('hme')"),
            "exp.lua:7: chaos.probe: the experiment has no probe named 'hme' (its probes: home)");
  EXPECT_EQ(in_method("chaos.probe('home', { windw = '1s' })"),
            "exp.lua:7: chaos.probe: options: unknown field 'windw' (known: window)");
  EXPECT_NE(in_method("chaos.probe('home', { window = 'soon' })")
                .find("exp.lua:7: chaos.probe: window: "),
            std::string::npos);
  EXPECT_EQ(in_method("chaos.wait_for(function() return true end)"),
            "exp.lua:7: chaos.wait_for(condition, { timeout = \"30s\" [, every = \"250ms\"] }): "
            "'timeout' is required (how long to wait at most)");
  EXPECT_EQ(in_method("chaos.wait_for(true, { timeout = '1s' })"),
            "exp.lua:7: chaos.wait_for(condition, { timeout = \"30s\" [, every = \"250ms\"] }): "
            "condition: expected a function that returns true when the wait is over, got boolean");
  EXPECT_EQ(in_method("chaos.wait_for(function() end, { timeout = '1s', every = '1ms' })"),
            "exp.lua:7: chaos.wait_for: every: at least 10ms, got 1ms");
  EXPECT_EQ(in_method("chaos.wait_for(function() end, { timeout = '1s', evry = '1s' })"),
            "exp.lua:7: chaos.wait_for: options: unknown field 'evry' (known: timeout, every)");
  // An error inside the condition is the condition's line.
  EXPECT_EQ(in_method("chaos.wait_for(function()\n return chaos.probe('home').p99 + nil end,\n"
                      " { timeout = '1s' })"),
            "exp.lua:8: attempt to perform arithmetic on a nil value");
  EXPECT_EQ(error_of("chaos.probe('home')"),
            "exp.lua:1: chaos.probe: call experiment { ... } first");
  EXPECT_EQ(error_of(std::string(kValid) + "chaos.wait_for(function() end, { timeout = '1s' })"),
            "exp.lua:12: chaos.wait_for can only be used inside the method or rollbacks, not at "
            "the top of the file");
}

}  // namespace
}  // namespace chaos::engine

namespace chaos::engine {
namespace {

// sweep { ... } misuse is an error at the sweep's line, before anything is injected.
TEST_F(DryRunTest, SweepMisuseIsAnErrorAtItsLine) {
  auto with_sweep = [&](const std::string& fields) {
    return error_of(R"(experiment {
  title = "t",
  steady_state = {
    http_probe "home" { url = "http://127.0.0.1:1/", expect = { p99_ms = 100 } },
  },
  method = sweep { fault = fault "marker" { file = "/tmp/x" }, )" + fields + R"( },
})");
  };
  const std::string ok = R"(param = "level", from = 1, to = 5, step = 1, hold = "1s")";
  EXPECT_EQ(with_sweep(ok), "(no error)");
  EXPECT_EQ(with_sweep(R"(param = "level", from = 1, to = 5, hold = "1s")"),
            "exp.lua:6: sweep: give step (added each time) or factor (multiplied each time), "
            "not both");
  EXPECT_EQ(with_sweep(R"(param = "level", from = 5, to = 1, step = 1, hold = "1s")"),
            "exp.lua:6: sweep: to must be above from (a sweep raises)");
  EXPECT_EQ(with_sweep(R"(param = "level", from = 1, to = 5, step = 1)"),
            "exp.lua:6: sweep: hold is required: how long each step lasts, like hold = \"10s\"");
  EXPECT_EQ(with_sweep(ok + R"(, settle = "2s")"),
            "exp.lua:6: sweep: settle must be shorter than hold (it is the start of each step "
            "left unjudged)");
  EXPECT_EQ(with_sweep(ok + R"(, stepp = 2)").substr(0, 41),
            "exp.lua:6: sweep: unknown field 'stepp' (");
  EXPECT_EQ(with_sweep(R"(param = "level", from = 1, to = 1000, step = 1, hold = "1s")"),
            "exp.lua:6: sweep: more than 100 steps from 1 to 1000; take a bigger step or factor, "
            "or raise max_steps");
  // Each step's magnitude is checked against the kind's schema (marker's level is at most 10).
  EXPECT_NE(with_sweep(R"(param = "level", from = 1, to = 11, step = 5, hold = "1s")")
                .find("marker: level: 11 is above"),
            std::string::npos);
}

}  // namespace
}  // namespace chaos::engine
