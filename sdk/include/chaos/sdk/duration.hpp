// chaos/sdk/duration.hpp — durations as operators write them in parameters ("250ms"), the
// same grammar as the host's "format": "duration". Thread-safety: pure functions.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace chaos::sdk {

// Durations as operators write them: "500us", "250ms", "1.5s", "2m", "1h". A bare number is
// rejected (the unit is what makes it readable), as are signs and negative values.

inline std::optional<int64_t> parse_duration_us(std::string_view text) noexcept {
  size_t i = 0;
  double whole = 0;
  bool any_digit = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    whole = whole * 10 + (text[i++] - '0');
    any_digit = true;
  }
  double fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    double place = 0.1;
    bool fraction_digit = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      fraction += (text[i++] - '0') * place;
      place /= 10;
      fraction_digit = true;
    }
    if (!fraction_digit) return std::nullopt;
  }
  if (!any_digit) return std::nullopt;
  const std::string_view unit = text.substr(i);
  double scale = 0;
  if (unit == "us")
    scale = 1;
  else if (unit == "ms")
    scale = 1e3;
  else if (unit == "s")
    scale = 1e6;
  else if (unit == "m")
    scale = 60e6;
  else if (unit == "h")
    scale = 3600e6;
  else
    return std::nullopt;
  const double us = std::round((whole + fraction) * scale);
  if (us > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(us);
}

// For people: "250ms", "1.5s", "750us".
inline std::string format_duration_us(int64_t us) {
  char buf[48];
  const auto n = static_cast<long long>(us);
  if (us == 0)
    std::snprintf(buf, sizeof buf, "0ms");
  else if (us % 1000 != 0)
    std::snprintf(buf, sizeof buf, "%lldus", n);
  else if (us % 1000000 != 0)
    std::snprintf(buf, sizeof buf, "%lldms", n / 1000);
  else
    std::snprintf(buf, sizeof buf, "%llds", n / 1000000);
  return buf;
}

}  // namespace chaos::sdk
