// The plugin host: loading, the ABI checks, parameter validation, and a fault's lifecycle,
// against real plugin libraries built from tests/fixtures/plugins.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "plugin_host/fault_instance.h"
#include "plugin_host/plugin_registry.h"
#include "support/test_support.h"

namespace chaos::plugin_host {
namespace {

std::string plugin_path(const std::string& dir, const std::string& name) {
  return std::string(CHAOS_TEST_PLUGIN_ROOT) + "/" + dir + "/" + name + ".so";
}

class RecordingSink final : public FaultSink {
 public:
  void fault_log(const std::string&, chaos_log_level, std::string message) override {
    std::lock_guard lock(mutex_);
    logs.push_back(std::move(message));
  }
  void fault_metric(const std::string& fault, std::string name, double value, int64_t) override {
    std::lock_guard lock(mutex_);
    metrics.push_back(fault + "." + name + "=" + std::to_string(static_cast<int>(value)));
  }
  void fault_event(const std::string& fault, std::string kind, std::string) override {
    std::lock_guard lock(mutex_);
    events.push_back(fault + ":" + kind);
  }
  std::vector<std::string> logs, metrics, events;

 private:
  std::mutex mutex_;
};

TEST(PluginHost, LoadsAPluginWrittenInPlainC) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_directories({std::string(CHAOS_TEST_PLUGIN_ROOT) + "/ok"}).is_ok());
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_EQ(registry.plugins()[0]->name(), "marker-test");
  EXPECT_EQ(registry.plugins()[0]->version(), "1.2.3");
  const FaultKind* kind = registry.find_kind("marker");
  ASSERT_NE(kind, nullptr);
  EXPECT_TRUE(kind->has_update());
  EXPECT_FALSE(kind->has_recover());
  EXPECT_NE(registry.plugins_json().find("\"marker-test\""), std::string::npos);
}

TEST(PluginHost, RefusesAnotherMajorAbiNamingBothVersions) {
  auto lib = PluginLibrary::load(plugin_path("abi2", "marker_abi2_plugin"));
  ASSERT_FALSE(lib.is_ok());
  EXPECT_NE(lib.status().message().find("built for plugin ABI 2.0"), std::string::npos)
      << lib.status().message();
  EXPECT_NE(lib.status().message().find("speaks ABI 1.2"), std::string::npos);
}

TEST(PluginHost, RefusesANewerMinorAbi) {
  auto lib = PluginLibrary::load(plugin_path("newer_minor", "marker_newer_minor_plugin"));
  ASSERT_FALSE(lib.is_ok());
  EXPECT_NE(lib.status().message().find("needs plugin ABI 1.99"), std::string::npos)
      << lib.status().message();
}

TEST(PluginHost, RefusesALibraryWithoutTheStamp) {
  auto lib = PluginLibrary::load(plugin_path("no_stamp", "no_stamp_plugin"));
  ASSERT_FALSE(lib.is_ok());
  EXPECT_NE(lib.status().message().find("not a chaosctl plugin"), std::string::npos);
}

TEST(PluginHost, RefusesAMissingFileClearly) {
  auto lib = PluginLibrary::load("/nonexistent/plugin.so");
  ASSERT_FALSE(lib.is_ok());
  EXPECT_NE(lib.status().message().find("cannot load plugin /nonexistent/plugin.so"),
            std::string::npos);
}

TEST(PluginHost, RefusesTwoPluginsDeclaringTheSameKind) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("ok", "marker_plugin")).is_ok());
  Status st = registry.load_file(plugin_path("twin", "marker_twin_plugin"));
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("fault kind 'marker' is declared by two plugins"), std::string::npos)
      << st.message();
}

TEST(PluginHost, RefusesAKindDeclaringAReservedStepKey) {
  auto lib = PluginLibrary::load(plugin_path("reserved_key", "marker_reserved_key_plugin"));
  ASSERT_FALSE(lib.is_ok());
  EXPECT_NE(lib.status().message().find(
                "plugin reserved-key, kind #1 (soak): its parameter schema declares 'duration'"),
            std::string::npos)
      << lib.status().message();
}

TEST(PluginHost, ValidatesParametersNamingTheFieldAndFillsDefaults) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("ok", "marker_plugin")).is_ok());

  auto missing = registry.validate_params("marker", boost::json::object{});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("marker: "), std::string::npos);
  EXPECT_NE(missing.status().message().find("file"), std::string::npos) << missing.status().message();

  auto too_big = registry.validate_params("marker", boost::json::object{{"file", "/x"}, {"level", 11}});
  ASSERT_FALSE(too_big.is_ok());
  EXPECT_NE(too_big.status().message().find("level"), std::string::npos);

  auto typo = registry.validate_params("marker", boost::json::object{{"file", "/x"}, {"levle", 1}});
  ASSERT_FALSE(typo.is_ok());
  EXPECT_NE(typo.status().message().find("levle"), std::string::npos) << typo.status().message();

  auto unknown = registry.validate_params("nosuchkind", boost::json::object{});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("unknown fault kind 'nosuchkind' (loaded kinds: marker)"),
            std::string::npos)
      << unknown.status().message();

  auto good = registry.validate_params("marker", boost::json::object{{"file", "/x"}});
  ASSERT_TRUE(good.is_ok()) << good.status().message();
  EXPECT_EQ(good.value().as_object().at("level").as_int64(), 1);
}

TEST(PluginHost, DrivesAFaultThroughItsLifecycle) {
  test::TempDir dir;
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("ok", "marker_plugin")).is_ok());
  RecordingSink sink;
  const std::string marker = dir.file("marker");
  auto params = registry.validate_params("marker", boost::json::object{{"file", marker}, {"level", 3}});
  ASSERT_TRUE(params.is_ok());
  auto fault = FaultInstance::create(*registry.find_kind("marker"), "m1", params.value(), sink);
  ASSERT_TRUE(fault.is_ok()) << fault.status().message();
  EXPECT_EQ(test::read_file(marker), "");  // create injects nothing

  ASSERT_TRUE(fault.value()->start().is_ok());
  EXPECT_EQ(test::read_file(marker), "on");
  EXPECT_EQ(fault.value()->status_json().value(), "{\"active\":true}");
  ASSERT_TRUE(fault.value()->update(boost::json::object{{"file", marker}, {"level", 7}}).is_ok());
  ASSERT_TRUE(fault.value()->stop().is_ok());
  EXPECT_EQ(test::read_file(marker), "off");
  EXPECT_TRUE(fault.value()->stop().is_ok());  // twice is fine

  EXPECT_EQ(sink.metrics, (std::vector<std::string>{"m1.level=3", "m1.level=7"}));
  EXPECT_EQ(sink.events, (std::vector<std::string>{"m1:marker_off"}));
}

TEST(PluginHost, DestroyingARunningFaultStopsIt) {
  test::TempDir dir;
  PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(plugin_path("ok", "marker_plugin")).is_ok());
  RecordingSink sink;
  const std::string marker = dir.file("marker");
  {
    auto fault = FaultInstance::create(*registry.find_kind("marker"), "m1",
                                       boost::json::object{{"file", marker}, {"level", 1}}, sink);
    ASSERT_TRUE(fault.is_ok());
    ASSERT_TRUE(fault.value()->start().is_ok());
    EXPECT_EQ(test::read_file(marker), "on");
  }
  EXPECT_EQ(test::read_file(marker), "off");
}

}  // namespace
}  // namespace chaos::plugin_host
