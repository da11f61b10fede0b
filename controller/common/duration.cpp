#include "common/duration.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace chaos {

Result<Micros> parse_duration(std::string_view text) {
  auto bad = [&] {
    return Status::invalid_argument("'" + std::string(text) +
                                    "' is not a duration; expected a number with a unit, "
                                    "like \"250ms\", \"1.5s\", \"2m\" (units: us, ms, s, m, h)");
  };
  size_t unit_at = 0;
  while (unit_at < text.size() && (std::isdigit(static_cast<unsigned char>(text[unit_at])) ||
                                   text[unit_at] == '.')) {
    ++unit_at;
  }
  if (unit_at == 0) return bad();
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + unit_at, number);
  if (ec != std::errc() || end != text.data() + unit_at) return bad();
  std::string_view unit = text.substr(unit_at);
  double scale = 0;
  if (unit == "us") scale = 1;
  else if (unit == "ms") scale = 1e3;
  else if (unit == "s") scale = 1e6;
  else if (unit == "m") scale = 60e6;
  else if (unit == "h") scale = 3600e6;
  else return bad();
  return Micros(static_cast<int64_t>(std::llround(number * scale)));
}

std::string format_duration(Micros d) {
  const int64_t us = d.count();
  char buf[64];
  if (us < 1000) {
    std::snprintf(buf, sizeof buf, "%lldus", static_cast<long long>(us));
  } else if (us < 1000000) {
    std::snprintf(buf, sizeof buf, "%gms", us / 1e3);
  } else if (us < 60000000) {
    std::snprintf(buf, sizeof buf, "%.3gs", us / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%lldm%llds", static_cast<long long>(us / 60000000),
                  static_cast<long long>((us / 1000000) % 60));
  }
  return buf;
}

}  // namespace chaos
