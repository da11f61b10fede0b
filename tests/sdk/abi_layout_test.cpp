// The plugin ABI's layout is pinned: every 1.0 field at its recorded offset, in the SDK's current
// header (here, at compile time) and in the frozen 1.0 header (abi_layout_v1_0.c). A change that
// moves a field fails the build; the tests below report what was checked.
#include "sdk/abi_layout.h"

#include <chaos/plugin.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

CHAOS_CHECK_ABI_1_0_LAYOUT(static_assert)

// The tables of the current minor, pinned too: appending a field is allowed in a new minor
// (then update these and bump CHAOS_ABI_MINOR), changing them by accident is not.
#if CHAOS_ABI_LAYOUT_RECORDED
static_assert(CHAOS_ABI_MINOR != 0 || sizeof(chaos_host_api) == 32, "chaos_host_api grew in 1.0");
static_assert(CHAOS_ABI_MINOR != 0 || sizeof(chaos_fault_kind) == 88,
              "chaos_fault_kind grew in 1.0");
static_assert(CHAOS_ABI_MINOR != 0 || sizeof(chaos_plugin) == 48, "chaos_plugin grew in 1.0");
// 1.1 appended chaos_fault_kind.capabilities; the other tables are as in 1.0.
static_assert(CHAOS_ABI_MINOR != 1 || sizeof(chaos_host_api) == 32, "chaos_host_api grew in 1.1");
static_assert(CHAOS_ABI_MINOR != 1 || (offsetof(chaos_fault_kind, capabilities) == 88 &&
                                       sizeof(chaos_fault_kind) == 96),
              "chaos_fault_kind 1.1 layout");
static_assert(CHAOS_ABI_MINOR != 1 || sizeof(chaos_plugin) == 48, "chaos_plugin grew in 1.1");
// 1.2 appended chaos_host_api.check_target (the host's target allowlist).
static_assert(CHAOS_ABI_MINOR != 2 ||
                  (offsetof(chaos_host_api, check_target) == 32 && sizeof(chaos_host_api) == 40),
              "chaos_host_api 1.2 layout");
static_assert(CHAOS_ABI_MINOR != 2 || (offsetof(chaos_fault_kind, capabilities) == 88 &&
                                       sizeof(chaos_fault_kind) == 96),
              "chaos_fault_kind grew in 1.2");
static_assert(CHAOS_ABI_MINOR != 2 || sizeof(chaos_plugin) == 48, "chaos_plugin grew in 1.2");
static_assert(CHAOS_KIND_PROVIDES_PROXY == 1 && CHAOS_KIND_ACTS_ON_PROXY == 2,
              "capability bits are stable");
#endif

extern "C" int chaos_abi_v1_0_layout_checked(void);

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AbiLayout, EveryStableStructMatchesTheRecordedLayout) {
  if (!CHAOS_ABI_LAYOUT_RECORDED) GTEST_SKIP() << "layout recorded for LP64 only";
  EXPECT_EQ(chaos_abi_v1_0_layout_checked(), 100);  // the frozen header says 1.0
  EXPECT_EQ(CHAOS_ABI_MAJOR, 1);
}

TEST(AbiLayout, TheFrozen10HeaderIsKeptAsAFixture) {
  const std::string frozen =
      read(std::string(CHAOS_SOURCE_DIR) + "/tests/fixtures/abi/v1.0/chaos/plugin.h");
  ASSERT_FALSE(frozen.empty());
  EXPECT_NE(frozen.find("#define CHAOS_ABI_MAJOR 1\n"), std::string::npos);
  EXPECT_NE(frozen.find("#define CHAOS_ABI_MINOR 0\n"), std::string::npos);
  // While the SDK is at 1.0 the two are the same file; after a bump the fixture stays behind.
  if (CHAOS_ABI_MINOR == 0) {
    EXPECT_EQ(frozen, read(std::string(CHAOS_SOURCE_DIR) + "/sdk/include/chaos/plugin.h"));
  }
}

TEST(AbiLayout, SymbolNamesAndMagicAreStable) {
  EXPECT_STREQ(CHAOS_PLUGIN_ENTRY_SYMBOL, "chaos_plugin_entry");
  EXPECT_STREQ(CHAOS_PLUGIN_STAMP_SYMBOL, "chaos_plugin_stamp");
  EXPECT_EQ(CHAOS_ABI_MAGIC, 0x43484153u);
}

}  // namespace
