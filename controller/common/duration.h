#pragma once
// Durations as operators write them: "250ms", "1.5s", "2m", "500us", "1h".

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace chaos {

using Millis = std::chrono::milliseconds;
using Micros = std::chrono::microseconds;

// Parses a duration string. A bare number is rejected: the unit is what makes it readable.
Result<Micros> parse_duration(std::string_view text);

// Formats for people: "250ms", "1.5s", "2m0s".
std::string format_duration(Micros d);

}  // namespace chaos
