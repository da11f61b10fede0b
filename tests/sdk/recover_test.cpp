// recover, end to end with the real controller: a `chaosctl run` pausing a process with the
// process_pause example is killed with SIGKILL, so nothing resumes the process; the next
// `chaosctl run` reconciles the dead run and calls the kind's recover, which resumes it. A start
// without the plugin keeps the fault pending recovery, and `chaosctl recover` with it resumes it.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <thread>

#include "support/child_process.h"
#include "support/sleeper.h"
#include "support/test_support.h"

namespace chaos {
namespace {

using namespace std::chrono_literals;

struct Ran {
  std::optional<int> code;
  std::string out;
};

// The paused process, a store, and chaosctl run against them.
class PendingRecovery : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(plugins_);
    std::filesystem::copy_file(PROCESS_PAUSE_PLUGIN, plugins_ + "/process_pause.so");
    test::write_file(dir_.file("pause.lua"),
                     "experiment { title = 'pause', method = { fault 'process_pause' { pid = " +
                         std::to_string(sleeper_.pid()) + ", duration = '60s' } } }\n");
    test::write_file(dir_.file("quick.lua"), "experiment { title = 'q', method = function() end }\n");
  }
  Ran chaosctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    const std::string log = dir_.file("chaosctl" + std::to_string(++runs_) + ".log");
    test::ChildProcess p(chaosctl_, args, log);
    Ran r;
    r.code = p.wait_exit(60s);
    r.out = test::read_file(log);
    return r;
  }
  // A run SIGKILLed while the process is paused: nothing resumed it.
  void kill_mid_pause() {
    test::ChildProcess run(chaosctl_,
                           {"--db", db_, "--plugin-dir", plugins_, "run", dir_.file("pause.lua")},
                           dir_.file("killed.log"));
    ASSERT_TRUE(test::wait_for([&] { return sleeper_.state() == 'T'; }, 30s))
        << test::read_file(dir_.file("killed.log"));
    ASSERT_EQ(kill(run.pid(), SIGKILL), 0);
    run.wait_exit(10s);
  }

  test::TempDir dir_;
  test::Sleeper sleeper_;
  const std::string plugins_ = dir_.file("plugins");
  const std::string db_ = dir_.file("chaos.db");
  const std::string chaosctl_ = std::string(CHAOS_BIN_DIR) + "/chaosctl";
  int runs_ = 0;
};

TEST_F(PendingRecovery, AStartWithoutThePluginKeepsTheFaultPendingAndRecoverUndoesIt) {
  ASSERT_GT(sleeper_.pid(), 0);
  kill_mid_pause();

  // Two starts without the plugin: each warns, neither pretends the fault was reconciled.
  for (int i = 0; i < 2; ++i) {
    const Ran next = chaosctl({"run", dir_.file("quick.lua")});
    EXPECT_EQ(next.code, 0) << next.out;
    EXPECT_NE(next.out.find("warning: run 1: fault"), std::string::npos) << next.out;
    EXPECT_NE(next.out.find("pending recovery"), std::string::npos) << next.out;
    EXPECT_NE(next.out.find("the plugin of kind 'process_pause' is not loaded"), std::string::npos)
        << next.out;
  }
  EXPECT_EQ(sleeper_.state(), 'T');  // still paused: nothing that could resume it ran

  const Ran show = chaosctl({"show", "1"});
  EXPECT_NE(show.out.find("PENDING     fault"), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find("faults were reconciled"), std::string::npos) << show.out;
  const Ran runs = chaosctl({"runs"});
  EXPECT_NE(runs.out.find("interrupted — 1 fault(s) pending recovery"), std::string::npos)
      << runs.out;
  const Ran listed = chaosctl({"recover", "--json"});
  EXPECT_EQ(listed.code, 1) << listed.out;
  auto report = boost::json::parse(listed.out.substr(0, listed.out.find('\n'))).as_object();
  ASSERT_EQ(report.at("pending").as_array().size(), 1u) << listed.out;
  EXPECT_EQ(report.at("pending").as_array()[0].at("kind"), "process_pause");

  const Ran recovered = chaosctl({"--plugin-dir", plugins_, "recover"});
  EXPECT_EQ(recovered.code, 0) << recovered.out;
  EXPECT_NE(recovered.out.find("fault 'process_pause-1' (process_pause)  recovered"),
            std::string::npos)
      << recovered.out;
  EXPECT_TRUE(test::wait_for([&] { return sleeper_.state() != 'T'; }, 5s));

  const Ran after = chaosctl({"recover", "--json"});
  EXPECT_EQ(after.code, 0) << after.out;
  EXPECT_NE(after.out.find("\"pending\":[]"), std::string::npos) << after.out;
  const Ran shown = chaosctl({"show", "1"});
  EXPECT_EQ(shown.out.find("PENDING"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("pending recovery, recovered by a later start"), std::string::npos)
      << shown.out;
}


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

// serve is a start too: with the plugin it retries the pending fault as it comes up.
TEST_F(PendingRecovery, ServeWithThePluginRecoversAPendingFault) {
  ASSERT_GT(sleeper_.pid(), 0);
  kill_mid_pause();
  const Ran without = chaosctl({"run", dir_.file("quick.lua")});
  EXPECT_NE(without.out.find("pending recovery"), std::string::npos) << without.out;
  EXPECT_EQ(sleeper_.state(), 'T');

  test::ChildProcess serve(chaosctl_,
                           {"--db", db_, "--plugin-dir", plugins_, "serve", "--listen",
                            "127.0.0.1:0", "--token", "t0123456789", "--experiments",
                            dir_.file("quick.lua")},
                           dir_.file("serve.log"));
  EXPECT_TRUE(test::wait_for([&] { return sleeper_.state() != 'T'; }, 30s))
      << test::read_file(dir_.file("serve.log"));
  EXPECT_TRUE(test::wait_for(
      [&] {
        return test::read_file(dir_.file("serve.log")).find("recovered fault") !=
               std::string::npos;
      },
      10s))
      << test::read_file(dir_.file("serve.log"));
  serve.stop();
  const Ran after = chaosctl({"recover", "--json"});
  EXPECT_EQ(after.code, 0) << after.out;
}

}  // namespace
}  // namespace chaos
