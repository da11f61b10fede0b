// The server's live state of a run, kept from the run's typed callbacks.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "plugin_host/plugin_registry.h"
#include "server/live_hub.h"
#include "server/run_manager.h"
#include "support/test_support.h"

namespace chaos::server {
namespace {

// Regression (issue 14): run_manager counted fault_start events and ignored
// fault_start_failed, so a fault that failed to start left active_faults one too high.
TEST(RunManagerState, AFaultThatFailsToStartIsNotCountedAsActive) {
  test::TempDir dir;
  plugin_host::PluginRegistry registry;
  ASSERT_TRUE(registry.load_directories({std::string(CHAOS_TEST_PLUGIN_ROOT) + "/ok"}).is_ok());
  SystemClock clock;
  LiveHub hub;
  RunManager runs(dir.file("chaos.db"), registry, clock, hub);
  const std::string experiment = dir.file("exp.lua");
  test::write_file(experiment, "experiment { title = 't', method = function()\n"
                               "  pcall(chaos.inject, 'marker', { file = '" +
                                   dir.file("no/such/dir/x") + "' })  -- cannot start\n"
                               "  chaos.inject('marker', { file = '" + dir.file("on") + "' })\n"
                               "  chaos.sleep('60s')\n"
                               "end }\n");
  auto id = runs.start_file(experiment);
  ASSERT_TRUE(id.is_ok()) << id.status().message();
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(dir.file("on")) == "on"; }));
  EXPECT_EQ(runs.active_faults(), 1);  // the one that started, not the one that failed
  runs.halt("the test is over");
  runs.wait_idle();
  EXPECT_EQ(runs.active_faults(), 0);
  EXPECT_EQ(test::read_file(dir.file("on")), "off");
}

}  // namespace
}  // namespace chaos::server
