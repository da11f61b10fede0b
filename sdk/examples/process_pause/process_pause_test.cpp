// process_pause against a real process: a `sleep 60` child is paused (state T in /proc) and
// resumed, by stop, by destroy and by recover. Uses only the SDK's fake host.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chaos/fake_host.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

extern char** environ;

namespace {

using chaos::sdk::FakeHost;
using namespace std::chrono_literals;

// A `sleep 60` child, killed (and reaped) when the test ends, paused or not.
class Sleeper {
 public:
  Sleeper() {
    char sleep[] = "sleep";
    char sixty[] = "60";
    char* argv[] = {sleep, sixty, nullptr};
    if (posix_spawnp(&pid_, "sleep", nullptr, nullptr, argv, environ) != 0) pid_ = -1;
  }
  ~Sleeper() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

  // The state letter in /proc/PID/stat: 'T' stopped, 'S' sleeping, 'R' running.
  char state() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto paren = text.rfind(')');
    return paren == std::string::npos || paren + 2 >= text.size() ? '?' : text[paren + 2];
  }
  // Signals are asynchronous: wait (with a deadline) until the state is or is not 'T'.
  bool becomes_stopped(bool stopped) const {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if ((state() == 'T') == stopped) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
};

std::string pid_params(pid_t pid) { return "{\"pid\":" + std::to_string(pid) + "}"; }

TEST(ProcessPause, PausesARealProcessAndResumesItOnStop) {
  FakeHost host(PROCESS_PAUSE_PLUGIN);
  ASSERT_TRUE(host.loaded()) << host.load_error();
  Sleeper sleeper;
  ASSERT_GT(sleeper.pid(), 0);

  auto fault = host.create("process_pause", pid_params(sleeper.pid()), "pause-1");
  ASSERT_TRUE(fault.ok()) << fault.created();
  EXPECT_NE(sleeper.state(), 'T');  // create injects nothing

  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(sleeper.becomes_stopped(true)) << "state " << sleeper.state();
  auto status = fault.status();
  EXPECT_TRUE(status.output_is_object()) << status.output;
  EXPECT_NE(status.output.find("\"paused\":true"), std::string::npos) << status.output;
  EXPECT_EQ(fault.start().status, CHAOS_ERR_STATE);  // already paused

  ASSERT_TRUE(fault.stop().ok());
  EXPECT_TRUE(sleeper.becomes_stopped(false)) << "state " << sleeper.state();
  EXPECT_TRUE(fault.stop().ok());  // twice is fine

  const auto records = host.records();
  ASSERT_EQ(records.events.size(), 2u);
  EXPECT_EQ(records.events[0].kind, "process_paused");
  EXPECT_EQ(records.events[0].fault, "pause-1");
  EXPECT_EQ(records.events[1].kind, "process_resumed");
  EXPECT_EQ(records.events[1].detail_json, "{\"pid\":" + std::to_string(sleeper.pid()) + "}");
  ASSERT_EQ(records.metrics.size(), 2u);
  EXPECT_EQ(records.metrics[0].value, 1.0);
  EXPECT_EQ(records.metrics[1].value, 0.0);
  EXPECT_TRUE(records.problems.empty());
}

TEST(ProcessPause, DestroyingARunningFaultResumesTheProcess) {
  FakeHost host(PROCESS_PAUSE_PLUGIN);
  Sleeper sleeper;
  auto fault = host.create("process_pause", pid_params(sleeper.pid()));
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(sleeper.becomes_stopped(true));
  fault.destroy();
  EXPECT_TRUE(sleeper.becomes_stopped(false)) << "state " << sleeper.state();
}

TEST(ProcessPause, RecoverResumesAProcessADeadControllerLeftPaused) {
  FakeHost host(PROCESS_PAUSE_PLUGIN);
  Sleeper sleeper;
  // What a controller killed mid-fault leaves behind: a stopped process and no fault instance.
  ASSERT_EQ(kill(sleeper.pid(), SIGSTOP), 0);
  ASSERT_TRUE(sleeper.becomes_stopped(true));

  auto recovered = host.recover("process_pause", pid_params(sleeper.pid()));
  ASSERT_TRUE(recovered.ok()) << recovered;
  EXPECT_TRUE(sleeper.becomes_stopped(false)) << "state " << sleeper.state();
  EXPECT_TRUE(host.recover("process_pause", pid_params(sleeper.pid())).ok());  // idempotent
  EXPECT_TRUE(host.has_log("SIGCONT"));
}

TEST(ProcessPause, RecoverSucceedsWhenThereIsNothingLeftToResume) {
  FakeHost host(PROCESS_PAUSE_PLUGIN);
  pid_t gone = 0;
  {
    Sleeper sleeper;
    gone = sleeper.pid();
  }  // killed and reaped: the pid is free (and unlikely to be reused this quickly)
  EXPECT_TRUE(host.recover("process_pause", pid_params(gone)).ok());
  EXPECT_TRUE(host.recover("process_pause", R"({"pidfile":"/nonexistent/x.pid"})").ok());
}

TEST(ProcessPause, ReadsThePidfileWhenTheFaultStarts) {
  FakeHost host(PROCESS_PAUSE_PLUGIN);
  Sleeper sleeper;
  char dir_template[] = "/tmp/process-pause-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string pidfile = std::string(dir_template) + "/service.pid";
  auto fault = host.create("process_pause", R"({"pidfile":")" + pidfile + "\"}");
  ASSERT_TRUE(fault.ok()) << fault.created();
  EXPECT_EQ(fault.start().status, CHAOS_ERR_FAILED);  // no pidfile yet
  std::ofstream(pidfile) << sleeper.pid() << "\n";
  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(sleeper.becomes_stopped(true));
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_TRUE(sleeper.becomes_stopped(false));
  std::remove(pidfile.c_str());
  rmdir(dir_template);
}

TEST(ProcessPause, RefusesTargetsThatWouldHurtTheWrongProcess) {
  FakeHost host(PROCESS_PAUSE_PLUGIN);
  // The plugin checks on its own, not only through the schema: create_raw skips the host.
  for (const char* bad :
       {R"({"pid":0})", R"({"pid":-1})", R"({"pid":1})", R"({})", R"({"pid":"12"})",
        R"({"pid":2,"pidfile":"/x"})", R"({"pid":2.5})", "[1]", "{\"pid\":"}) {
    auto fault = host.create_raw("process_pause", bad);
    EXPECT_EQ(fault.created().status, CHAOS_ERR_INVALID_PARAMS) << bad;
    EXPECT_EQ(fault.created().message.rfind("pid", 0) == 0 ||
                  fault.created().message.rfind("parameters", 0) == 0,
              true)
        << bad << " -> " << fault.created().message;
  }
  // Pausing the test process itself would hang it: refused at start.
  auto self = host.create("process_pause", pid_params(getpid()));
  ASSERT_TRUE(self.ok()) << self.created();
  auto started = self.start();
  EXPECT_EQ(started.status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_NE(started.message.find("chaosctl itself"), std::string::npos) << started;
}

TEST(ProcessPause, TheFakeHostFindsTheKindAndItsOptionalOperations) {
  FakeHost host(PROCESS_PAUSE_PLUGIN);
  ASSERT_TRUE(host.loaded()) << host.load_error();
  EXPECT_STREQ(host.plugin()->name, "process");
  const chaos_fault_kind* kind = host.kind("process_pause");
  ASSERT_NE(kind, nullptr);
  EXPECT_EQ(kind->update, nullptr);
  EXPECT_NE(kind->recover, nullptr);
  auto missing = host.create("process_pause", R"({"pids":3})");
  EXPECT_EQ(missing.created().status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(missing.created().message, "pids: unknown parameter");
}

}  // namespace
