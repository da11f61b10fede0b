// Blackout windows: weekly ones across the weekend, daily ones across midnight, dated ones; in
// a zone and across its daylight-saving changes; a run that would run into one; and parse
// errors that name the part that is wrong.
#include "scheduler/blackout.h"

#include <gtest/gtest.h>

#include <chrono>

namespace chaos::scheduler {

// For gtest's messages (found by ADL, so in the type's namespace).
std::ostream& operator<<(std::ostream& os, const BlackoutOccurrence& o) {
  return os << "[" << o.start_unix_ms << ", " << o.end_unix_ms << ")";
}

namespace {

using namespace std::chrono;

int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  const sys_days date = year(y) / month(mo) / std::chrono::day(d);
  return duration_cast<milliseconds>((date + hours(h) + minutes(mi)).time_since_epoch()).count();
}

constexpr int64_t kMinute = 60 * 1000;

BlackoutWindow window(const std::string& text) {
  auto w = BlackoutWindow::parse(text);
  EXPECT_TRUE(w) << text << ": " << w.status().message();
  return w ? std::move(w).value() : BlackoutWindow::parse("00:00-00:01").value();
}

std::string error_of(const std::string& text) {
  auto w = BlackoutWindow::parse(text);
  EXPECT_FALSE(w) << text << " should be refused";
  return w ? "" : w.status().message();
}

// The occurrence in force at `t`, or {0, 0}.
BlackoutOccurrence at(const BlackoutWindow& w, int64_t t) {
  return w.first_overlap(t, t + 1).value_or(BlackoutOccurrence{});
}

TEST(Blackout, WeeklyAcrossTheWeekendInTheZone) {
  const BlackoutWindow w = window("Fri 16:00-Mon 08:00 Europe/Berlin");
  EXPECT_EQ(w.text(), "Fri 16:00-Mon 08:00 Europe/Berlin");
  // January: CET, UTC+1. Friday 2026-01-09 16:00 CET to Monday 2026-01-12 08:00 CET.
  const BlackoutOccurrence weekend{utc(2026, 1, 9, 15), utc(2026, 1, 12, 7)};
  EXPECT_EQ(at(w, utc(2026, 1, 9, 15) - 1), BlackoutOccurrence{});  // 15:59:59 Friday
  EXPECT_EQ(at(w, utc(2026, 1, 9, 15)), weekend);                   // 16:00 Friday: inclusive
  EXPECT_EQ(at(w, utc(2026, 1, 10, 12)), weekend);                  // Saturday
  EXPECT_EQ(at(w, utc(2026, 1, 11, 23, 30)), weekend);              // Monday 00:30 in Berlin
  EXPECT_EQ(at(w, utc(2026, 1, 12, 7) - 1), weekend);               // 07:59:59 Monday
  EXPECT_EQ(at(w, utc(2026, 1, 12, 7)), BlackoutOccurrence{});      // 08:00 Monday: exclusive
  EXPECT_EQ(at(w, utc(2026, 1, 14, 12)), BlackoutOccurrence{});     // Wednesday
  // The weekend of the spring change: starts 16:00 CET, ends 08:00 CEST.
  EXPECT_EQ(at(w, utc(2026, 3, 28, 12)),
            (BlackoutOccurrence{utc(2026, 3, 27, 15), utc(2026, 3, 30, 6)}));
  // Without a zone: UTC.
  EXPECT_EQ(at(window("sat 00:00-mon 00:00"), utc(2026, 1, 11, 23, 59)),
            (BlackoutOccurrence{utc(2026, 1, 10), utc(2026, 1, 12)}));
  EXPECT_EQ(window("Saturday 00:00-Monday 00:00").time_zone().name(), "UTC");
}

TEST(Blackout, DailyAcrossMidnightAndDated) {
  const BlackoutWindow nightly = window("22:00-06:00 America/New_York");
  // 2026-01-14 22:00 EST = 2026-01-15 03:00 UTC, to 06:00 EST = 11:00 UTC.
  EXPECT_EQ(at(nightly, utc(2026, 1, 15, 4)),
            (BlackoutOccurrence{utc(2026, 1, 15, 3), utc(2026, 1, 15, 11)}));
  EXPECT_EQ(at(nightly, utc(2026, 1, 15, 11)), BlackoutOccurrence{});
  EXPECT_EQ(at(nightly, utc(2026, 1, 15, 2, 59)), BlackoutOccurrence{});
  EXPECT_EQ(at(nightly, utc(2026, 7, 15, 2)),
            (BlackoutOccurrence{utc(2026, 7, 15, 2), utc(2026, 7, 15, 10)}));

  const BlackoutWindow holidays = window("2026-12-24 00:00-2026-12-27 00:00 Europe/Berlin");
  const BlackoutOccurrence christmas{utc(2026, 12, 23, 23), utc(2026, 12, 26, 23)};
  EXPECT_EQ(at(holidays, utc(2026, 12, 25, 12)), christmas);
  EXPECT_EQ(at(holidays, utc(2026, 12, 26, 23)), BlackoutOccurrence{});
  EXPECT_EQ(at(holidays, utc(2027, 12, 25, 12)), BlackoutOccurrence{});  // dated: that year only
  EXPECT_EQ(
      holidays.first_overlap(utc(2026, 12, 1), utc(2026, 12, 31)).value_or(BlackoutOccurrence{}),
      christmas);
}

// Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST at 01:00 UTC; 2026-10-25 03:00 CEST ->
// 02:00 CET at 01:00 UTC.
TEST(Blackout, BoundariesInSkippedOrRepeatedHoursCoverTheWallClockTime) {
  // A start at 02:30 that does not exist falls at the change.
  EXPECT_EQ(at(window("02:30-03:30 Europe/Berlin"), utc(2026, 3, 29, 1)),
            (BlackoutOccurrence{utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 30)}));
  // Boundaries in the repeated hour: the start at its first pass, the end at its second.
  EXPECT_EQ(at(window("02:30-04:00 Europe/Berlin"), utc(2026, 10, 25, 0, 30)),
            (BlackoutOccurrence{utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3)}));
  EXPECT_EQ(at(window("01:00-02:30 Europe/Berlin"), utc(2026, 10, 25, 1, 15)),
            (BlackoutOccurrence{utc(2026, 10, 24, 23), utc(2026, 10, 25, 1, 30)}));
}

TEST(Blackout, TheCalendarFindsWhatARunWouldMeet) {
  BlackoutCalendar calendar({window("Fri 16:00-Mon 08:00 Europe/Berlin"),
                             window("2026-01-09 12:00-2026-01-09 13:00 Europe/Berlin")});
  const int64_t friday_3pm = utc(2026, 1, 9, 14);  // 15:00 CET
  EXPECT_FALSE(calendar.conflict(friday_3pm, 30 * kMinute));
  EXPECT_FALSE(calendar.conflict(friday_3pm, 60 * kMinute));  // ends at 16:00 exactly
  auto into = calendar.conflict(friday_3pm, 61 * kMinute);
  ASSERT_TRUE(into);
  EXPECT_FALSE(into->inside);
  EXPECT_EQ(into->window->text(), "Fri 16:00-Mon 08:00 Europe/Berlin");
  EXPECT_EQ(into->occurrence.start_unix_ms, utc(2026, 1, 9, 15));
  // Inside one: that one, whatever else is ahead.
  auto inside = calendar.conflict(utc(2026, 1, 9, 11, 30), 24 * 60 * kMinute);
  ASSERT_TRUE(inside);
  EXPECT_TRUE(inside->inside);
  EXPECT_EQ(inside->window->text(), "2026-01-09 12:00-2026-01-09 13:00 Europe/Berlin");
  // Ahead of both: the one met first.
  auto first = calendar.conflict(utc(2026, 1, 9, 8), 24 * 60 * kMinute);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->occurrence.start_unix_ms, utc(2026, 1, 9, 11));
  EXPECT_FALSE(BlackoutCalendar().conflict(friday_3pm, 61 * kMinute));
}

TEST(Blackout, ParseErrorsNameThePart) {
  const std::pair<std::string, std::string> cases[] = {
      {"Fri 16:00-Mon 25:00", "end time: '25:00' is not a time (HH:MM, 00:00-23:59)"},
      {"Fry 16:00-Mon 08:00", "start day: 'Fry' is not a day of the week"},
      {"Fri 16:0-Mon 08:00", "start time: '16:0' is not a time"},
      {"2026-13-01 00:00-2026-12-27 00:00", "start date: '2026-13-01' is not a date (YYYY-MM-DD)"},
      {"2026-02-28 00:00-2026-02-30 00:00", "end date: '2026-02-30' is not a date"},
      {"Fri 16:00-Mon 08:00 Europe/Berln", "time zone: 'Europe/Berln' is not in the system's"},
      {"Fri 16:00-08:00", "end: expected DAY or DATE and HH:MM after the '-'"},
      {"Fri 16:00-Mon 08:00 Europe/Berlin extra", "end: expected DAY or DATE and HH:MM"},
      {"Fri 16:00-2026-12-27 08:00", "the start is a day of the week and the end a date"},
      {"2026-12-27 00:00-2026-12-24 00:00", "end: it is not after the start"},
      {"Fri 16:00-Fri 16:00", "end: it is the same as the start"},
      {"the weekend", "expected START-END [ZONE]"},
      {"", "expected START-END [ZONE]"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string error = error_of(text);
    EXPECT_NE(error.find(expected), std::string::npos) << text << " -> " << error;
    EXPECT_EQ(error.rfind("'" + text, 0), 0u) << "names the window: " << error;
  }
}

}  // namespace
}  // namespace chaos::scheduler
