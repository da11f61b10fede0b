// Cron expressions: what they match (next_after, in UTC) and how bad ones are refused.
#include "scheduler/cron.h"

#include <gtest/gtest.h>

#include <chrono>

namespace chaos::scheduler {
namespace {

using namespace std::chrono;

int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  const sys_days date = year(y) / month(mo) / std::chrono::day(d);
  return duration_cast<milliseconds>((date + hours(h) + minutes(mi) + seconds(s)).time_since_epoch())
             .count() +
         ms;
}

int64_t next(const std::string& expression, int64_t after) {
  auto cron = CronSchedule::parse(expression);
  EXPECT_TRUE(cron) << expression << ": " << cron.status().message();
  if (!cron) return -1;
  auto t = cron->next_after(after);
  EXPECT_TRUE(t.has_value()) << expression;
  return t.value_or(-1);
}

std::string error_of(const std::string& expression) {
  auto cron = CronSchedule::parse(expression);
  EXPECT_FALSE(cron) << expression << " should be refused";
  return cron ? "" : cron.status().message();
}

TEST(Cron, StepsListsAndRanges) {
  EXPECT_EQ(next("*/15 * * * *", utc(2026, 11, 22, 19, 31, 10)), utc(2026, 11, 22, 19, 45));
  EXPECT_EQ(next("10-20/5 * * * *", utc(2026, 11, 22, 19, 16)), utc(2026, 11, 22, 19, 20));
  EXPECT_EQ(next("10-20/5 * * * *", utc(2026, 11, 22, 19, 20)), utc(2026, 11, 22, 20, 10));
  EXPECT_EQ(next("5,35 9-17 * * *", utc(2026, 11, 22, 17, 36)), utc(2026, 11, 23, 9, 5));
  EXPECT_EQ(next("30/10 * * * *", utc(2026, 11, 22, 19, 55)), utc(2026, 11, 22, 20, 30));
}

TEST(Cron, StrictlyAfterAndWholeSeconds) {
  EXPECT_EQ(next("0 * * * *", utc(2026, 11, 22, 19, 0)), utc(2026, 11, 22, 20, 0));
  EXPECT_EQ(next("0 * * * *", utc(2026, 11, 22, 18, 59, 59, 999)), utc(2026, 11, 22, 19, 0));
}

TEST(Cron, DaysOfWeekWithNamesAndSevenAsSunday) {
  // 2026-11-21 is a Saturday.
  EXPECT_EQ(next("0 9 * * mon-fri", utc(2026, 11, 21, 10)), utc(2026, 11, 23, 9));
  EXPECT_EQ(next("0 12 * * 7", utc(2026, 11, 21, 10)), utc(2026, 11, 22, 12));
  EXPECT_EQ(next("0 12 * * 0", utc(2026, 11, 21, 10)), utc(2026, 11, 22, 12));
  EXPECT_EQ(next("0 12 * * SUN", utc(2026, 11, 21, 10)), utc(2026, 11, 22, 12));
  EXPECT_EQ(next("0 9 * * */2", utc(2026, 11, 22, 10)), utc(2026, 11, 24, 9));  // Tue (2)
}

// Vixie cron: both day fields restricted means either may match.
TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  EXPECT_EQ(next("0 9 1 * mon", utc(2026, 11, 22, 10)), utc(2026, 11, 23, 9));  // a Monday
  EXPECT_EQ(next("0 9 1 * mon", utc(2026, 11, 30, 10)), utc(2026, 12, 1, 9));   // the 1st
  // One restricted: both must hold (the * always does).
  EXPECT_EQ(next("0 9 1 * *", utc(2026, 11, 22, 10)), utc(2026, 12, 1, 9));
  EXPECT_EQ(next("0 9 * * mon", utc(2026, 11, 24, 10)), utc(2026, 11, 30, 9));
}

TEST(Cron, MonthsYearsAndLeapDays) {
  EXPECT_EQ(next("0 0 1 jan,jul *", utc(2026, 7, 1, 0, 0, 1)), utc(2027, 1, 1));
  EXPECT_EQ(next("0 0 1 1 *", utc(2026, 12, 31, 23, 59, 59)), utc(2027, 1, 1));
  EXPECT_EQ(next("0 0 29 2 *", utc(2026, 3, 1)), utc(2028, 2, 29));
  EXPECT_EQ(next("0 0 31 * *", utc(2026, 11, 1)), utc(2026, 12, 31));  // November has 30
}

TEST(Cron, SixFieldsHaveALeadingSecond) {
  EXPECT_EQ(next("*/10 * * * * *", utc(2026, 11, 22, 19, 31, 10, 500)),
            utc(2026, 11, 22, 19, 31, 20));
  EXPECT_EQ(next("*/10 * * * * *", utc(2026, 11, 22, 19, 31, 20)),
            utc(2026, 11, 22, 19, 31, 30));
  EXPECT_EQ(next("30 0 12 * * *", utc(2026, 11, 22, 12, 0, 31)), utc(2026, 11, 23, 12, 0, 30));
}

TEST(Cron, Macros) {
  EXPECT_EQ(next("@hourly", utc(2026, 11, 22, 19, 31)), utc(2026, 11, 22, 20));
  EXPECT_EQ(next("@daily", utc(2026, 11, 22, 19, 31)), utc(2026, 11, 23));
  EXPECT_EQ(next("@weekly", utc(2026, 11, 22, 19, 31)), utc(2026, 11, 29));  // Sunday 00:00
  EXPECT_EQ(next("@monthly", utc(2026, 11, 22)), utc(2026, 12, 1));
  EXPECT_EQ(next("@yearly", utc(2026, 11, 22)), utc(2027, 1, 1));
  EXPECT_EQ(next(" @Daily ", utc(2026, 11, 22, 19, 31)), utc(2026, 11, 23));
}

TEST(Cron, BadExpressionsAreRefusedNamingTheFieldAndTheProblem) {
  EXPECT_NE(error_of("60 * * * *").find("minute: 60 is out of range 0-59"), std::string::npos);
  EXPECT_NE(error_of("0 24 * * *").find("hour: 24 is out of range 0-23"), std::string::npos);
  EXPECT_NE(error_of("0 0 0 * *").find("day-of-month: 0 is out of range 1-31"), std::string::npos);
  EXPECT_NE(error_of("0 0 * 13 *").find("month: 13"), std::string::npos);
  EXPECT_NE(error_of("0 0 * * 8").find("day-of-week: 8"), std::string::npos);
  EXPECT_NE(error_of("* * *").find("has 3 fields"), std::string::npos);
  EXPECT_NE(error_of("* * * * * * *").find("has 7 fields"), std::string::npos);
  EXPECT_NE(error_of("").find("has 0 fields"), std::string::npos);
  EXPECT_NE(error_of("0 0 30 2 *").find("never fires"), std::string::npos);
  EXPECT_NE(error_of("0 0 ? * *").find("Quartz"), std::string::npos);
  EXPECT_NE(error_of("0 0 L * *").find("Quartz"), std::string::npos);
  EXPECT_NE(error_of("0 0 15W * *").find("Quartz"), std::string::npos);
  EXPECT_NE(error_of("0 0 * * fri#2").find("Quartz"), std::string::npos);
  EXPECT_NE(error_of("20-10 * * * *").find("runs backwards"), std::string::npos);
  EXPECT_NE(error_of("*/0 * * * *").find("step"), std::string::npos);
  EXPECT_NE(error_of("*/x * * * *").find("step"), std::string::npos);
  EXPECT_NE(error_of("1,,2 * * * *").find("empty item"), std::string::npos);
  EXPECT_NE(error_of("0 0 * foo *").find("'foo' is not a number or a name"), std::string::npos);
  EXPECT_NE(error_of("0 0 * * funday").find("day-of-week"), std::string::npos);
  EXPECT_NE(error_of("@reboot").find("not a macro"), std::string::npos);
  EXPECT_NE(error_of("-1 * * * *").find("minute"), std::string::npos);
}

}  // namespace
}  // namespace chaos::scheduler
