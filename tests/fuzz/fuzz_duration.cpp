// Fuzz target: durations as operators write them ("250ms", "1m30s"), through the public parse
// and format functions every Lua field and plugin parameter goes through. Properties: no
// crash; an accepted duration is not negative; what format_duration prints parses back to the
// same value (the controller must accept what it shows).
#include <cstdint>
#include <string>
#include <string_view>

#include "common/duration.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = chaos::parse_duration(text);
  if (!parsed) return 0;
  const int64_t us = parsed.value().count();
  FUZZ_CHECK(us >= 0, "'%.*s' parsed as %lld us", static_cast<int>(size), text.data(),
             static_cast<long long>(us));
  const std::string shown = chaos::format_duration(parsed.value());
  auto again = chaos::parse_duration(shown);
  FUZZ_CHECK(again.is_ok(), "'%.*s' is shown as '%s', which does not parse",
             static_cast<int>(size), text.data(), shown.c_str());
  FUZZ_CHECK(again.value() == parsed.value(), "'%.*s' = %lld us is shown as '%s' = %lld us",
             static_cast<int>(size), text.data(), static_cast<long long>(us), shown.c_str(),
             static_cast<long long>(again.value().count()));
  return 0;
}
