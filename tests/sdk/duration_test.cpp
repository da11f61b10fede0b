// The one duration grammar (chaos/sdk/duration.hpp) that chaosctl's schema validator, its Lua
// API and every plugin share: compound forms, exact fractions, every way to be wrong, the
// 100000h cap at each unit (issue 17.4), bounds, and format/parse round trips. Built as C++17:
// what a plugin compiles it with.

#include <gtest/gtest.h>

#include <chaos/sdk/duration.hpp>
#include <chaos/sdk/params.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace {

using chaos::sdk::DurationBounds;
using chaos::sdk::DurationError;
using chaos::sdk::format_duration_us;
using chaos::sdk::kMaxDurationUs;
using chaos::sdk::parse_duration;
using chaos::sdk::parse_duration_us;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;

DurationError error_of(const char* text) { return parse_duration(text).error; }

TEST(DurationGrammar, SingleUnits) {
  EXPECT_EQ(parse_duration_us("500us"), 500);
  EXPECT_EQ(parse_duration_us("250ms"), 250000);
  EXPECT_EQ(parse_duration_us("1.5s"), 1500000);
  EXPECT_EQ(parse_duration_us("2m"), 2 * kMinute);
  EXPECT_EQ(parse_duration_us("1h"), kHour);
  EXPECT_EQ(parse_duration_us("0.25h"), 15 * kMinute);
  EXPECT_EQ(parse_duration_us("007s"), 7 * kSecond);
}

TEST(DurationGrammar, CompoundFormsAddUp) {
  EXPECT_EQ(parse_duration_us("1m30s"), 90 * kSecond);
  EXPECT_EQ(parse_duration_us("1h2m3.5s"), kHour + 2 * kMinute + 3500000);
  EXPECT_EQ(parse_duration_us("1s500ms"), 1500000);
  EXPECT_EQ(parse_duration_us("1h1us"), kHour + 1);
  EXPECT_EQ(parse_duration_us("1m90s"), 150 * kSecond);  // a sum, like Go's
  EXPECT_EQ(parse_duration_us("2h30m15s250ms100us"),
            2 * kHour + 30 * kMinute + 15 * kSecond + 250000 + 100);
}

TEST(DurationGrammar, ZeroInEveryUnit) {
  for (const char* zero : {"0us", "0ms", "0s", "0m", "0h", "0.0s", "0h0m0s"})
    EXPECT_EQ(parse_duration_us(zero), 0) << zero;
}

TEST(DurationGrammar, FractionsAreExactToTheMicrosecond) {
  EXPECT_EQ(parse_duration_us("0.000001s"), 1);
  EXPECT_EQ(parse_duration_us("1.001ms"), 1001);
  EXPECT_EQ(parse_duration_us("0.1s"), 100000);            // no 0.1 double rounding
  EXPECT_EQ(parse_duration_us("1.5000000000s"), 1500000);  // trailing zeros are not precision
  EXPECT_EQ(parse_duration_us("0.0000001h"), 360);
  EXPECT_EQ(error_of("0.5us"), DurationError::kTooPrecise);
  EXPECT_EQ(error_of("1.0000001s"), DurationError::kTooPrecise);
  EXPECT_EQ(error_of("0.0001ms"), DurationError::kTooPrecise);
  EXPECT_EQ(error_of("1.0000000001m"), DurationError::kTooPrecise);
}

TEST(DurationGrammar, NegativesAndJunkAreRefusedWithTheirReason) {
  EXPECT_EQ(error_of(""), DurationError::kEmpty);
  EXPECT_EQ(error_of("-1s"), DurationError::kNegative);
  EXPECT_EQ(error_of("-0s"), DurationError::kNegative);
  for (const char* text : {"ms", "fast", "+5s", " 5s", "s5"})
    EXPECT_EQ(error_of(text), DurationError::kNoNumber) << text;
  for (const char* text : {"1.s", "1..5s", "1.5.5s", ".5s"})
    EXPECT_EQ(error_of(text), DurationError::kBadNumber) << text;
  for (const char* text : {"250", "0", "1m30"})
    EXPECT_EQ(error_of(text), DurationError::kNoUnit) << text;
  for (const char* text : {"1sec", "1e3ms", "5 s", "5S", "1µs", "1d", "5s ", "1m,30s"})
    EXPECT_EQ(error_of(text), DurationError::kBadUnit) << text;
  for (const char* text : {"30s1m", "1s1s", "1ms1s", "1us1h"})
    EXPECT_EQ(error_of(text), DurationError::kUnitOrder) << text;
}

TEST(DurationGrammar, TheCapHoldsAtEveryUnit) {
  // The largest value in each unit is accepted, one step more is too long.
  EXPECT_EQ(parse_duration_us("100000h"), kMaxDurationUs);
  EXPECT_EQ(parse_duration_us("6000000m"), kMaxDurationUs);
  EXPECT_EQ(parse_duration_us("360000000s"), kMaxDurationUs);
  EXPECT_EQ(parse_duration_us("360000000000ms"), kMaxDurationUs);
  EXPECT_EQ(parse_duration_us("360000000000000us"), kMaxDurationUs);
  for (const char* text : {"100001h", "100000.000001h", "6000001m", "360000001s", "360000000001ms",
                           "360000000000001us", "100000h1us", "99999h60m0.000001s"})
    EXPECT_EQ(error_of(text), DurationError::kTooLong) << text;
  // The inputs of issue 17.4, and values that overflow int64 on their own.
  for (const char* text : {"99999999999999h", "9223372036854775807us", "9223372036854775808us",
                           "99999999999999999999999999999s", "18446744073709551616ms"})
    EXPECT_EQ(error_of(text), DurationError::kTooLong) << text;
}

TEST(DurationGrammar, MessagesQuoteTheTextAndSayWhatIsWrong) {
  auto message = [](const char* text) {
    return chaos::sdk::duration_error_message(text, parse_duration(text));
  };
  EXPECT_EQ(message("99999999999999h"),
            "'99999999999999h' is too long; a duration is at most 100000h (about 11 years)");
  EXPECT_EQ(message("-5s"), "'-5s' is negative; a duration is 0s or more");
  EXPECT_EQ(message("250"),
            "'250' is not a duration: a number needs a unit, like \"250ms\" or \"30s\" (units: h, "
            "m, s, ms, us)");
  EXPECT_EQ(message("5sec"),
            "'5sec' is not a duration: unknown unit 'sec' (units: h, m, s, ms, us)");
  EXPECT_EQ(message("5 s"), "'5 s' is not a duration: no spaces, like \"1m30s\"");
  EXPECT_EQ(message("30s1m"),
            "'30s1m' is not a duration: write the units largest first, each once, like \"1m30s\"");
  EXPECT_EQ(message("0.5us"), "'0.5us' is finer than a microsecond, the smallest step");
  EXPECT_EQ(message("fast").rfind("'fast' is not a duration; expected numbers with units", 0), 0u);
}

TEST(DurationFormat, ShortestExactForms) {
  EXPECT_EQ(format_duration_us(0), "0ms");
  EXPECT_EQ(format_duration_us(1), "1us");
  EXPECT_EQ(format_duration_us(999), "999us");
  EXPECT_EQ(format_duration_us(1000), "1ms");
  EXPECT_EQ(format_duration_us(1500), "1.5ms");
  EXPECT_EQ(format_duration_us(250000), "250ms");
  EXPECT_EQ(format_duration_us(999999), "999.999ms");
  EXPECT_EQ(format_duration_us(kSecond), "1s");
  EXPECT_EQ(format_duration_us(1500000), "1.5s");
  EXPECT_EQ(format_duration_us(90 * kSecond), "1m30s");
  EXPECT_EQ(format_duration_us(2 * kMinute), "2m");
  EXPECT_EQ(format_duration_us(kHour), "1h");
  EXPECT_EQ(format_duration_us(kHour + 2 * kMinute + 3500000), "1h2m3.5s");
  EXPECT_EQ(format_duration_us(kHour + 1), "1h0.000001s");
  EXPECT_EQ(format_duration_us(kMaxDurationUs), "100000h");
  EXPECT_EQ(format_duration_us(-1500000), "-1.5s");
  EXPECT_EQ(format_duration_us(std::numeric_limits<int64_t>::min()), "-2562047788h54.775808s");
}

TEST(DurationFormat, RoundTripsThroughTheParser) {
  std::mt19937_64 rng(17);
  std::vector<int64_t> values = {0,
                                 1,
                                 999,
                                 1000,
                                 1001,
                                 59999999,
                                 60000000,
                                 3599999999,
                                 kHour,
                                 kMaxDurationUs - 1,
                                 kMaxDurationUs};
  // Each magnitude from 1us to the cap, at random.
  for (int64_t top = 10; top <= kMaxDurationUs / 10; top *= 10)
    for (int i = 0; i < 200; ++i)
      values.push_back(std::uniform_int_distribution<int64_t>(0, top)(rng));
  for (const int64_t us : values) {
    const std::string text = format_duration_us(us);
    EXPECT_EQ(parse_duration_us(text), us) << text;
  }
}

TEST(DurationBoundsTest, WrittenAsTextCheckedAtCompileTime) {
  constexpr DurationBounds delay = DurationBounds::at_most("10m");
  static_assert(delay.min_us == 0 && delay.max_us == 10 * kMinute);
  constexpr DurationBounds timeout = DurationBounds::between("1ms", "1h");
  static_assert(timeout.min_us == 1000 && timeout.max_us == kHour);
  static_assert(parse_duration_us("1m30s") == 90 * kSecond);
  EXPECT_EQ(chaos::sdk::duration_bounds_problem(10 * kMinute, delay), "");
  EXPECT_EQ(chaos::sdk::duration_bounds_problem(11 * kMinute, delay), "must be at most 10m");
  EXPECT_EQ(chaos::sdk::duration_bounds_problem(0, timeout), "must be between 1ms and 1h");
  EXPECT_EQ(chaos::sdk::duration_bounds_problem(0, DurationBounds::at_least("1ms")),
            "must be at least 1ms");
}

TEST(DurationParams, GettersNameTheFieldAndTheBound) {
  const auto p = chaos::sdk::Params::parse(
      R"({"delay":"11m","every":"1m30s","huge":"9223372036854775807us"})");
  auto message = [](auto fn) {
    try {
      fn();
    } catch (const chaos::sdk::Error& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_EQ(p.get_duration_us("every"), 90 * kSecond);
  EXPECT_EQ(message([&] { p.get_duration_us("delay", DurationBounds::at_most("10m")); }),
            "delay: '11m' must be at most 10m");
  EXPECT_EQ(message([&] { p.get_duration_us("huge"); }),
            "huge: '9223372036854775807us' is too long; a duration is at most 100000h (about 11 "
            "years)");
  EXPECT_EQ(p.get_duration_us("absent", "2s", DurationBounds::at_most("10m")), 2 * kSecond);
  EXPECT_EQ(message([&] { p.get_duration_us("absent", "2 s"); }).rfind("absent: the plugin's", 0),
            0u);
}

}  // namespace
