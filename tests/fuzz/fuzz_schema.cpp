// Fuzz target: the JSON Schema validator that checks every fault's parameters. The input is a
// schema and an instance, separated by a NUL byte (no NUL: the input is both). Properties: no
// crash or hang, whatever the schema ($ref loops included); validate() agrees with errors();
// filling in defaults never fails.
#include <boost/json/parse.hpp>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "schema/json_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view schema_text = input.substr(0, nul);
  const std::string_view instance_text = nul == std::string_view::npos ? input : input.substr(nul + 1);

  auto schema = chaos::schema::JsonSchema::parse(schema_text);
  if (!schema) return 0;
  boost::system::error_code ec;
  const boost::json::value instance = boost::json::parse(instance_text, ec);
  if (ec) return 0;
  const auto errors = schema->errors(instance);
  const chaos::Status verdict = schema->validate(instance);
  FUZZ_CHECK(verdict.is_ok() == errors.empty(), "validate() %s but errors() has %zu",
             verdict.is_ok() ? "passes" : "fails", errors.size());
  for (const auto& e : errors) FUZZ_CHECK(!e.empty(), "an empty error message");
  (void)schema->with_defaults(instance);
  return 0;
}
