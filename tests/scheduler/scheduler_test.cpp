// The scheduler's decisions (when a schedule fires, what a refused start does, late wake-ups)
// driven with explicit times; and its thread against the real clock, stopping promptly.
#include "scheduler/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "support/test_support.h"

namespace chaos::scheduler {
namespace {

// 2026-11-22 19:31:05 UTC
constexpr int64_t kStart = 1795375865000;

Schedule every_ten_seconds(const std::string& experiment) {
  auto cron = CronSchedule::parse("*/10 * * * * *");
  EXPECT_TRUE(cron);
  return {std::move(cron).value(), experiment};
}

TEST(Scheduler, FiresWhenDueAndComputesTheNextTime) {
  ManualClock clock(kStart);
  std::vector<std::string> started;
  std::vector<ScheduleStatus> reported;
  std::vector<Schedule> schedules;
  schedules.push_back(every_ten_seconds("a.lua"));
  Scheduler s(
      std::move(schedules), clock,
      [&](const Schedule& sch) -> Result<int64_t> {
        const std::string& e = sch.experiment;
        started.push_back(e);
        return static_cast<int64_t>(started.size());
      },
      [&](const ScheduleStatus& st) { reported.push_back(st); });
  ASSERT_EQ(s.status().size(), 1u);
  EXPECT_EQ(s.status()[0].next_unix_ms, kStart + 5000);  // :10
  EXPECT_EQ(s.status()[0].expression, "*/10 * * * * *");

  EXPECT_EQ(s.fire_due(kStart + 4999), 0);
  EXPECT_TRUE(started.empty());
  EXPECT_EQ(s.fire_due(kStart + 5000), 1);
  ASSERT_EQ(started, std::vector<std::string>{"a.lua"});
  ScheduleStatus st = s.status()[0];
  EXPECT_EQ(st.last_run_id, 1);
  EXPECT_EQ(st.runs_started, 1);
  EXPECT_EQ(st.last_fired_unix_ms, kStart + 5000);
  EXPECT_EQ(st.next_unix_ms, kStart + 15000);
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].last_run_id, 1);
  EXPECT_EQ(s.fire_due(kStart + 5000), 0);  // once per due time
}

TEST(Scheduler, ARefusedStartIsASkipWithItsReason) {
  ManualClock clock(kStart);
  std::vector<Schedule> schedules;
  schedules.push_back(every_ten_seconds("busy.lua"));
  Scheduler s(std::move(schedules), clock, [](const Schedule& sch) -> Result<int64_t> {
    const std::string& e = sch.experiment;
    return Status::failed(e + " is already running (run 7)");
  });
  EXPECT_EQ(s.fire_due(kStart + 5000), 1);
  const ScheduleStatus st = s.status()[0];
  EXPECT_EQ(st.last_run_id, 0);
  EXPECT_EQ(st.runs_started, 0);
  EXPECT_EQ(st.firings_skipped, 1);
  EXPECT_EQ(st.last_skip_reason, "busy.lua is already running (run 7)");
  EXPECT_EQ(st.next_unix_ms, kStart + 15000);
}

TEST(Scheduler, ALateWakeUpFiresOnceNotOncePerMissedTime) {
  ManualClock clock(kStart);
  int starts = 0;
  std::vector<Schedule> schedules;
  schedules.push_back(every_ten_seconds("a.lua"));
  Scheduler s(std::move(schedules), clock,
              [&](const Schedule&) -> Result<int64_t> { return ++starts; });
  EXPECT_EQ(s.fire_due(kStart + 55000), 1);  // :10 to :60 missed
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(s.status()[0].next_unix_ms, kStart + 65000);  // the next after now
}

TEST(Scheduler, TheThreadFiresOnTheRealClockAndStopsPromptly) {
  SystemClock clock;
  auto cron = CronSchedule::parse("* * * * * *");  // every second
  ASSERT_TRUE(cron);
  std::vector<Schedule> schedules;
  schedules.push_back({std::move(cron).value(), "a.lua"});
  std::atomic<int> starts{0};
  Scheduler s(std::move(schedules), clock,
              [&](const Schedule&) -> Result<int64_t> { return ++starts; });
  s.start();
  EXPECT_TRUE(test::wait_for([&] { return starts >= 2; }, std::chrono::seconds(10)));
  const auto before = std::chrono::steady_clock::now();
  s.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));  // hang guard
  const int after_stop = starts;
  EXPECT_EQ(s.status()[0].runs_started, after_stop);
}

}  // namespace
}  // namespace chaos::scheduler
