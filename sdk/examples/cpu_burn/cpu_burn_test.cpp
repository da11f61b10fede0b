// cpu_burn through the SDK's fake host: it burns CPU, stops within a period, ends itself at
// max_duration, changes its load live, and refuses what its caps forbid.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chaos/fake_host.hpp>
#include <chrono>
#include <string>
#include <thread>

namespace {

using chaos::sdk::FakeHost;
using namespace std::chrono_literals;

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

TEST(CpuBurn, BurnsCpuWhileStartedAndStopsPromptly) {
  FakeHost host(CPU_BURN_PLUGIN);
  ASSERT_TRUE(host.loaded()) << host.load_error();
  auto fault = host.create("cpu_burn", R"({"threads":1,"load":100})");
  ASSERT_TRUE(fault.ok()) << fault.created();

  const double before = process_cpu_seconds();
  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(host.wait_for_metric("burn_threads", 2s));
  // On busy shared cores the burner gets what the scheduler gives it: wait, with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (process_cpu_seconds() - before < 0.1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(process_cpu_seconds() - before, 0.1);
  EXPECT_NE(fault.status().output.find("\"running\":true"), std::string::npos);

  const auto stop_began = std::chrono::steady_clock::now();
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - stop_began, 2s);  // one 100 ms period, plus load
  auto status = fault.status();
  EXPECT_TRUE(status.output_is_object()) << status.output;
  EXPECT_NE(status.output.find("\"running\":false"), std::string::npos) << status.output;
  EXPECT_TRUE(fault.stop().ok());
  EXPECT_TRUE(host.records().problems.empty());
}

TEST(CpuBurn, EndsItselfAtMaxDuration) {
  FakeHost host(CPU_BURN_PLUGIN);
  auto fault = host.create("cpu_burn", R"({"load":20,"max_duration":"200ms"})");
  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(host.wait_for_event("burn_capped", 5s));
  EXPECT_NE(fault.status().output.find("\"capped\":true"), std::string::npos);
  EXPECT_TRUE(fault.stop().ok());
}

TEST(CpuBurn, ChangesItsLoadWhileRunningButNotItsThreads) {
  FakeHost host(CPU_BURN_PLUGIN);
  auto fault = host.create("cpu_burn", R"({"load":10})");
  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(fault.update(R"({"threads":1,"load":30,"max_duration":"60s"})").ok());
  EXPECT_NE(fault.status().output.find("\"load\":30"), std::string::npos);
  auto more = fault.update(R"({"threads":2,"load":30,"max_duration":"60s"})");
  if (std::thread::hardware_concurrency() >= 2) {
    EXPECT_EQ(more.status, CHAOS_ERR_INVALID_PARAMS);
    EXPECT_EQ(more.message, "threads: cannot change while the fault runs");
  }
}

TEST(CpuBurn, RefusesParametersBeyondItsCaps) {
  FakeHost host(CPU_BURN_PLUGIN);
  // create_raw skips the host's checks, to prove the plugin holds its caps by itself.
  for (const char* bad :
       {R"({"threads":1000})", R"({"threads":0})", R"({"load":101})", R"({"max_duration":"11m"})",
        R"({"max_duration":"soon"})", R"({"colour":"red"})"}) {
    auto fault = host.create_raw("cpu_burn", bad);
    EXPECT_EQ(fault.created().status, CHAOS_ERR_INVALID_PARAMS) << bad;
    EXPECT_FALSE(fault.created().message.empty()) << bad;
  }
}

TEST(CpuBurn, DestroyWhileRunningJoinsEveryThread) {
  FakeHost host(CPU_BURN_PLUGIN);
  {
    auto fault = host.create("cpu_burn", R"({"load":50})");
    ASSERT_TRUE(fault.start().ok());
  }  // destroyed while running
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(host.records().problems.empty());  // no callback after destroy
}

}  // namespace
