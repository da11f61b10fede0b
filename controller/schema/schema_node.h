#pragma once
// The compiled form of a schema (internal to chaos_schema). Every subschema becomes one Node in
// a vector and refers to others by index, so regexes are built once and every $ref is resolved
// and checked before the first instance is validated.

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace chaos::schema::detail {

using NodeId = int;
inline constexpr NodeId kNoNode = -1;

// One bit per JSON Schema type name; a Node's `types` of 0 means "any type".
enum TypeBit : unsigned {
  kNullType = 1u << 0,
  kBooleanType = 1u << 1,
  kObjectType = 1u << 2,
  kArrayType = 1u << 3,
  kNumberType = 1u << 4,
  kStringType = 1u << 5,
  kIntegerType = 1u << 6,
};

// The "format" values that validate (the others are annotations).
enum class StringFormat {
  kNone,
  kDuration,       // "250ms", "1m30s": chaos/sdk/duration.hpp
  kHostPort,       // "127.0.0.1:5432", port 1..65535: chaos/sdk/host_port.hpp
  kListenAddress,  // the same with port 0 allowed (any free port)
};

struct Pattern {
  std::string source;  // as written, for messages
  std::regex regex;
};

// "dependencies" entry: either property names that must be present too, or a schema the whole
// object must match.
struct Dependency {
  std::vector<std::string> required;
  NodeId schema = kNoNode;
};

// Raw pointers point into CompiledSchema::document, which outlives every Node.
struct Node {
  std::string pointer;           // "#/properties/delay": where this schema sits
  std::optional<bool> constant;  // boolean schema: true accepts all, false rejects all
  NodeId ref = kNoNode;          // $ref target; draft 7 then ignores validation siblings
  const boost::json::value* default_value = nullptr;

  unsigned types = 0;
  const boost::json::array* enum_values = nullptr;
  const boost::json::value* const_value = nullptr;

  std::vector<std::pair<std::string, NodeId>> properties;
  std::vector<std::pair<Pattern, NodeId>> pattern_properties;
  NodeId additional_properties = kNoNode;
  NodeId property_names = kNoNode;
  std::vector<std::string> required;
  std::optional<uint64_t> min_properties, max_properties;
  std::vector<std::pair<std::string, Dependency>> dependencies;

  NodeId items = kNoNode;                          // one schema for every item
  std::optional<std::vector<NodeId>> tuple_items;  // "items" in array form
  NodeId additional_items = kNoNode;               // only meaningful with tuple_items
  std::optional<uint64_t> min_items, max_items;
  bool unique_items = false;
  NodeId contains = kNoNode;

  const boost::json::value* minimum = nullptr;
  const boost::json::value* maximum = nullptr;
  const boost::json::value* exclusive_minimum = nullptr;
  const boost::json::value* exclusive_maximum = nullptr;
  const boost::json::value* multiple_of = nullptr;

  std::optional<uint64_t> min_length, max_length;
  std::optional<Pattern> pattern;
  StringFormat format = StringFormat::kNone;
  // formatMinimum, formatMaximum, formatExclusiveMinimum, formatExclusiveMaximum beside
  // "format": "duration", in microseconds; each keeps its text for messages.
  struct DurationBound {
    int64_t us = 0;
    std::string text;
  };
  std::optional<DurationBound> duration_min, duration_max, duration_exclusive_min,
      duration_exclusive_max;

  std::vector<NodeId> all_of, any_of, one_of;
  NodeId not_schema = kNoNode;
  NodeId if_schema = kNoNode, then_schema = kNoNode, else_schema = kNoNode;
};

// Built once by compile_schema() and then never mutated or moved, so Node pointers stay valid.
struct CompiledSchema {
  boost::json::value document;
  std::vector<Node> nodes;  // nodes[0] is the root
};

}  // namespace chaos::schema::detail
