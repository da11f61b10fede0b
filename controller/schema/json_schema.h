#pragma once
// JsonSchema: a compiled JSON Schema (draft 7) that checks plugin parameters before anything is
// injected and fills in their defaults. Error messages are written for the operator: they name
// the field ("stages[2].rate") and say what was expected.
//
// Supported: type, enum, const, properties, required, additionalProperties, patternProperties,
// propertyNames, min/maxProperties, dependencies, items (both forms), additionalItems,
// min/maxItems, uniqueItems, contains, minimum, maximum, exclusiveMinimum/Maximum (numbers),
// multipleOf, min/maxLength (code points), pattern (std::regex ECMAScript, search semantics),
// allOf/anyOf/oneOf/not, if/then/else, boolean schemas, local $ref ("#", "#/definitions/x", any
// JSON pointer), definitions, and the annotations title, description, default, examples,
// $comment, readOnly, writeOnly, format, "x-*" (vendor), $schema (draft 7 only), $id (root only).
// "format" validates "duration" ("250ms", "1m30s"; chaos/sdk/duration.hpp), "host-port"
// ("127.0.0.1:5432", port 1..65535) and "listen-address" (port 0 too; chaos/sdk/host_port.hpp);
// other formats are annotations. Beside "format": "duration", formatMinimum, formatMaximum,
// formatExclusiveMinimum and formatExclusiveMaximum bound the duration ("formatMaximum": "10m").
//
// Stricter than the spec on purpose: an unknown keyword, a nested $id, a remote $ref, or a
// validation keyword beside $ref (which draft 7 would silently ignore) makes parse() fail, so a
// typo in a plugin's schema cannot quietly switch a check off.
//
// Thread-safety: immutable after parse(); copies share the compiled form; const methods may be
// called from any thread concurrently. No method throws.

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace chaos::schema {

namespace detail {
struct CompiledSchema;
}

class JsonSchema {
 public:
  // Fails with InvalidArgument, naming the keyword and where it sits ("#/properties/delay"), when
  // the schema is malformed or uses something this validator does not support.
  static Result<JsonSchema> parse(const boost::json::value& schema);
  static Result<JsonSchema> parse(std::string_view schema_text);
  // Picks the text overload for literals, which boost::json::value would also accept.
  static Result<JsonSchema> parse(const char* schema_text) {
    return parse(std::string_view(schema_text));
  }

  // Every problem found, each as "path: message" (just "message" for the top-level value);
  // empty when `instance` is valid.
  std::vector<std::string> errors(const boost::json::value& instance) const;

  // OK, or InvalidArgument whose message joins errors().
  Status validate(const boost::json::value& instance) const;

  // A copy of `instance` where absent object properties that declare a "default" get a copy of it,
  // recursively (through properties, items, allOf and $ref). Absent objects are not invented: a
  // nested default applies only once its parent object exists. Defaults are not validated here.
  boost::json::value with_defaults(const boost::json::value& instance) const;

  // The schema document as given to parse().
  const boost::json::value& json() const;

 private:
  explicit JsonSchema(std::shared_ptr<const detail::CompiledSchema> compiled);

  std::shared_ptr<const detail::CompiledSchema> compiled_;
};

}  // namespace chaos::schema
