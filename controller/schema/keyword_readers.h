#pragma once
// Reading keywords that hold plain values (not subschemas) out of a schema object into a Node,
// with messages that name the keyword and where it sits. Internal to chaos_schema; the compiler
// (schema_compiler.cpp) handles the keywords that hold subschemas.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "schema/schema_node.h"

namespace chaos::schema::detail {

// A schema object and its location ("#/properties/delay").
struct Site {
  const boost::json::object& object;
  const std::string& pointer;

  // InvalidArgument "invalid schema at <pointer>: '<keyword>' <what>".
  Status error(std::string_view keyword, const std::string& what) const;
};

// Refuses unknown keywords (suggesting the closest known one) and validation keywords beside
// $ref. Keys starting with "x-" are vendor annotations and always allowed.
Status check_keyword_names(const Site& site);

// title, description, $comment, examples, readOnly, writeOnly, format, $schema, $id, default.
Status read_annotations(const Site& site, Node& node);

// type, enum, const, numeric bounds, multipleOf, lengths, pattern, min/maxItems, uniqueItems,
// required, min/maxProperties.
Status read_assertions(const Site& site, Node& node);

// A non-negative integer such as minLength; 2.0 counts as 2.
Status read_count(const Site& site, const char* key, std::optional<uint64_t>& out);

// A list of distinct property names (`required`, or an entry of `dependencies` in `list`).
Status read_names(const Site& site, const char* key, const boost::json::value* list,
                  std::vector<std::string>& out);

// Compiles `source` as an ECMAScript std::regex.
Status read_pattern(const Site& site, const char* key, std::string_view source, Pattern& out);

}  // namespace chaos::schema::detail
