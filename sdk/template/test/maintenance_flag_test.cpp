// Unit tests of the template plugin, through the SDK's fake host: no chaosctl needed.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chaos/fake_host.hpp>
#include <fstream>
#include <string>

namespace {

using chaos::sdk::FakeHost;

class MaintenanceFlagTest : public ::testing::Test {
 protected:
  MaintenanceFlagTest() : host_(PLUGIN_PATH) {
    char dir[] = "/tmp/maintenance-flag-XXXXXX";
    dir_ = mkdtemp(dir);
    flag_ = dir_ + "/flag";
  }
  ~MaintenanceFlagTest() override {
    unlink(flag_.c_str());
    rmdir(dir_.c_str());
  }
  bool flag_exists() const { return access(flag_.c_str(), F_OK) == 0; }
  std::string params() const { return R"({"path":")" + flag_ + "\"}"; }

  FakeHost host_;
  std::string dir_, flag_;
};

TEST_F(MaintenanceFlagTest, CreatesTheFlagWhileOnAndRemovesItOnStop) {
  ASSERT_TRUE(host_.loaded()) << host_.load_error();
  auto fault = host_.create("maintenance_flag", params());
  ASSERT_TRUE(fault.ok()) << fault.created();
  EXPECT_FALSE(flag_exists());  // create injects nothing

  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(flag_exists());
  EXPECT_EQ(fault.status().output, R"({"path":")" + flag_ + R"(","present":true})");
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_FALSE(flag_exists());
  EXPECT_TRUE(fault.stop().ok());  // twice is fine

  const auto records = host_.records();
  ASSERT_EQ(records.events.size(), 1u);
  EXPECT_EQ(records.events[0].kind, "flag_created");
  ASSERT_EQ(records.metrics.size(), 2u);
  EXPECT_TRUE(records.problems.empty());
}

TEST_F(MaintenanceFlagTest, TheHostRefusesMissingParametersNamingTheField) {
  auto fault = host_.create("maintenance_flag", "{}");
  EXPECT_FALSE(fault.ok());
  EXPECT_EQ(fault.created().message, "path: is required");
}

TEST_F(MaintenanceFlagTest, RecoverRemovesOnlyAFlagThisFaultWrote) {
  std::ofstream(flag_) << "an operator's own flag\n";
  EXPECT_TRUE(host_.recover("maintenance_flag", params()).ok());
  EXPECT_TRUE(flag_exists());  // not ours: left alone

  unlink(flag_.c_str());
  auto fault = host_.create("maintenance_flag", params());
  ASSERT_TRUE(fault.start().ok());
  // A controller that dies here leaves the flag behind; the next run calls recover.
  EXPECT_TRUE(host_.recover("maintenance_flag", params()).ok());
  EXPECT_FALSE(flag_exists());
  EXPECT_TRUE(host_.recover("maintenance_flag", params()).ok());  // idempotent
}

}  // namespace
