// The run's guarantees across processes, with the real chaosctl: a second run on the same
// store leaves a live run alone and reconciles a dead one (issue 17.2), reconcile gives
// `recover` the real value of a writeOnly parameter after a SIGKILL (issue 14.3), and rollbacks
// that never end do not keep Ctrl-C from ending the run (issue 17.6), every stop signal and
// a closed stdout roll back instead of killing chaosctl with a fault on (issue 16.1), and a
// Lua error, the CPU budget and a plugin error mid-fault end the run errored, rolled back.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>

#include "store/raw_sqlite.h"
#include "store/store.h"
#include "support/child_process.h"
#include "support/sleeper.h"
#include "support/test_support.h"

namespace chaos {
namespace {

using namespace std::chrono_literals;

using test::Sleeper;

class RunProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(plugins_);
    std::filesystem::copy_file(PROCESS_PAUSE_PLUGIN, plugins_ + "/process_pause.so");
    std::filesystem::copy_file(std::string(CHAOS_TEST_PLUGIN_ROOT) + "/fake/fake_plugin.so",
                               plugins_ + "/fake_plugin.so");
    test::write_file(dir_.file("quick.lua"),
                     "experiment { title = 'quick', method = function() end }\n");
  }
  std::unique_ptr<test::ChildProcess> start(const std::string& experiment,
                                            const std::string& log) {
    return std::make_unique<test::ChildProcess>(
        chaosctl_, std::vector<std::string>{"--db", db_, "--plugin-dir", plugins_, "run", experiment},
        dir_.file(log));
  }
  // A fault on `effect` for a minute, and rollbacks that would sleep for an hour.
  std::string hanging_rollbacks() {
    test::write_file(dir_.file("hang.lua"),
                     "experiment { title = 'hang', method = { fault 'fake' { file = '" + effect_ +
                         "', duration = '60s' } },\n"
                         "  rollbacks = function() chaos.sleep('1h') end }\n");
    return dir_.file("hang.lua");
  }
  // A fault on `effect_` for `duration`.
  std::string fault_experiment(const std::string& duration) {
    test::write_file(dir_.file("fault.lua"),
                     "experiment { title = 'fault', method = { fault 'fake' { file = '" + effect_ +
                         "', duration = '" + duration + "' } } }\n");
    return dir_.file("fault.lua");
  }
  std::string pause_experiment(const std::string& name, pid_t pid, const std::string& duration) {
    const std::string path = dir_.file(name);
    test::write_file(path, "experiment { title = 'pause', method = { fault 'process_pause' { pid = " +
                               std::to_string(pid) + ", duration = '" + duration + "' } } }\n");
    return path;
  }

  test::TempDir dir_;
  const std::string plugins_ = dir_.file("plugins");
  const std::string db_ = dir_.file("chaos.db");
  const std::string chaosctl_ = std::string(CHAOS_BIN_DIR) + "/chaosctl";
  const std::string effect_ = dir_.file("effect");
};

TEST_F(RunProcessTest, ASecondRunLeavesALiveRunAloneAndReconcilesADeadOne) {
  Sleeper live_target, dead_target;
  ASSERT_GT(live_target.pid(), 0);
  ASSERT_GT(dead_target.pid(), 0);
  auto live = start(pause_experiment("live.lua", live_target.pid(), "8s"), "live.log");
  ASSERT_TRUE(test::wait_for([&] { return live_target.state() == 'T'; }, 30s)) << live->log();
  // A run that starts while another is live, then dies with its fault on.
  auto dead = start(pause_experiment("dead.lua", dead_target.pid(), "60s"), "dead.log");
  ASSERT_TRUE(test::wait_for([&] { return dead_target.state() == 'T'; }, 30s)) << dead->log();
  EXPECT_EQ(live_target.state(), 'T') << dead->log();
  ASSERT_EQ(kill(dead->pid(), SIGKILL), 0);
  dead->wait_exit(10s);

  auto second = start(dir_.file("quick.lua"), "second.log");
  EXPECT_EQ(second->wait_exit(30s), 0) << second->log();
  const std::string log = second->log();
  EXPECT_EQ(live_target.state(), 'T') << "the second run undid a live run's fault:\n" << log;
  EXPECT_NE(log.find("sent SIGCONT to process " + std::to_string(dead_target.pid())),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find(std::to_string(live_target.pid())), std::string::npos) << log;
  EXPECT_TRUE(test::wait_for([&] { return dead_target.state() != 'T'; }, 5s));

  // The live run ends on its own, passed, its journal intact.
  EXPECT_EQ(live->wait_exit(30s), 0) << live->log();
  EXPECT_NE(live_target.state(), 'T');
  auto store = store::Store::open(db_);
  ASSERT_TRUE(store.is_ok());
  auto runs = store.value()->list_runs(10, 0).value();
  ASSERT_EQ(runs.size(), 3u);
  for (const auto& run : runs) {
    if (run.experiment_path == dir_.file("live.lua")) {
      EXPECT_EQ(run.state, "done");
      EXPECT_EQ(run.verdict, "passed") << run.reason;
    }
    if (run.experiment_path == dir_.file("dead.lua")) {
      EXPECT_EQ(run.state, "interrupted");
    }
  }
}

TEST_F(RunProcessTest, RecoverGetsTheRealWriteOnlyValueAfterASigkill) {
  const std::string marker = dir_.file("effect");
  test::write_file(dir_.file("secret.lua"),
                   "experiment { title = 'secret', method = { fault 'fake' { file = '" + marker +
                       "', password = 'hunter2-not-shown', duration = '60s' } } }\n");
  auto killed = start(dir_.file("secret.lua"), "killed.log");
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(marker) == "on"; }, 30s))
      << killed->log();
  ASSERT_EQ(kill(killed->pid(), SIGKILL), 0);
  killed->wait_exit(10s);

  // Nothing that shows the run has the password.
  {
    test::ChildProcess show(chaosctl_, {"--db", db_, "show", "1", "--json"},
                            dir_.file("show.log"));
    EXPECT_EQ(show.wait_exit(30s), 0);
    // The source is kept as it was written (an operator who puts a password in a file has
    // put it there); everything the run recorded is redacted.
    boost::json::value shown = boost::json::parse(show.log());
    shown.as_object().erase("source");
    const std::string text = boost::json::serialize(shown);
    EXPECT_NE(text.find("<redacted>"), std::string::npos) << text;
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  }
  auto next = start(dir_.file("quick.lua"), "next.log");
  EXPECT_EQ(next->wait_exit(30s), 0) << next->log();
  const std::string received = test::read_file(marker + ".recovered");
  EXPECT_NE(received.find("\"password\":\"hunter2-not-shown\""), std::string::npos) << received;
  EXPECT_EQ(test::read_file(marker), "off");
  // Once reconciled, the store keeps the password no longer.
  EXPECT_EQ(store::testing::raw_query(db_, "SELECT count(*) FROM fault_recovery"),
            (store::testing::Rows{{"0"}}));
}

TEST_F(RunProcessTest, RollbacksThatSleepAnHourDoNotKeepCtrlCFromEndingTheRun) {
  const std::string& marker = effect_;
  auto run = start(hanging_rollbacks(), "hang.log");
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(marker) == "on"; }, 30s)) << run->log();
  ASSERT_EQ(kill(run->pid(), SIGINT), 0);
  // Bounded by the rollbacks' deadline (10 s); the bound here is a hang detector.
  auto code = run->wait_exit(30s);
  ASSERT_TRUE(code.has_value()) << "chaosctl did not end:\n" << run->log();
  EXPECT_EQ(*code, 3) << run->log();
  EXPECT_EQ(test::read_file(marker), "off");
  EXPECT_NE(run->log().find("rollbacks: not finished within 10s; abandoned"), std::string::npos)
      << run->log();
  auto store = store::Store::open(db_);
  ASSERT_TRUE(store.is_ok());
  auto stored = store.value()->get_run(1).value();
  EXPECT_EQ(stored.state, "done");
  EXPECT_EQ(stored.verdict, "aborted");
}

TEST_F(RunProcessTest, ASecondCtrlCCutsHangingRollbacksShort) {
  const std::string& marker = effect_;
  auto run = start(hanging_rollbacks(), "hang.log");
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(marker) == "on"; }, 30s)) << run->log();
  ASSERT_EQ(kill(run->pid(), SIGINT), 0);
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(marker) == "off"; }, 10s));
  ASSERT_EQ(kill(run->pid(), SIGINT), 0);
  auto code = run->wait_exit(5s);  // well inside the 10 s deadline the first one would wait
  ASSERT_TRUE(code.has_value()) << run->log();
  EXPECT_EQ(*code, 3) << run->log();
  EXPECT_NE(run->log().find("cut short by a second abort request"), std::string::npos)
      << run->log();
}

class StopSignalTest : public RunProcessTest, public ::testing::WithParamInterface<int> {};

TEST_P(StopSignalTest, RollsBackAndRecordsTheSignal) {
  const int sig = GetParam();
  auto run = start(fault_experiment("60s"), "signal.log");
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(effect_) == "on"; }, 30s))
      << run->log();
  ASSERT_EQ(kill(run->pid(), sig), 0);
  auto code = run->wait_exit(30s);
  ASSERT_TRUE(code.has_value()) << "chaosctl did not exit by itself:\n" << run->log();
  EXPECT_EQ(*code, 3) << run->log();
  EXPECT_EQ(test::read_file(effect_), "off");
  auto store = store::Store::open(db_);
  ASSERT_TRUE(store.is_ok());
  auto stored = store.value()->get_run(1).value();
  EXPECT_EQ(stored.state, "done");
  EXPECT_EQ(stored.verdict, "aborted");
  EXPECT_NE(stored.reason.find(std::string("SIG") + sigabbrev_np(sig)), std::string::npos)
      << stored.reason;
}

INSTANTIATE_TEST_SUITE_P(EveryStopSignal, StopSignalTest,
                         ::testing::Values(SIGINT, SIGTERM, SIGHUP, SIGQUIT),
                         [](const auto& info) { return std::string(sigabbrev_np(info.param)); });

// `chaosctl run exp.lua | head`: the reader goes away while the fault is on. Before the fix
// chaosctl died of SIGPIPE (exit 141) with the fault left on and the run stuck at running.
TEST_F(RunProcessTest, AReaderThatGoesAwayMidFaultDoesNotEndTheRun) {
  const std::string script =
      "\"$0\" --db \"$1\" --plugin-dir \"$2\" run \"$3\""
      " | { until grep -qx on \"$4\" 2>/dev/null; do sleep 0.05; done; }; "
      "echo \"chaosctl exit ${PIPESTATUS[0]}\"";
  test::ChildProcess shell("/bin/bash",
                           {"-c", script, chaosctl_, db_, plugins_, fault_experiment("2s"), effect_},
                           dir_.file("pipe.log"));
  auto code = shell.wait_exit(60s);
  ASSERT_TRUE(code.has_value()) << shell.log();
  EXPECT_NE(shell.log().find("chaosctl exit 0"), std::string::npos) << shell.log();
  EXPECT_EQ(test::read_file(effect_), "off");
  auto store = store::Store::open(db_);
  ASSERT_TRUE(store.is_ok());
  EXPECT_EQ(store.value()->get_run(1).value().verdict, "passed");
}

// A log redirected to a full disk (ENOSPC on every write) does not stop the run either.
TEST_F(RunProcessTest, AFullDiskUnderStdoutDoesNotEndTheRun) {
  test::ChildProcess shell("/bin/bash",
                           {"-c", "\"$0\" --db \"$1\" --plugin-dir \"$2\" run \"$3\" >/dev/full; "
                                  "echo \"chaosctl exit $?\"",
                            chaosctl_, db_, plugins_, fault_experiment("1s")},
                           dir_.file("full.log"));
  auto code = shell.wait_exit(60s);
  ASSERT_TRUE(code.has_value()) << shell.log();
  EXPECT_NE(shell.log().find("chaosctl exit 0"), std::string::npos) << shell.log();
  EXPECT_EQ(test::read_file(effect_), "off");
}

// Nor on stderr, where a stop signal's notice goes: Ctrl-C with a fault on still rolls back.
TEST_F(RunProcessTest, AFullDiskUnderStderrDoesNotKeepCtrlCFromRollingBack) {
  test::ChildProcess run("/bin/bash",
                         {"-c", "exec \"$0\" --db \"$1\" --plugin-dir \"$2\" run \"$3\" 2>/dev/full",
                          chaosctl_, db_, plugins_, fault_experiment("60s")},
                         dir_.file("stderr.log"));
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(effect_) == "on"; }, 30s)) << run.log();
  ASSERT_EQ(kill(run.pid(), SIGINT), 0);  // bash exec'd chaosctl: this is its pid
  auto code = run.wait_exit(30s);
  ASSERT_TRUE(code.has_value()) << "chaosctl did not exit by itself:\n" << run.log();
  EXPECT_EQ(*code, 3) << run.log();
  EXPECT_EQ(test::read_file(effect_), "off");
  auto store = store::Store::open(db_);
  ASSERT_TRUE(store.is_ok());
  auto stored = store.value()->get_run(1).value();
  EXPECT_EQ(stored.verdict, "aborted");
  EXPECT_NE(stored.reason.find("SIGINT"), std::string::npos) << stored.reason;
}

// A Lua error, the CPU budget or a plugin error while a fault is on, in the real chaosctl: the
// run ends errored (exit 4) with why in the store (as `show --json` gives it), and the fault's
// effect is gone. The dry run (before anything is injected) would catch a Lua error or a
// runaway loop reached on every path, so these are reached only once a second fault's start
// really fails: in the dry run, nothing starts and nothing fails.
struct ErrorPath {
  const char* name;
  const char* method;  // Lua, after the fault on `effect_` is injected
  const char* reason;  // in the stored reason
};

class ErrorPathTest : public RunProcessTest, public ::testing::WithParamInterface<ErrorPath> {};

TEST_P(ErrorPathTest, EndsErroredAndRollsBack) {
  test::write_file(dir_.file("error.lua"),
                   "experiment { title = 'error', method = function()\n"
                   "  chaos.inject('fake', { file = '" + effect_ + "' }, { duration = '60s' })\n"
                   "  chaos.sleep('300ms')\n"
                   "  local real = not pcall(chaos.inject, 'fake', { file = 'x', fail_start = true })\n" +
                       std::string(GetParam().method) + "\nend }\n");
  auto run = start(dir_.file("error.lua"), "error.log");
  auto code = run->wait_exit(60s);
  ASSERT_TRUE(code.has_value()) << run->log();
  EXPECT_EQ(*code, 4) << run->log();
  EXPECT_EQ(test::read_file(effect_), "off") << run->log();
  test::ChildProcess show(chaosctl_, {"--db", db_, "show", "1", "--json"}, dir_.file("show.log"));
  ASSERT_EQ(show.wait_exit(30s), 0) << show.log();
  const boost::json::object shown = boost::json::parse(show.log()).as_object();
  EXPECT_EQ(shown.at("state"), "done") << show.log();
  EXPECT_EQ(shown.at("verdict"), "errored") << show.log();
  const std::string reason(shown.at("reason").as_string());
  EXPECT_NE(reason.find(GetParam().reason), std::string::npos) << reason;
}

INSTANTIATE_TEST_SUITE_P(
    MidFault, ErrorPathTest,
    ::testing::Values(
        ErrorPath{"PluginError", "  chaos.inject('fake', { file = 'x', fail_start = true })",
                  "fail_start"},
        ErrorPath{"LuaError", "  if real then error('boom') end", "error.lua:5: boom"},
        ErrorPath{"CpuBudget", "  if real then while true do end end",
                  "error.lua:5: stopped: ran for more than 2000 ms without yielding"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace chaos
