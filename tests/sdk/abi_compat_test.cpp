// Compatibility across ABI versions, through chaosctl's own loader: a plugin built against the
// frozen 1.0 header loads and runs its whole lifecycle; one built for another major is refused
// with both versions named before any of its code runs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "plugin_host/fault_instance.h"
#include "plugin_host/plugin_library.h"
#include "support/test_support.h"

namespace chaos::plugin_host {
namespace {

std::string fixture(const std::string& dir, const std::string& name) {
  return std::string(CHAOS_TEST_PLUGIN_ROOT) + "/" + dir + "/" + name + ".so";
}

class NullSink final : public FaultSink {
 public:
  void fault_log(const std::string&, chaos_log_level, std::string) override {}
  void fault_metric(const std::string&, std::string, double, int64_t) override {
    std::lock_guard lock(mutex_);
    ++metrics;
  }
  void fault_event(const std::string&, std::string, std::string) override {}
  int metrics = 0;

 private:
  std::mutex mutex_;
};

TEST(AbiCompat, APluginBuiltAgainstTheFrozen10HeaderLoadsAndRuns) {
  auto lib = PluginLibrary::load(fixture("abi_v1_0", "marker_v1_0_plugin"));
  ASSERT_TRUE(lib.is_ok()) << lib.status().message();
  EXPECT_EQ(lib.value()->name(), "marker-v1.0");
  EXPECT_EQ(lib.value()->abi_major(), 1);
  EXPECT_EQ(lib.value()->abi_minor(), 0);
  ASSERT_EQ(lib.value()->kinds().size(), 1u);
  const FaultKind& kind = lib.value()->kinds()[0];
  EXPECT_TRUE(kind.has_update());
  EXPECT_FALSE(kind.has_recover());

  test::TempDir dir;
  NullSink sink;
  auto fault = FaultInstance::create(
      kind, "m", boost::json::object{{"file", dir.file("m")}, {"level", 2}}, sink);
  ASSERT_TRUE(fault.is_ok()) << fault.status().message();
  ASSERT_TRUE(fault.value()->start().is_ok());
  EXPECT_EQ(test::read_file(dir.file("m")), "on");
  ASSERT_TRUE(fault.value()->stop().is_ok());
  EXPECT_EQ(test::read_file(dir.file("m")), "off");
  EXPECT_EQ(sink.metrics, 1);
}

TEST(AbiCompat, APluginClaimingANewerMajorIsRefusedBeforeItsCodeRuns) {
  auto lib = PluginLibrary::load(fixture("abi2", "marker_abi2_plugin"));
  ASSERT_FALSE(lib.is_ok());
  EXPECT_EQ(lib.status().message(),
            "plugin " + fixture("abi2", "marker_abi2_plugin") +
                " was built for plugin ABI 2.0, but this chaosctl speaks ABI 1.2; rebuild the "
                "plugin against this SDK");
}

}  // namespace
}  // namespace chaos::plugin_host
