// recover, end to end with the real controller: a `chaosctl run` pausing a process with the
// process_pause example is killed with SIGKILL, so nothing resumes the process; the next
// `chaosctl run` reconciles the dead run and calls the kind's recover, which resumes it.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <string>
#include <thread>

#include "support/child_process.h"
#include "support/sleeper.h"
#include "support/test_support.h"

namespace chaos {
namespace {

using namespace std::chrono_literals;


TEST(ProcessPauseRecover, TheNextRunResumesAProcessAKilledControllerLeftPaused) {
  test::TempDir dir;
  const std::string plugins = dir.file("plugins");
  std::filesystem::create_directory(plugins);
  std::filesystem::copy_file(PROCESS_PAUSE_PLUGIN, plugins + "/process_pause.so");

  test::Sleeper sleeper;
  const pid_t target = sleeper.pid();
  ASSERT_GT(target, 0);

  const std::string chaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";
  const std::string db = dir.file("chaos.db");
  test::write_file(dir.file("pause.lua"),
                   "experiment {\n  title = 'A long pause',\n  method = { fault 'process_pause' "
                   "{ pid = " +
                       std::to_string(target) + ", duration = '60s' } },\n}\n");
  {
    test::ChildProcess run(chaosctl,
                           {"--db", db, "--plugin-dir", plugins, "run", dir.file("pause.lua")},
                           dir.file("run1.log"));
    ASSERT_TRUE(test::wait_for([&] { return sleeper.state() == 'T'; }, 30s))
        << test::read_file(dir.file("run1.log"));
    ASSERT_EQ(kill(run.pid(), SIGKILL), 0);
    run.wait_exit(10s);
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(sleeper.state(), 'T');  // nobody resumed it: the controller died mid-fault

  test::write_file(dir.file("quick.lua"), "experiment { title = 'q', method = function() end }\n");
  test::ChildProcess next(chaosctl,
                          {"--db", db, "--plugin-dir", plugins, "run", dir.file("quick.lua")},
                          dir.file("run2.log"));
  EXPECT_EQ(next.wait_exit(60s), 0) << test::read_file(dir.file("run2.log"));
  EXPECT_TRUE(test::wait_for([&] { return sleeper.state() != 'T'; }, 5s));
  const std::string log = test::read_file(dir.file("run2.log"));
  EXPECT_NE(log.find("recovered fault"), std::string::npos) << log;
  EXPECT_NE(log.find("sent SIGCONT to process " + std::to_string(target)), std::string::npos)
      << log;
}

}  // namespace
}  // namespace chaos
