// Cron in a time zone (TZ=/CRON_TZ=): wall-clock times in the zone, and the daylight-saving
// rules at both changes in Europe/Berlin and America/New_York — a skipped time fires at the
// change, a repeated one fires once, wildcard schedules follow real time. Needs the system's
// tzdata (Debian package).
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "scheduler/cron.h"

namespace chaos::scheduler {
namespace {

using namespace std::chrono;

int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  const sys_days date = year(y) / month(mo) / std::chrono::day(d);
  return duration_cast<milliseconds>((date + hours(h) + minutes(mi)).time_since_epoch()).count();
}

CronSchedule cron(const std::string& expression) {
  auto c = CronSchedule::parse(expression);
  EXPECT_TRUE(c) << expression << ": " << c.status().message();
  return c ? std::move(c).value() : CronSchedule::parse("* * * * *").value();
}

// The first `n` firings strictly after `after`.
std::vector<int64_t> firings(const std::string& expression, int64_t after, int n) {
  const CronSchedule c = cron(expression);
  std::vector<int64_t> out;
  for (int i = 0; i < n; ++i) {
    auto t = c.next_after(after);
    if (!t) break;
    out.push_back(*t);
    after = *t;
  }
  return out;
}

std::string error_of(const std::string& expression) {
  auto c = CronSchedule::parse(expression);
  EXPECT_FALSE(c) << expression << " should be refused";
  return c ? "" : c.status().message();
}

TEST(CronZone, FieldsAreWallClockTimeInTheZone) {
  // Wednesdays at 14:00 in Berlin: 13:00 UTC in winter (CET), 12:00 UTC in summer (CEST).
  EXPECT_EQ(firings("TZ=Europe/Berlin 0 14 * * wed", utc(2026, 1, 1), 1),
            std::vector<int64_t>{utc(2026, 1, 7, 13)});
  EXPECT_EQ(firings("TZ=Europe/Berlin 0 14 * * wed", utc(2026, 7, 1, 12), 1),
            std::vector<int64_t>{utc(2026, 7, 8, 12)});
  // CRON_TZ= is the same (cronie's spelling), and names are case-insensitive for the key only.
  EXPECT_EQ(firings("CRON_TZ=America/New_York 0 9 * * *", utc(2026, 1, 1), 1),
            std::vector<int64_t>{utc(2026, 1, 1, 14)});
  EXPECT_EQ(firings("tz=America/New_York 0 9 * * *", utc(2026, 7, 1), 1),
            std::vector<int64_t>{utc(2026, 7, 1, 13)});
  // A day boundary in the zone, not in UTC: Monday 00:30 in Berlin is Sunday 23:30 UTC.
  EXPECT_EQ(firings("TZ=Europe/Berlin 30 0 * * mon", utc(2026, 1, 1), 1),
            std::vector<int64_t>{utc(2026, 1, 4, 23, 30)});
  // No zone, or TZ=UTC: UTC.
  EXPECT_EQ(firings("0 14 * * wed", utc(2026, 1, 1), 1), std::vector<int64_t>{utc(2026, 1, 7, 14)});
  EXPECT_EQ(firings("TZ=UTC 0 14 * * wed", utc(2026, 1, 1), 1),
            std::vector<int64_t>{utc(2026, 1, 7, 14)});
  const CronSchedule c = cron("TZ=Europe/Berlin 0 14 * * wed");
  EXPECT_EQ(c.expression(), "TZ=Europe/Berlin 0 14 * * wed");
  EXPECT_EQ(c.time_zone().name(), "Europe/Berlin");
  EXPECT_EQ(cron("0 14 * * wed").time_zone().name(), "UTC");
}

// Europe/Berlin, 2026-03-29: at 01:00 UTC the clock jumps from 02:00 CET to 03:00 CEST.
TEST(CronZone, BerlinSpringForwardASkippedTimeFiresAtTheChange) {
  EXPECT_EQ(firings("TZ=Europe/Berlin 30 2 * * *", utc(2026, 3, 27, 12), 3),
            (std::vector<int64_t>{utc(2026, 3, 28, 1, 30),     // 02:30 CET
                                  utc(2026, 3, 29, 1, 0),      // 02:30 does not exist: 03:00 CEST
                                  utc(2026, 3, 30, 0, 30)}));  // 02:30 CEST
  // A time after the gap is not disturbed, and a time exactly at the change fires once.
  EXPECT_EQ(firings("TZ=Europe/Berlin 0 3 * * *", utc(2026, 3, 28, 12), 2),
            (std::vector<int64_t>{utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 1, 0)}));
  EXPECT_EQ(firings("TZ=Europe/Berlin 0,30 2,3 * * *", utc(2026, 3, 29, 0, 45), 3),
            (std::vector<int64_t>{utc(2026, 3, 29, 1, 0),   // 02:00 and 02:30 and 03:00, once
                                  utc(2026, 3, 29, 1, 30),  // 03:30 CEST
                                  utc(2026, 3, 30, 0, 0)}));
}

// Europe/Berlin, 2026-10-25: at 01:00 UTC the clock goes back from 03:00 CEST to 02:00 CET.
TEST(CronZone, BerlinFallBackARepeatedTimeFiresOnceTheFirstTime) {
  EXPECT_EQ(firings("TZ=Europe/Berlin 30 2 * * *", utc(2026, 10, 24, 12), 2),
            (std::vector<int64_t>{utc(2026, 10, 25, 0, 30),     // 02:30 CEST
                                  utc(2026, 10, 26, 1, 30)}));  // not 02:30 CET that day
  // Started in the second pass (02:10 CET): the repeated 02:30 is still not fired.
  EXPECT_EQ(firings("TZ=Europe/Berlin 30 2 * * *", utc(2026, 10, 25, 1, 10), 1),
            std::vector<int64_t>{utc(2026, 10, 26, 1, 30)});
  // Times after the repeated hour are unaffected: 03:30 CET.
  EXPECT_EQ(firings("TZ=Europe/Berlin 30 3 * * *", utc(2026, 10, 25, 0), 1),
            std::vector<int64_t>{utc(2026, 10, 25, 2, 30)});
}

TEST(CronZone, WildcardSchedulesFollowTheClockThroughBothChanges) {
  // `30 * * * *` has no 02:30 on the spring-forward day...
  EXPECT_EQ(firings("TZ=Europe/Berlin 30 * * * *", utc(2026, 3, 29, 0), 3),
            (std::vector<int64_t>{utc(2026, 3, 29, 0, 30),     // 01:30 CET
                                  utc(2026, 3, 29, 1, 30),     // 03:30 CEST
                                  utc(2026, 3, 29, 2, 30)}));  // 04:30 CEST
  // ...and two on the fall-back day.
  EXPECT_EQ(firings("TZ=Europe/Berlin 30 * * * *", utc(2026, 10, 25, 0), 3),
            (std::vector<int64_t>{utc(2026, 10, 25, 0, 30),     // 02:30 CEST
                                  utc(2026, 10, 25, 1, 30),     // 02:30 CET
                                  utc(2026, 10, 25, 2, 30)}));  // 03:30 CET
  // `*/15` keeps 15 minutes of real time across both days.
  for (const int64_t day : {utc(2026, 3, 28, 23), utc(2026, 10, 24, 23)}) {
    const auto times = firings("TZ=Europe/Berlin */15 * * * *", day, 4 * 6);
    ASSERT_EQ(times.size(), 24u);
    for (size_t i = 1; i < times.size(); ++i) {
      EXPECT_EQ(times[i] - times[i - 1], 15 * 60 * 1000) << "firing " << i;
    }
  }
  EXPECT_FALSE(cron("TZ=Europe/Berlin @hourly").fixed_time());
  EXPECT_FALSE(cron("TZ=Europe/Berlin */15 * * * *").fixed_time());
  EXPECT_TRUE(cron("TZ=Europe/Berlin @daily").fixed_time());
  EXPECT_TRUE(cron("TZ=Europe/Berlin 30 2 * * *").fixed_time());
}

// America/New_York 2026: 03-08 at 07:00 UTC 02:00 EST -> 03:00 EDT; 11-01 at 06:00 UTC
// 02:00 EDT -> 01:00 EST.
TEST(CronZone, NewYorkBothChanges) {
  EXPECT_EQ(firings("TZ=America/New_York 30 2 * * *", utc(2026, 3, 7, 12), 3),
            (std::vector<int64_t>{utc(2026, 3, 8, 7, 0),   // 03:00 EDT, at the change
                                  utc(2026, 3, 9, 6, 30),  // 02:30 EDT
                                  utc(2026, 3, 10, 6, 30)}));
  EXPECT_EQ(firings("TZ=America/New_York 30 1 * * *", utc(2026, 10, 31, 12), 2),
            (std::vector<int64_t>{utc(2026, 11, 1, 5, 30),     // 01:30 EDT, once
                                  utc(2026, 11, 2, 6, 30)}));  // 01:30 EST
  EXPECT_EQ(firings("TZ=America/New_York 30 * * * *", utc(2026, 11, 1, 5), 3),
            (std::vector<int64_t>{utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30),
                                  utc(2026, 11, 1, 7, 30)}));  // 01:30 EDT, 01:30 EST, 02:30
}

TEST(CronZone, AnUnknownOrMissingZoneIsRefusedNamingIt) {
  const std::string unknown = error_of("TZ=Europe/Berln 0 14 * * wed");
  EXPECT_NE(unknown.find("time zone: 'Europe/Berln' is not in the system's time-zone database"),
            std::string::npos)
      << unknown;
  EXPECT_NE(unknown.find("Europe/Berlin"), std::string::npos) << unknown;  // what one looks like
  EXPECT_NE(error_of("TZ=europe/berlin 0 14 * * wed").find("'europe/berlin'"), std::string::npos);
  EXPECT_NE(error_of("TZ= 0 14 * * wed").find("time zone: empty"), std::string::npos);
  EXPECT_NE(error_of("TZ=UTC TZ=UTC 0 14 * * wed").find("time zone: given twice"),
            std::string::npos);
  EXPECT_NE(error_of("TZ=Europe/Berlin 0 25 * * *").find("hour: 25 is out of range"),
            std::string::npos);
  EXPECT_NE(error_of("TZ=Europe/Berlin").find("has 0 fields"), std::string::npos);
}

}  // namespace
}  // namespace chaos::scheduler
