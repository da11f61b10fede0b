// Hostile experiment scripts in the engine (issue 17.3, 17.9): the CPU budget holds inside
// callbacks called from C and against pcall, a stopped coroutine leaves the sandbox usable for
// the rollbacks, the dry run has a total budget, and every error names the file and line.
#include <gtest/gtest.h>

#include "engine/dry_run.h"
#include "engine/lua_sandbox.h"

namespace chaos::engine {
namespace {

class HostileScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.load_directories({std::string(CHAOS_TEST_PLUGIN_ROOT) + "/ok"}).is_ok());
  }
  std::string error_of(const std::string& source, SandboxLimits limits = quick()) {
    auto r = dry_run(source, "exp.lua", registry_, limits);
    return r.is_ok() ? "(no error)" : r.status().message();
  }
  static SandboxLimits quick() {
    SandboxLimits limits;
    limits.slice_budget = std::chrono::milliseconds(200);
    return limits;
  }
  plugin_host::PluginRegistry registry_;
};

const char* kStopped = "stopped: ran for more than 200 ms without yielding";

std::string in_method(const std::string& body) {
  return "experiment { title = 't', method = function()\n  chaos.sleep('1s')\n" + body +
         "\nend }";
}

TEST_F(HostileScriptTest, BudgetHoldsInATableSortComparator) {
  const std::string top = "while true do pcall(table.sort, {3, 2, 1}, function() while true do end end) end";
  EXPECT_EQ(error_of(top), std::string("exp.lua:1: ") + kStopped +
                               " (an endless loop? use chaos.sleep to wait)");
  EXPECT_NE(error_of(in_method(top)).find(std::string("exp.lua:3: ") + kStopped), std::string::npos)
      << error_of(in_method(top));
}

TEST_F(HostileScriptTest, BudgetHoldsInAGsubCallbackAndATostringMetamethod) {
  const std::string gsub = "while true do pcall(string.gsub, 'aaa', 'a', function() while true do end end) end";
  EXPECT_NE(error_of(in_method(gsub)).find(std::string("exp.lua:3: ") + kStopped), std::string::npos)
      << error_of(in_method(gsub));
  const std::string tostr =
      "local o = setmetatable({}, { __tostring = function() while true do end end })\n"
      "while true do pcall(tostring, o) end";
  EXPECT_NE(error_of(in_method(tostr)).find(std::string("exp.lua:3: ") + kStopped),
            std::string::npos)
      << error_of(in_method(tostr));
}

TEST_F(HostileScriptTest, APcallInsideTheCallbackCannotSwallowTheStop) {
  const std::string nested =
      "table.sort({3, 2, 1}, function()\n"
      "  while true do pcall(function() while true do end end) end\n"
      "end)";
  EXPECT_NE(error_of(nested).find(kStopped), std::string::npos) << error_of(nested);
  const std::string handler =
      "while true do xpcall(table.sort, function() while true do end end, {3, 2, 1},\n"
      "  function() while true do end end) end";
  EXPECT_NE(error_of(handler).find(kStopped), std::string::npos) << error_of(handler);
}

TEST_F(HostileScriptTest, XpcallStillWorksAndCanWait) {
  EXPECT_EQ(error_of(in_method(
                "  local ok, why = xpcall(function() chaos.sleep('1s') error('x', 0) end,\n"
                "    function(e) return 'handled ' .. e end)\n"
                "  assert(not ok and why == 'handled x', why)")),
            "(no error)");
}

TEST_F(HostileScriptTest, BudgetHoldsInAnExpectPredicateCalledFromSort) {
  // A predicate is the script's too: the same hook stops it (here via the dry run's method).
  const std::string source = in_method(
      "local ok = pcall(function() table.sort({2, 1}, function() while true do end end) end)\n"
      "while true do end");
  EXPECT_NE(error_of(source).find(kStopped), std::string::npos) << error_of(source);
}

TEST_F(HostileScriptTest, GcMetamethodsAreRefused) {
  EXPECT_EQ(error_of("\nlocal t = setmetatable({}, { __gc = function() end })"),
            "exp.lua:2: setmetatable: __gc metamethods are not allowed in experiments (they "
            "would run outside the CPU budget)");
  // Other metatables still work, and __metatable still protects.
  EXPECT_EQ(error_of("local t = setmetatable({}, { __index = function() return 1 end })\n"
                     "assert(t.x == 1)\n"
                     "local p = setmetatable({}, { __metatable = 'locked' })\n"
                     "setmetatable(p, {})"),
            "exp.lua:4: cannot change a protected metatable");
}

TEST_F(HostileScriptTest, TheDryRunHasATotalBudget) {
  // Tiny sleeps yield every time, so no slice is ever long: only the total budget sees it.
  SandboxLimits limits = quick();
  limits.total_budget = std::chrono::milliseconds(300);
  const std::string source = in_method("  while true do chaos.sleep('1us') end");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_NE(error_of(source, limits).find("exp.lua:3: stopped: evaluating the file took more than 300 ms"),
            std::string::npos)
      << error_of(source, limits);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(HostileScriptTest, AStoppedCoroutineLeavesTheSandboxUsable) {
  // After the method is stopped, the run still runs the rollbacks in the same state: they get
  // a budget of their own rather than failing at once.
  SystemClock clock;
  SandboxLimits limits = quick();
  auto box = LuaSandbox::create(clock, limits);
  ASSERT_TRUE(box.is_ok());
  lua_State* L = box.value()->state();
  ASSERT_EQ(luaL_loadstring(L, "while true do pcall(table.sort, {2, 1}, function() while true do end end) end"), LUA_OK);
  LuaCoroutine runaway(*box.value());
  EXPECT_EQ(runaway.resume(), LuaCoroutine::Step::kFailed);
  EXPECT_NE(runaway.error().find("stopped"), std::string::npos) << runaway.error();
  ASSERT_EQ(luaL_loadstring(L, "local n = 0 for i = 1, 100000 do n = n + i end return n > 0"), LUA_OK);
  LuaCoroutine rollbacks(*box.value());
  EXPECT_EQ(rollbacks.resume(), LuaCoroutine::Step::kFinished) << rollbacks.error();
  EXPECT_TRUE(rollbacks.returned_truthy());
}

TEST_F(HostileScriptTest, ErrorsWithoutAMessageNameTheLine) {
  EXPECT_EQ(error_of("\nerror()"), "exp.lua:2: error raised without a message (error() or error(nil))");
  EXPECT_EQ(error_of("\n\nerror({ code = 1 })"),
            "exp.lua:3: error raised with a table, not a message (give error() a string)");
  EXPECT_EQ(error_of("error(42)"), "exp.lua:1: error raised with a number (42), not a message");
  EXPECT_EQ(error_of("error(1.5)"), "exp.lua:1: error raised with a number (1.5), not a message");
  EXPECT_EQ(error_of("error('plain', 0)"), "exp.lua:1: plain");
  EXPECT_NE(error_of(in_method("  error(false)")).find("exp.lua:3: error raised with a boolean"),
            std::string::npos)
      << error_of(in_method("  error(false)"));
}

// Filling memory is not what these test: a slice long enough for a slow (sanitizer) build.
SandboxLimits memory_limited() {
  SandboxLimits limits;
  limits.slice_budget = std::chrono::seconds(20);
  limits.memory_bytes = 16u << 20;
  return limits;
}

TEST_F(HostileScriptTest, OutOfMemoryNamesTheLine) {
  const SandboxLimits limits = memory_limited();
  EXPECT_EQ(error_of("local t = {}\nlocal piece = string.rep('x', 1 << 16)\n"
                     "while true do t[#t + 1] = piece .. #t end",
                     limits),
            "exp.lua:3: not enough memory (an experiment may use up to 16 MB)");
}

TEST_F(HostileScriptTest, AScriptThatFillsItsMemoryDoesNotCrashTheHost) {
  // The host creates the method's coroutine and reads the definition outside any protected
  // call; with the script's memory full, that must not abort the process.
  const SandboxLimits limits = memory_limited();
  const std::string source =
      "local keep = {}\n"
      "experiment { title = 't', method = function() return #keep end }\n"
      "pcall(function() local piece = string.rep('x', 1 << 12)\n"
      "  while true do keep[#keep + 1] = piece .. #keep end end)";
  EXPECT_EQ(error_of(source, limits), "(no error)");
}

TEST_F(HostileScriptTest, DeepNestingInTheSourceNamesTheLine) {
  const std::string deep = "local a = 1\nlocal x = " + std::string(300, '(') + "1" +
                           std::string(300, ')') + "\nlocal b = 2";
  EXPECT_EQ(error_of(deep).rfind("exp.lua:2: the file nests too deeply for Lua's parser", 0), 0u)
      << error_of(deep);
  const std::string tables = "local x = " + std::string(300, '{') + std::string(300, '}');
  EXPECT_EQ(error_of(tables).rfind("exp.lua:1: the file nests too deeply", 0), 0u)
      << error_of(tables);
}

TEST_F(HostileScriptTest, FaultParametersThatCannotBeJsonNameTheStepAndTheField) {
  EXPECT_EQ(error_of("local t = {} local x = t for i = 1, 30 do x.n = {} x = x.n end\n"
                     "experiment { title = 't', method = {\n"
                     "  fault 'marker' { file = 'x', seed = t, duration = '1s' } } }"),
            "exp.lua:3: marker: seed: nested too deeply (more than 20 tables inside each other)");
  EXPECT_EQ(error_of("local t = {} t.me = t\n"
                     "experiment { title = 't', method = function()\n"
                     "  chaos.inject('marker', { file = 'x', seed = t }) end }"),
            "exp.lua:3: marker: seed: refers to itself (through seed.me)");
  EXPECT_EQ(error_of("experiment { title = 't', method = {\n"
                     "  fault 'marker' { file = 'x', seed = { 1, x = 2 }, duration = '1s' } } }"),
            "exp.lua:2: marker: seed: a table must be a list {a, b} or have named fields "
            "{name = value}, not both");
}

TEST_F(HostileScriptTest, LongPathsAreNamedWhole) {
  // Lua cuts sources past 60 characters to ".../end/of/path.lua" in its own messages.
  const std::string path = "/srv/game-days/" + std::string(80, 'x') + "/checkout_latency.lua";
  for (const std::string& source :
       {std::string("local t = nil\nlocal y = t.x"), std::string("\nerror()"),
        std::string("\nlocal p = http_probe 'a' { url = 'ftp://x', expect = { p99 = 1 } }"),
        std::string("\nwhile true do end"), std::string("\nlocal x = = 1")}) {
    auto r = dry_run(source, path, registry_, quick());
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().message().rfind(path + ":2: ", 0), 0u) << r.status().message();
  }
}

TEST_F(HostileScriptTest, ProxyErrorsNameTheExperimentsLine) {
  const std::string source = "\nexperiment { title = 't', proxies = { db = { listen = '127.0.0.1:1', "
                             "upstream = '127.0.0.1:2' } }, method = function() end }";
  EXPECT_EQ(error_of(source).rfind("exp.lua:2: proxies.db: ", 0), 0u)
      << error_of(source);
}

TEST_F(HostileScriptTest, DefinitionMetamethodsDoNotRunOutsideTheSandbox) {
  // The host reads the definition raw: an __index that raises would otherwise raise outside
  // any protected call and abort the process.
  const std::string source =
      "local armed = false\n"
      "local def = setmetatable({ title = 't', method = function() end, rollbacks = function() end },\n"
      "  { __index = function() if armed then error('boom') end end })\n"
      "experiment(def)\n"
      "armed = true";
  EXPECT_EQ(error_of(source), "(no error)");
}

}  // namespace
}  // namespace chaos::engine
