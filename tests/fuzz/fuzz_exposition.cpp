// Fuzz target: the Prometheus text exposition parser (what a scrape probe reads from any
// /metrics endpoint it is pointed at). Properties: no crash, and a parse that succeeds gives
// families whose lookups agree with their contents.
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "probes/exposition_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = chaos::probes::parse_exposition(text);
  if (!parsed) {
    FUZZ_CHECK(!parsed.status().message().empty(), "a rejection must say why");
    return 0;
  }
  for (const auto& family : parsed->families) {
    FUZZ_CHECK(parsed->family(family.name) != nullptr, "family '%s' not found by name",
               family.name.c_str());
    for (const auto& sample : family.samples) {
      FUZZ_CHECK(!parsed->samples_named(sample.name).empty(), "sample '%s' not found",
                 sample.name.c_str());
    }
  }
  (void)chaos::probes::parse_metric_value(text.substr(0, 64));
  return 0;
}
