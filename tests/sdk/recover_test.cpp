// recover, end to end with the real controller: a `chaosctl run` pausing a process with the
// process_pause example is killed with SIGKILL, so nothing resumes the process; the next
// `chaosctl run` reconciles the dead run and calls the kind's recover, which resumes it.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>
#include <thread>

#include "support/child_process.h"
#include "support/test_support.h"

extern char** environ;

namespace chaos {
namespace {

using namespace std::chrono_literals;

char state_of(pid_t pid) {
  const std::string stat = test::read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
}

TEST(ProcessPauseRecover, TheNextRunResumesAProcessAKilledControllerLeftPaused) {
  test::TempDir dir;
  const std::string plugins = dir.file("plugins");
  std::filesystem::create_directory(plugins);
  std::filesystem::copy_file(PROCESS_PAUSE_PLUGIN, plugins + "/process_pause.so");

  pid_t target = -1;
  char sleep[] = "sleep", sixty[] = "60";
  char* argv[] = {sleep, sixty, nullptr};
  ASSERT_EQ(posix_spawnp(&target, "sleep", nullptr, nullptr, argv, environ), 0);
  struct Reap {
    pid_t pid;
    ~Reap() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reap{target};

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
    ASSERT_TRUE(test::wait_for([&] { return state_of(target) == 'T'; }, 30s))
        << test::read_file(dir.file("run1.log"));
    ASSERT_EQ(kill(run.pid(), SIGKILL), 0);
    run.wait_exit(10s);
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(state_of(target), 'T');  // nobody resumed it: the controller died mid-fault

  test::write_file(dir.file("quick.lua"), "experiment { title = 'q', method = function() end }\n");
  test::ChildProcess next(chaosctl,
                          {"--db", db, "--plugin-dir", plugins, "run", dir.file("quick.lua")},
                          dir.file("run2.log"));
  EXPECT_EQ(next.wait_exit(60s), 0) << test::read_file(dir.file("run2.log"));
  EXPECT_TRUE(test::wait_for([&] { return state_of(target) != 'T'; }, 5s));
  const std::string log = test::read_file(dir.file("run2.log"));
  EXPECT_NE(log.find("recovered fault"), std::string::npos) << log;
  EXPECT_NE(log.find("sent SIGCONT to process " + std::to_string(target)), std::string::npos)
      << log;
}

}  // namespace
}  // namespace chaos
