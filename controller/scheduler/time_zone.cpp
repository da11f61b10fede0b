#include "scheduler/time_zone.h"

#include <date/tz.h>

#include <exception>

namespace chaos::scheduler {

namespace {

using namespace std::chrono;

date::local_seconds to_date_local(local_seconds wall) {
  return date::local_seconds{wall.time_since_epoch()};
}

}  // namespace

Result<TimeZone> TimeZone::find(std::string_view name) {
  if (name.empty()) {
    return Status::invalid_argument("time zone: empty; name one like Europe/Berlin or UTC");
  }
  TimeZone tz;
  try {
    tz.zone_ = date::locate_zone(name);
  } catch (const std::exception&) {
    // The library says "X not found in timezone database"; say where we looked and what a
    // name looks like.
    return Status::invalid_argument(
        "time zone: '" + std::string(name) +
        "' is not in the system's time-zone database (/usr/share/zoneinfo, Debian package "
        "tzdata); names look like Europe/Berlin, America/New_York or UTC");
  }
  tz.name_ = std::string(name);
  return tz;
}

TimeZone::Span TimeZone::span_at(sys_seconds t) const {
  if (zone_ == nullptr) return {sys_seconds::min(), sys_seconds::max(), seconds(0)};
  const date::sys_info info = zone_->get_info(t);
  return {info.begin, info.end, info.offset};
}

sys_seconds TimeZone::to_utc(local_seconds wall, bool latest) const {
  if (zone_ == nullptr) return sys_seconds(wall.time_since_epoch());
  return zone_->to_sys(to_date_local(wall), latest ? date::choose::latest : date::choose::earliest);
}

local_seconds TimeZone::to_local(sys_seconds t) const {
  return local_seconds(t.time_since_epoch() + span_at(t).offset);
}

std::string TimeZone::format(int64_t unix_ms) const {
  const sys_seconds t = floor<seconds>(sys_time<milliseconds>(milliseconds(unix_ms)));
  if (zone_ == nullptr) return date::format("%F %T UTC", t);
  return date::format("%F %T %Z", date::zoned_time<seconds>(zone_, t));
}

}  // namespace chaos::scheduler
