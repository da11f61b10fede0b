#pragma once
// Assertion keywords: the checks that look at one value without descending into subschemas
// (type, enum, const, bounds, lengths, pattern, format, required, uniqueItems). Internal to
// chaos_schema; the walker in schema_validator.cpp calls these and handles the rest.

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "schema/schema_node.h"

namespace chaos::schema::detail {

// One problem found in an instance.
struct Issue {
  std::string path;  // "stages[2].rate"; empty for the top-level value
  std::string message;
  std::string expected_type;  // set when the value had the wrong type, e.g. "an integer"
};

// Collects the Issues found at one location. Without a sink the caller only needs yes or no,
// and checks may stop at the first failure.
class Report {
 public:
  Report(const std::string& path, std::vector<Issue>* sink) : path_(path), sink_(sink) {}

  // Records a failure here and returns false, so checks can `return report.fail(...)`.
  bool fail(std::string message, std::string expected_type = {}) const;
  // Same, at a child location such as a missing property.
  bool fail_at(std::string path, std::string message) const;

  bool collecting() const { return sink_ != nullptr; }
  const std::string& path() const { return path_; }
  std::vector<Issue>* sink() const { return sink_; }

 private:
  const std::string& path_;
  std::vector<Issue>* sink_;
};

// "an integer", "a string or null"; a duration format reads "a duration like "250ms" (...)".
std::string describe_types(const Node& node);

bool check_type(const Node& node, const boost::json::value& v, const Report& report);
bool check_enum_const(const Node& node, const boost::json::value& v, const Report& report);
bool check_number(const Node& node, const boost::json::value& v, const Report& report);
bool check_string(const Node& node, const boost::json::value& v, const Report& report);
// minItems, maxItems, uniqueItems.
bool check_array_shape(const Node& node, const boost::json::array& a, const Report& report);
// required, minProperties, maxProperties.
bool check_object_shape(const Node& node, const boost::json::object& o, const Report& report);

// std::regex search, which can throw on pathological input; that counts as no match.
bool pattern_matches(const Pattern& pattern, std::string_view text);

}  // namespace chaos::schema::detail
