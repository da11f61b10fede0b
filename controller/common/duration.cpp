#include "common/duration.h"

#include <chaos/sdk/duration.hpp>

namespace chaos {

static_assert(kMaxDuration.count() == sdk::kMaxDurationUs);

Result<Micros> parse_duration(std::string_view text) {
  const sdk::DurationResult r = sdk::parse_duration(text);
  if (!r.ok()) return Status::invalid_argument(sdk::duration_error_message(text, r));
  return Micros(r.us);
}

std::string format_duration(Micros d) { return sdk::format_duration_us(d.count()); }

std::string format_duration_rounded(Micros d) {
  const bool under_a_minute = d < std::chrono::minutes(1) && d > -std::chrono::minutes(1);
  if (under_a_minute && (d >= Millis(1) || d <= -Millis(1)))
    return format_duration(std::chrono::round<Millis>(d));
  if (under_a_minute) return format_duration(d);
  return format_duration(std::chrono::round<std::chrono::seconds>(d));
}

}  // namespace chaos
