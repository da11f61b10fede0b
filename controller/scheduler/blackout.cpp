#include "scheduler/blackout.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace chaos::scheduler {

namespace {

using namespace std::chrono;

constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<const char*, 7> kLongDays = {"monday", "tuesday",  "wednesday", "thursday",
                                                  "friday", "saturday", "sunday"};

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool parse_int(std::string_view text, int* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

Status field_error(const std::string& field, std::string_view value, const std::string& what) {
  return Status::invalid_argument(field + ": '" + std::string(value) + "' " + what);
}

// "16:00" -> seconds since midnight.
Result<seconds> parse_time(const std::string& field, std::string_view text) {
  const size_t colon = text.find(':');
  int h = -1, m = -1;
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() - colon != 3 ||
      !parse_int(text.substr(0, colon), &h) || !parse_int(text.substr(colon + 1), &m) || h < 0 ||
      h > 23 || m < 0 || m > 59) {
    return field_error(field, text, "is not a time (HH:MM, 00:00-23:59)");
  }
  return duration_cast<seconds>(hours(h) + minutes(m));
}

// "fri" or "friday" -> days since Monday.
Result<int> parse_day(const std::string& field, std::string_view text) {
  const std::string name = lower(text);
  for (int i = 0; i < 7; ++i) {
    if (name == kDays[static_cast<size_t>(i)] || name == kLongDays[static_cast<size_t>(i)])
      return i;
  }
  return field_error(field, text, "is not a day of the week (mon, tue, wed, thu, fri, sat, sun)");
}

// "2026-12-24" -> that day.
Result<local_days> parse_date(const std::string& field, std::string_view text) {
  int y = 0, m = 0, d = 0;
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      parse_int(text.substr(0, 4), &y) && parse_int(text.substr(5, 2), &m) &&
                      parse_int(text.substr(8, 2), &d);
  const year_month_day ymd{year(y), month(static_cast<unsigned>(m)), day(static_cast<unsigned>(d))};
  if (!shaped || m < 1 || d < 1 || !ymd.ok()) {
    return field_error(field, text, "is not a date (YYYY-MM-DD)");
  }
  return local_days(ymd);
}

bool looks_like_date(std::string_view text) {
  return text.size() >= 5 && std::isdigit(static_cast<unsigned char>(text[0])) &&
         text.find('-') != std::string_view::npos;
}

// One end: "[DAY|DATE] TIME". `what` is "start" or "end".
struct End {
  enum class Kind { kTime, kDay, kDate } kind = Kind::kTime;
  int day = 0;        // kDay: days since Monday
  local_days date{};  // kDate
  seconds time{0};
};

Result<End> parse_end(const std::string& what, const std::vector<std::string_view>& parts) {
  End end;
  std::string_view time_text = parts.back();
  if (parts.size() == 2) {
    if (looks_like_date(parts[0])) {
      auto date = parse_date(what + " date", parts[0]);
      if (!date) return date.status();
      end.kind = End::Kind::kDate;
      end.date = date.value();
    } else {
      auto day = parse_day(what + " day", parts[0]);
      if (!day) return day.status();
      end.kind = End::Kind::kDay;
      end.day = day.value();
    }
  }
  auto time = parse_time(what + " time", time_text);
  if (!time) return time.status();
  end.time = time.value();
  return end;
}

const char* kind_name(End::Kind k) {
  switch (k) {
    case End::Kind::kTime:
      return "a time of day";
    case End::Kind::kDay:
      return "a day of the week";
    case End::Kind::kDate:
      return "a date";
  }
  return "";
}

int64_t to_ms(sys_seconds t) { return duration_cast<milliseconds>(t.time_since_epoch()).count(); }

}  // namespace

Result<BlackoutWindow> BlackoutWindow::parse(std::string_view input) {
  BlackoutWindow w;
  const std::vector<std::string_view> all = words(input);
  for (size_t i = 0; i < all.size(); ++i) w.text_ += (i ? " " : "") + std::string(all[i]);
  const auto fail = [&](const Status& s) {
    return Status::invalid_argument("'" + w.text_ + "': " + s.message());
  };
  // START-END: the dash after the start's time (dates have dashes of their own).
  const size_t colon = w.text_.find(':');
  const size_t dash = colon == std::string::npos ? colon : w.text_.find('-', colon);
  if (dash == std::string::npos) {
    return fail(Status::invalid_argument(
        "expected START-END [ZONE], e.g. \"Fri 16:00-Mon 08:00 Europe/Berlin\", \"22:00-06:00\" "
        "or \"2026-12-24 00:00-2026-12-27 00:00 Europe/Berlin\""));
  }
  const std::vector<std::string_view> left = words(std::string_view(w.text_).substr(0, dash));
  std::vector<std::string_view> right = words(std::string_view(w.text_).substr(dash + 1));
  if (left.empty() || left.size() > 2) {
    return fail(Status::invalid_argument("start: expected [DAY or DATE] HH:MM before the '-'"));
  }
  // The right side is the end (as many words as the start) and then, optionally, the zone.
  const size_t end_words = left.size();
  if (right.size() < end_words || right.size() > end_words + 1) {
    return fail(Status::invalid_argument(
        "end: expected " + std::string(end_words == 2 ? "DAY or DATE and HH:MM" : "HH:MM") +
        " after the '-', then optionally a time zone"));
  }
  if (right.size() == end_words + 1) {
    auto zone = TimeZone::find(right.back());
    if (!zone) return fail(zone.status());
    w.zone_ = std::move(zone).value();
    right.pop_back();
  }
  auto start = parse_end("start", left);
  if (!start) return fail(start.status());
  auto end = parse_end("end", right);
  if (!end) return fail(end.status());
  if (start->kind != end->kind) {
    return fail(Status::invalid_argument(std::string("end: the start is ") +
                                         kind_name(start->kind) + " and the end " +
                                         kind_name(end->kind) + "; give both ends the same way"));
  }
  switch (start->kind) {
    case End::Kind::kTime:
      w.kind_ = Kind::kDaily;
      w.start_offset_ = start->time;
      w.end_offset_ = end->time;
      break;
    case End::Kind::kDay:
      w.kind_ = Kind::kWeekly;
      w.start_offset_ = days(start->day) + start->time;
      w.end_offset_ = days(end->day) + end->time;
      break;
    case End::Kind::kDate:
      w.kind_ = Kind::kDated;
      w.start_ = start->date + start->time;
      w.end_ = end->date + end->time;
      if (w.end_ <= w.start_) {
        return fail(Status::invalid_argument("end: it is not after the start"));
      }
      break;
  }
  if (w.kind_ != Kind::kDated && w.start_offset_ == w.end_offset_) {
    return fail(Status::invalid_argument("end: it is the same as the start (an empty window)"));
  }
  return w;
}

BlackoutOccurrence BlackoutWindow::occurrence(local_seconds start, local_seconds end) const {
  return {to_ms(zone_.to_utc(start, /*latest=*/false)), to_ms(zone_.to_utc(end, /*latest=*/true))};
}

std::optional<BlackoutOccurrence> BlackoutWindow::first_overlap(int64_t from_unix_ms,
                                                                int64_t to_unix_ms) const {
  const auto overlaps = [&](const BlackoutOccurrence& o) {
    return o.start_unix_ms < to_unix_ms && o.end_unix_ms > from_unix_ms;
  };
  if (kind_ == Kind::kDated) {
    const BlackoutOccurrence o = occurrence(start_, end_);
    return overlaps(o) ? std::optional(o) : std::nullopt;
  }
  const days period = kind_ == Kind::kWeekly ? days(7) : days(1);
  const seconds length = end_offset_ > start_offset_ ? end_offset_ - start_offset_
                                                     : end_offset_ + period - start_offset_;
  const auto wall = [&](int64_t unix_ms) {
    return zone_.to_local(floor<seconds>(sys_time<milliseconds>(milliseconds(unix_ms))));
  };
  // From the period before the one `from` is in (a wrapping window starts there), in order,
  // until an occurrence starts after `to`. A day of margin covers any UTC offset.
  local_days base = floor<days>(wall(from_unix_ms)) - days(1);
  if (kind_ == Kind::kWeekly) base -= (weekday(base) - Monday);
  base -= period;
  const local_seconds last = wall(to_unix_ms) + days(1);
  for (local_seconds p = base; p <= last; p += period) {
    const BlackoutOccurrence o = occurrence(p + start_offset_, p + start_offset_ + length);
    if (o.start_unix_ms >= to_unix_ms) break;
    if (overlaps(o)) return o;
  }
  return std::nullopt;
}

std::optional<BlackoutCalendar::Conflict> BlackoutCalendar::conflict(int64_t start_unix_ms,
                                                                     int64_t length_ms) const {
  std::optional<Conflict> best;
  const int64_t end = start_unix_ms + std::max<int64_t>(length_ms, 1);
  for (const BlackoutWindow& w : windows_) {
    auto o = w.first_overlap(start_unix_ms, end);
    if (!o) continue;
    Conflict c{&w, *o, o->start_unix_ms <= start_unix_ms};
    // One in force now wins; otherwise the one the run would meet first.
    if (!best || (c.inside && !best->inside) ||
        (c.inside == best->inside && c.occurrence.start_unix_ms < best->occurrence.start_unix_ms)) {
      best = c;
    }
  }
  return best;
}

}  // namespace chaos::scheduler
