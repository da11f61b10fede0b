#include "scheduler/cron.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <vector>

namespace chaos::scheduler {

namespace {

using namespace std::chrono;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const std::array<const char*, 12>* names;  // value min + i, or nullptr
};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 12> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri",
                                                   "sat", nullptr, nullptr, nullptr, nullptr,
                                                   nullptr};

const FieldSpec kSecond{"second", 0, 59, nullptr};
const FieldSpec kMinute{"minute", 0, 59, nullptr};
const FieldSpec kHour{"hour", 0, 23, nullptr};
const FieldSpec kDayOfMonth{"day-of-month", 1, 31, nullptr};
const FieldSpec kMonth{"month", 1, 12, &kMonthNames};
const FieldSpec kDayOfWeek{"day-of-week", 0, 7, &kDayNames};  // 7 is Sunday too

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

Status field_error(const FieldSpec& f, const std::string& what) {
  return Status::invalid_argument(std::string(f.name) + ": " + what);
}

// A number or (for months and days) a name.
Result<int> parse_value(const FieldSpec& f, std::string_view text) {
  if (f.names != nullptr) {
    const std::string name = lower(text);
    for (size_t i = 0; i < f.names->size(); ++i) {
      if ((*f.names)[i] != nullptr && name == (*f.names)[i]) return f.min + static_cast<int>(i);
    }
  }
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    // (Lower-cased by now.) "?", "L", "LW", "15W", "5L", "FRI#2".
    const bool quartz = text == "?" || text == "l" || text == "lw" ||
                        text.find('#') != std::string_view::npos ||
                        (text.size() > 1 && std::isdigit(static_cast<unsigned char>(text[0])) &&
                         (text.back() == 'l' || text.back() == 'w'));
    if (quartz) {
      return field_error(f, "'" + std::string(text) +
                                "' is a Quartz extension that chaosctl does not support");
    }
    return field_error(f, "'" + std::string(text) + "' is not a number" +
                              (f.names ? " or a name (e.g. " + std::string((*f.names)[1]) + ")"
                                       : std::string()));
  }
  if (value < f.min || value > f.max) {
    return field_error(f, std::to_string(value) + " is out of range " + std::to_string(f.min) +
                              "-" + std::to_string(f.max));
  }
  return value;
}

// One field into a bit mask. `restricted` says whether it started with something else than `*`.
Result<uint64_t> parse_field(const FieldSpec& f, std::string_view text, bool* restricted) {
  if (restricted) *restricted = text.empty() || text.front() != '*';
  uint64_t mask = 0;
  for (std::string_view item : split(text, ',')) {
    if (item.empty()) return field_error(f, "an empty item in '" + std::string(text) + "'");
    int step = 1;
    const size_t slash = item.find('/');
    if (slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      const auto [end, ec] =
          std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (step_text.empty() || ec != std::errc() || end != step_text.data() + step_text.size() ||
          step < 1) {
        return field_error(f, "step '" + std::string(step_text) + "' must be a positive number");
      }
      item = item.substr(0, slash);
    }
    int low = f.min, high = f.max;
    if (item != "*") {
      const size_t dash = item.find('-', 1);
      auto first = parse_value(f, item.substr(0, dash));
      if (!first) return first.status();
      low = first.value();
      if (dash != std::string_view::npos) {
        auto last = parse_value(f, item.substr(dash + 1));
        if (!last) return last.status();
        high = last.value();
        if (high < low) {
          return field_error(f, "range " + std::string(item) + " runs backwards");
        }
      } else if (slash == std::string_view::npos) {
        high = low;  // a single value; "N/S" runs from N to the end
      }
    }
    for (int v = low; v <= high; v += step) mask |= uint64_t{1} << v;
  }
  return mask;
}

bool has(uint64_t mask, int value) { return (mask >> value) & 1; }

std::string expand_macro(const std::string& text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return "";
}

// "TZ=Europe/Berlin" or "CRON_TZ=Europe/Berlin" as the first word: the zone's name (case kept),
// and the rest of the expression. No prefix: an empty name.
struct ZonePrefix {
  std::string zone;
  std::string_view rest;
  bool present = false;
};

ZonePrefix split_zone_prefix(std::string_view text) {
  const size_t start = text.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {"", text, false};
  text = text.substr(start);
  const size_t end = std::min(text.find_first_of(" \t"), text.size());
  const std::string first = lower(text.substr(0, end));
  for (const char* key : {"tz=", "cron_tz="}) {
    if (first.rfind(key, 0) == 0) {
      const size_t key_length = std::char_traits<char>::length(key);
      return {std::string(text.substr(key_length, end - key_length)), text.substr(end), true};
    }
  }
  return {"", text, false};
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expression) {
  CronSchedule c;
  c.expression_ = std::string(expression);
  while (!c.expression_.empty() && std::isspace(static_cast<unsigned char>(c.expression_.back()))) {
    c.expression_.pop_back();
  }
  while (!c.expression_.empty() &&
         std::isspace(static_cast<unsigned char>(c.expression_.front()))) {
    c.expression_.erase(0, 1);
  }
  const ZonePrefix prefix = split_zone_prefix(c.expression_);
  if (prefix.present) {
    auto zone = TimeZone::find(prefix.zone);
    if (!zone)
      return Status::invalid_argument("'" + c.expression_ + "': " + zone.status().message());
    c.zone_ = std::move(zone).value();
    if (split_zone_prefix(prefix.rest).present) {
      return Status::invalid_argument("'" + c.expression_ + "': time zone: given twice");
    }
  }
  std::string text = lower(prefix.rest);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  if (!text.empty() && text.front() == '@') {
    const std::string expanded = expand_macro(text);
    if (expanded.empty()) {
      return Status::invalid_argument("'" + text +
                                      "' is not a macro chaosctl knows (@yearly, @monthly, "
                                      "@weekly, @daily, @hourly)");
    }
    text = expanded;
  }
  std::vector<std::string> fields;
  std::string current;
  for (char ch : text) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!current.empty()) fields.push_back(std::move(current));
      current.clear();
    } else {
      current += ch;
    }
  }
  if (!current.empty()) fields.push_back(std::move(current));
  if (fields.size() != 5 && fields.size() != 6) {
    return Status::invalid_argument(
        "'" + c.expression_ + "' has " + std::to_string(fields.size()) +
        " fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (with a leading "
        "second), optionally after TZ=ZONE");
  }
  if (fields.size() == 5) fields.insert(fields.begin(), "0");

  const FieldSpec* specs[] = {&kSecond, &kMinute, &kHour, &kDayOfMonth, &kMonth, &kDayOfWeek};
  uint64_t* masks[] = {&c.seconds_, &c.minutes_, &c.hours_, &c.days_of_month_, &c.months_,
                       &c.days_of_week_};
  bool restricted[6] = {};
  for (size_t i = 0; i < 6; ++i) {
    auto mask = parse_field(*specs[i], fields[i], &restricted[i]);
    if (!mask) return Status::invalid_argument("'" + c.expression_ + "': " + mask.status().message());
    *masks[i] = mask.value();
  }
  c.day_of_month_restricted_ = restricted[3];
  c.day_of_week_restricted_ = restricted[5];
  // As cronie decides which jobs the daylight-saving rules apply to: no `*` in minute or hour.
  c.fixed_time_ = restricted[1] && restricted[2];
  if (has(c.days_of_week_, 7)) c.days_of_week_ = (c.days_of_week_ & ~(uint64_t{1} << 7)) | 1;
  // Whether it ever fires: from the epoch's start of a leap cycle, five years cover every date.
  if (!c.next_after(duration_cast<milliseconds>(sys_days(2024y / 1 / 1).time_since_epoch()).count())) {
    return Status::invalid_argument("'" + c.expression_ +
                                    "' never fires: no date matches it (e.g. 30 February)");
  }
  return c;
}

bool CronSchedule::day_matches(int day_of_month, int day_of_week) const {
  const bool dom = has(days_of_month_, day_of_month);
  const bool dow = has(days_of_week_, day_of_week);
  if (day_of_month_restricted_ && day_of_week_restricted_) return dom || dow;
  return dom && dow;
}

std::optional<local_seconds> CronSchedule::next_wall_match(local_seconds t,
                                                           local_seconds limit) const {
  while (t < limit) {
    const local_days day = floor<days>(t);
    const year_month_day ymd(day);
    if (!has(months_, static_cast<int>(static_cast<unsigned>(ymd.month())))) {
      const year_month next = year_month(ymd.year(), ymd.month()) + months(1);
      t = local_days(next / 1);
      continue;
    }
    if (!day_matches(static_cast<int>(static_cast<unsigned>(ymd.day())),
                     static_cast<int>(weekday(day).c_encoding()))) {
      t = day + days(1);
      continue;
    }
    const hh_mm_ss clock(t - day);
    const int hour = static_cast<int>(clock.hours().count());
    const int minute = static_cast<int>(clock.minutes().count());
    const int second = static_cast<int>(clock.seconds().count());
    if (!has(hours_, hour)) {
      t = day + hours(hour + 1);
      continue;
    }
    if (!has(minutes_, minute)) {
      t = day + hours(hour) + minutes(minute + 1);
      continue;
    }
    if (!has(seconds_, second)) {
      t += seconds(1);
      continue;
    }
    return t;
  }
  return std::nullopt;
}

// Walks the zone's stretches of one UTC offset from `unix_ms` on; inside each, wall time runs
// evenly, so the fields are matched against it directly. At a change of offset the
// daylight-saving rules apply to fixed-time schedules (see cron.h).
std::optional<int64_t> CronSchedule::next_after(int64_t unix_ms) const {
  // Whole seconds, strictly after.
  sys_seconds t{seconds(unix_ms >= 0 ? unix_ms / 1000 + 1 : (unix_ms - 999) / 1000 + 1)};
  const sys_seconds limit = t + days(5 * 366);
  const auto wall = [](sys_seconds instant, seconds offset) {
    return local_seconds(instant.time_since_epoch() + offset);
  };
  const auto to_ms = [](sys_seconds instant) {
    return duration_cast<milliseconds>(instant.time_since_epoch()).count();
  };
  while (t < limit) {
    const TimeZone::Span span = zone_.span_at(t);
    const sys_seconds end = std::min(span.end, limit);
    local_seconds from = wall(t, span.offset);
    // Only near a change does the offset before it matter (changes are hours, not days).
    if (fixed_time_ && span.begin != sys_seconds::min() && t - span.begin < hours(26)) {
      const seconds before = zone_.span_at(span.begin - seconds(1)).offset;
      const local_seconds clock_before = wall(span.begin, before);  // where the clock jumped from
      const local_seconds clock_after = wall(span.begin, span.offset);
      if (clock_after > clock_before && t == span.begin &&
          next_wall_match(clock_before, clock_after)) {
        return to_ms(span.begin);  // spring forward: a skipped time fires at the change
      }
      // Fall back: [clock_after, clock_before) comes round a second time; fixed-time schedules
      // fired in the first pass.
      if (clock_after < clock_before) from = std::max(from, clock_before);
    }
    if (auto match = next_wall_match(from, wall(end, span.offset))) {
      return to_ms(sys_seconds(match->time_since_epoch() - span.offset));
    }
    t = end;
  }
  return std::nullopt;
}

}  // namespace chaos::scheduler
