// chaos/sdk/duration.hpp — durations as operators write them ("250ms", "1m30s"): the one
// grammar chaosctl and its plugins share. chaosctl's "format": "duration" and its Lua API parse
// with this file, so a plugin that parses here accepts exactly what the host validated.
//
//   duration  := part+                       "1h2m3.5s", "250ms", "500us", "0s"
//   part      := digits [ "." digits ] unit
//   unit      := "h" | "m" | "s" | "ms" | "us"   (each at most once, largest first)
//
// A bare number is refused (the unit is what makes it readable), as are signs, spaces,
// exponents, a fraction finer than a microsecond, and anything longer than kMaxDurationUs
// (100000h, about 11 years): far beyond any experiment, and far enough below the int64 limits
// of microseconds and of std::chrono nanoseconds that adding a duration to a clock reading, or
// a few durations together, cannot overflow.
//
// format_duration_us writes the shortest exact form, which parses back to the same value.
// Thread-safety: pure functions. The parser is constexpr, so a bound written once as text can
// feed both a schema fragment and a compile-time constant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chaos::sdk {

inline constexpr int64_t kMaxDurationUs = 100000LL * 3600 * 1000000;
inline constexpr char kMaxDurationText[] = "100000h";

enum class DurationError {
  kNone,
  kEmpty,       // ""
  kNegative,    // "-5s"
  kNoNumber,    // "fast", "ms", " 5s": a part must start with a digit
  kBadNumber,   // "1.s", "1..5s": a '.' needs digits on both sides
  kNoUnit,      // "250", "1m30": a number without a unit
  kBadUnit,     // "5sec", "1e3ms", "5 s"
  kUnitOrder,   // "30s1m", "1s1s": units largest first, each once
  kTooPrecise,  // "0.5us", "1.0000001s"
  kTooLong,     // past kMaxDurationUs, however many digits
};

struct DurationResult {
  int64_t us = 0;  // valid when ok()
  DurationError error = DurationError::kNone;
  std::string_view unit;  // kBadUnit: the unit as written
  constexpr bool ok() const noexcept { return error == DurationError::kNone; }
};

namespace duration_detail {

struct Unit {
  std::string_view name;
  int64_t us;
};
// Largest first: the order parts must follow.
inline constexpr Unit kUnits[] = {
    {"h", 3600LL * 1000000}, {"m", 60LL * 1000000}, {"s", 1000000}, {"ms", 1000}, {"us", 1}};
inline constexpr int kUnitCount = 5;

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr DurationResult fail(DurationError error, std::string_view unit = {}) noexcept {
  DurationResult r;
  r.error = error;
  r.unit = unit;
  return r;
}

}  // namespace duration_detail

// Parses `text`; on failure error says why (duration_error_message words it for people).
constexpr DurationResult parse_duration(std::string_view text) noexcept {
  using namespace duration_detail;
  if (text.empty()) return fail(DurationError::kEmpty);
  if (text[0] == '-') return fail(DurationError::kNegative);
  int64_t total = 0;
  int next_unit = 0;  // index into kUnits of the largest unit still allowed
  size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) return fail(text[i] == '.' ? DurationError::kBadNumber
                                                       : DurationError::kNoNumber);
    // The whole part, checked against the cap as it grows (any unit is at least 1us).
    int64_t whole = 0;
    while (i < text.size() && is_digit(text[i])) {
      whole = whole * 10 + (text[i++] - '0');
      if (whole > kMaxDurationUs) return fail(DurationError::kTooLong);
    }
    // The fraction: up to 9 significant digits; a unit is at most 3.6e9us, so digits past
    // the ninth are finer than a microsecond unless they are zeros.
    int64_t fraction = 0, scale = 1;
    bool too_precise = false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i == text.size() || !is_digit(text[i])) return fail(DurationError::kBadNumber);
      size_t last_nonzero = i;
      const size_t first = i;
      while (i < text.size() && is_digit(text[i])) {
        if (text[i] != '0') last_nonzero = i + 1;
        ++i;
      }
      for (size_t k = first; k < last_nonzero; ++k) {
        if (k - first == 9) {
          too_precise = true;
          break;
        }
        fraction = fraction * 10 + (text[k] - '0');
        scale *= 10;
      }
    }
    if (i < text.size() && text[i] == '.') return fail(DurationError::kBadNumber);
    // The unit: everything up to the next number, so "5 s" and "1µs" name what is wrong.
    const size_t unit_at = i;
    while (i < text.size() && !is_digit(text[i]) && text[i] != '.') ++i;
    const std::string_view unit = text.substr(unit_at, i - unit_at);
    if (unit.empty()) return fail(DurationError::kNoUnit);
    int u = 0;
    while (u < kUnitCount && kUnits[u].name != unit) ++u;
    if (u == kUnitCount) return fail(DurationError::kBadUnit, unit);
    if (u < next_unit) return fail(DurationError::kUnitOrder);
    next_unit = u + 1;
    const int64_t per = kUnits[u].us;
    if (too_precise || (fraction * per) % scale != 0) return fail(DurationError::kTooPrecise);
    if (whole > (kMaxDurationUs - total) / per) return fail(DurationError::kTooLong);
    total += whole * per;
    const int64_t part = fraction * per / scale;  // fraction < scale <= 1e9: no overflow
    if (part > kMaxDurationUs - total) return fail(DurationError::kTooLong);
    total += part;
  }
  DurationResult r;
  r.us = total;
  return r;
}

// For people, naming the text: "'fast' is not a duration; expected ...".
inline std::string duration_error_message(std::string_view text, const DurationResult& r) {
  const std::string quoted = "'" + std::string(text) + "'";
  const char* const kUnitsList = "(units: h, m, s, ms, us)";
  switch (r.error) {
    case DurationError::kNone:
      return {};
    case DurationError::kEmpty:
      return std::string("is empty; expected a duration like \"250ms\", \"1.5s\" or \"1m30s\" ") +
             kUnitsList;
    case DurationError::kNegative:
      return quoted + " is negative; a duration is 0s or more";
    case DurationError::kNoNumber:
    case DurationError::kBadNumber:
      return quoted + " is not a duration; expected numbers with units, like \"250ms\", " +
             "\"1.5s\" or \"1m30s\" " + kUnitsList;
    case DurationError::kNoUnit:
      return quoted + " is not a duration: a number needs a unit, like \"250ms\" or \"30s\" " +
             kUnitsList;
    case DurationError::kBadUnit:
      if (r.unit.find(' ') != std::string_view::npos)
        return quoted + " is not a duration: no spaces, like \"1m30s\"";
      return quoted + " is not a duration: unknown unit '" + std::string(r.unit) + "' " +
             kUnitsList;
    case DurationError::kUnitOrder:
      return quoted + " is not a duration: write the units largest first, each once, like " +
             "\"1m30s\"";
    case DurationError::kTooPrecise:
      return quoted + " is finer than a microsecond, the smallest step";
    case DurationError::kTooLong:
      return quoted + " is too long; a duration is at most " + kMaxDurationText +
             " (about 11 years)";
  }
  return quoted + " is not a duration";
}

// The value, or nullopt when `text` is not a duration.
constexpr std::optional<int64_t> parse_duration_us(std::string_view text) noexcept {
  const DurationResult r = parse_duration(text);
  return r.ok() ? std::optional<int64_t>(r.us) : std::nullopt;
}

// Bounds on a duration parameter, written as duration text so that one constant can feed both
// the kind's JSON Schema ("formatMinimum" / "formatMaximum", which chaosctl checks before
// create) and the plugin's own check:
//
//   inline constexpr char kMaxDelay[] = "10m";   // in the schema: "formatMaximum": "10m"
//   params.get_duration_us("delay", "0ms", DurationBounds::at_most(kMaxDelay));
//
// A bound that is not a duration is a programming error: its side is then left open
// (min 0, max kMaxDurationUs) rather than throwing from a constexpr context.
struct DurationBounds {
  int64_t min_us = 0;
  int64_t max_us = kMaxDurationUs;

  static constexpr DurationBounds between(std::string_view min, std::string_view max) noexcept {
    DurationBounds b;
    if (const DurationResult r = parse_duration(min); r.ok()) b.min_us = r.us;
    if (const DurationResult r = parse_duration(max); r.ok()) b.max_us = r.us;
    return b;
  }
  static constexpr DurationBounds at_most(std::string_view max) noexcept {
    return between("0s", max);
  }
  static constexpr DurationBounds at_least(std::string_view min) noexcept {
    return between(min, kMaxDurationText);
  }
};

// The shortest exact form: "0ms", "500us", "1.5ms", "250ms", "1.5s", "1m30s", "1h", "1h0.5s".
// Negative values get a leading '-' (they are never parsed back). parse_duration_us of the
// result is `us` for every 0 <= us <= kMaxDurationUs.
inline std::string format_duration_us(int64_t us) {
  if (us == 0) return "0ms";
  // In uint64_t, so that -INT64_MIN is representable.
  uint64_t left = us < 0 ? 0 - static_cast<uint64_t>(us) : static_cast<uint64_t>(us);
  std::string out = us < 0 ? "-" : "";
  // "N" then, when `fraction` of `digits` decimals is not zero, ".DDD" without trailing zeros.
  auto number = [&out](uint64_t whole, uint64_t fraction, int digits) {
    out += std::to_string(whole);
    if (fraction == 0) return;
    std::string f = std::to_string(fraction);
    f.insert(0, static_cast<size_t>(digits) - f.size(), '0');
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  };
  if (left < 1000) {
    number(left, 0, 0);
    return out + "us";
  }
  if (left < 1000000) {
    number(left / 1000, left % 1000, 3);
    return out + "ms";
  }
  const uint64_t hours = left / 3600000000ULL;
  const uint64_t minutes = left / 60000000ULL % 60;
  const uint64_t micros = left % 60000000ULL;  // the seconds part, in us
  if (hours > 0) out += std::to_string(hours) + "h";
  if (minutes > 0) out += std::to_string(minutes) + "m";
  if (micros > 0) {
    number(micros / 1000000, micros % 1000000, 6);
    out += "s";
  }
  return out;
}

// Empty when `us` is within `b`; otherwise the problem, e.g. "must be at most 10m".
inline std::string duration_bounds_problem(int64_t us, const DurationBounds& b) {
  if (us >= b.min_us && us <= b.max_us) return {};
  if (b.min_us == 0) return "must be at most " + format_duration_us(b.max_us);
  if (b.max_us == kMaxDurationUs) return "must be at least " + format_duration_us(b.min_us);
  return "must be between " + format_duration_us(b.min_us) + " and " +
         format_duration_us(b.max_us);
}

}  // namespace chaos::sdk
