// The scheduler's own thread on a manual clock: a week of a Europe/Berlin schedule across each
// daylight-saving change runs in milliseconds, and fires exactly when cron.h says it should.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "scheduler/scheduler.h"
#include "support/test_support.h"

namespace chaos::scheduler {
namespace {

using namespace std::chrono;

int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  const sys_days date = year(y) / month(mo) / std::chrono::day(d);
  return duration_cast<milliseconds>((date + hours(h) + minutes(mi)).time_since_epoch()).count();
}

// The times (on `clock`) of the first `n` starts of `expression` from `start_unix_ms`.
std::vector<int64_t> run_days(const std::string& expression, int64_t start_unix_ms, size_t n) {
  ManualClock clock(start_unix_ms);
  auto cron = CronSchedule::parse(expression);
  EXPECT_TRUE(cron) << cron.status().message();
  std::vector<Schedule> schedules;
  schedules.push_back({std::move(cron).value(), "gameday.lua", {}});
  std::mutex mutex;
  std::vector<int64_t> fired;
  Scheduler s(std::move(schedules), clock, [&](const Schedule&) -> Result<int64_t> {
    std::lock_guard lock(mutex);
    fired.push_back(clock.unix_ms());
    return static_cast<int64_t>(fired.size());
  });
  const auto wall_start = steady_clock::now();
  s.start();
  EXPECT_TRUE(test::wait_for([&] {
    std::lock_guard lock(mutex);
    return fired.size() >= n;
  }));
  s.stop();
  // Days of schedule, not days of waiting (a loose bound: this is a hang guard, not a benchmark).
  EXPECT_LT(steady_clock::now() - wall_start, seconds(5));
  std::lock_guard lock(mutex);
  fired.resize(std::min(fired.size(), n));
  return fired;
}

TEST(SchedulerDays, AWeekAcrossTheFallBackFiresOnceADay) {
  EXPECT_EQ(run_days("TZ=Europe/Berlin 30 2 * * *", utc(2026, 10, 22), 6),
            (std::vector<int64_t>{utc(2026, 10, 22, 0, 30), utc(2026, 10, 23, 0, 30),
                                  utc(2026, 10, 24, 0, 30),
                                  utc(2026, 10, 25, 0, 30),  // 02:30 CEST; not again at CET
                                  utc(2026, 10, 26, 1, 30), utc(2026, 10, 27, 1, 30)}));
}

TEST(SchedulerDays, AWeekAcrossTheSpringForwardFiresAtTheChange) {
  EXPECT_EQ(run_days("TZ=Europe/Berlin 30 2 * * *", utc(2026, 3, 27), 4),
            (std::vector<int64_t>{utc(2026, 3, 27, 1, 30), utc(2026, 3, 28, 1, 30),
                                  utc(2026, 3, 29, 1, 0),  // 02:30 does not exist: 03:00 CEST
                                  utc(2026, 3, 30, 0, 30)}));
  EXPECT_EQ(run_days("TZ=America/New_York 0 14 * * wed", utc(2026, 3, 1), 2),
            (std::vector<int64_t>{utc(2026, 3, 4, 19), utc(2026, 3, 11, 18)}));  // EST, then EDT
}

}  // namespace
}  // namespace chaos::scheduler
