// Lua values crossing into plugins as JSON (engine/lua_json): shapes, and the hostile ones —
// deep nesting, cycles, mixed keys, huge shared trees (issue 17.1, 17.9) — refused with the
// parameter named, without crashing and without raising a Lua error.
#include "engine/lua_json.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace chaos::engine {
namespace {

class LuaJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    L_ = luaL_newstate();
    luaL_openlibs(L_);
  }
  void TearDown() override { lua_close(L_); }

  // Runs `chunk` (which returns the value), converts it; "error: ..." on failure.
  std::string convert(const std::string& chunk) {
    EXPECT_EQ(luaL_dostring(L_, chunk.c_str()), LUA_OK) << lua_tostring(L_, -1);
    const int top = lua_gettop(L_);
    auto out = lua_to_json(L_, -1);
    EXPECT_EQ(lua_gettop(L_), top) << "the conversion must leave the stack as it found it";
    lua_settop(L_, 0);
    return out ? boost::json::serialize(out.value()) : "error: " + out.status().message();
  }

  lua_State* L_ = nullptr;
};

TEST_F(LuaJsonTest, ListsFieldsAndScalars) {
  EXPECT_EQ(convert("return { 1, 2.5, 'x', true }"), R"([1,2.5E0,"x",true])");
  EXPECT_EQ(convert("return { delay = '10ms' }"), R"({"delay":"10ms"})");
  EXPECT_EQ(convert("return {}"), "{}");
  EXPECT_EQ(convert("return { a = { b = { 1, { c = 2 } } } }"), R"({"a":{"b":[1,{"c":2}]}})");
}

TEST_F(LuaJsonTest, ATableNested30DeepIsRefusedNamingTheParameter) {
  // Issue 17.1: 30 levels overflowed the Lua stack (SIGSEGV, "free(): invalid pointer").
  EXPECT_EQ(convert("local t = {} local x = t for i = 1, 30 do x.next = {} x = x.next end "
                    "return { seed = t }"),
            "error: seed: nested too deeply (more than 20 tables inside each other)");
  // Twenty levels are fine.
  EXPECT_EQ(convert("local t = {} local x = t for i = 1, 18 do x.n = {} x = x.n end "
                    "return { seed = t }").rfind("error", 0),
            std::string::npos);
}

TEST_F(LuaJsonTest, DeepListsAreRefusedToo) {
  EXPECT_EQ(convert("local t = {} local x = t for i = 1, 200 do x[1] = {} x = x[1] end "
                    "return { seed = t }"),
            "error: seed: nested too deeply (more than 20 tables inside each other)");
}

TEST_F(LuaJsonTest, ATableThatContainsItselfIsRefused) {
  EXPECT_EQ(convert("local t = { name = 'x' } t.again = t return { seed = t }"),
            "error: seed: refers to itself (through seed.again)");
  EXPECT_EQ(convert("local p = {} p.me = p return p"),
            "error: the parameters: refers to itself (through me)");
  EXPECT_EQ(convert("local t = {} t[1] = t return { seed = t }"),
            "error: seed: refers to itself (through seed[1])");
}

TEST_F(LuaJsonTest, TheSameTableTwiceIsNotACycle) {
  EXPECT_EQ(convert("local shared = { 1 } return { a = shared, b = shared }").rfind("error", 0),
            std::string::npos);
}

TEST_F(LuaJsonTest, MixedKeysAreRefusedWithoutRaising) {
  // Issue 17.9: {1, x = 2} converted the number key in place and lua_next raised
  // "invalid key to 'next'" across C++ frames.
  const std::string mixed =
      "error: seed: a table must be a list {a, b} or have named fields {name = value}, not both";
  EXPECT_EQ(convert("return { seed = { 1, x = 2 } }"), mixed);
  EXPECT_EQ(convert("return { seed = { x = 2, 1 } }"), mixed);
  EXPECT_EQ(convert("return { seed = { [1] = 'a', [3] = 'b' } }"), mixed);  // a hole
  EXPECT_EQ(convert("return { seed = { [1.5] = 'a' } }"), mixed);
  EXPECT_EQ(convert("return { seed = { [0] = 'a', [1] = 'b' } }"), mixed);
  EXPECT_EQ(convert("return { [1] = 'a', [3] = 'b', [5] = 'c' }"),
            "error: the parameters: a table must be a list {a, b} or have named fields "
            "{name = value}, not both");
}

TEST_F(LuaJsonTest, AHugeSharedTreeIsRefusedNotWalked) {
  // 10 levels of a table holding the level below under 20 keys: 20^10 leaves in a few lines.
  EXPECT_EQ(convert("local t = { 1 } for i = 1, 10 do local u = {} for k = 1, 20 do "
                    "u['k' .. k] = t end t = u end return { seed = t }"),
            "error: seed: too large (more than 100000 values)");
}

TEST_F(LuaJsonTest, FunctionsAndNonFiniteNumbersAreRefused) {
  EXPECT_EQ(convert("return { f = print }"),
            "error: f: a function cannot be a parameter (use strings, numbers, booleans and "
            "tables)");
  EXPECT_EQ(convert("return { x = 0/0 }"), "error: x: not a finite number");
}

}  // namespace
}  // namespace chaos::engine
