#pragma once
// Durations as operators write them: "250ms", "1.5s", "1m30s", "500us", "1h". The grammar is
// the SDK's (chaos/sdk/duration.hpp), so the controller, the schema validator and the plugins
// accept exactly the same texts, with the same bound (at most 100000h) and the same messages.

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace chaos {

using Millis = std::chrono::milliseconds;
using Micros = std::chrono::microseconds;

// The longest duration accepted anywhere: 100000h.
inline constexpr Micros kMaxDuration{100000LL * 3600 * 1000000};

// Parses a duration. On failure the message names the text and the problem, e.g.
// "'99999999999999h' is too long; a duration is at most 100000h (about 11 years)".
Result<Micros> parse_duration(std::string_view text);

// The shortest exact form ("250ms", "1.5s", "1m30s"); parse_duration(format_duration(d)) == d
// for every d from 0 to kMaxDuration. Negative values get a '-' (shown, never parsed back).
std::string format_duration(Micros d);

// For measured times shown to people (a recovery time, a run's length): rounded to the
// millisecond below one minute ("6.063s"), to the second above ("2m5s").
std::string format_duration_rounded(Micros d);

}  // namespace chaos
