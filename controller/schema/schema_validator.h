#pragma once
// The walker (internal to chaos_schema): follows subschemas (properties, items, $ref, allOf...)
// across an instance and turns failed branches into messages an operator can act on.

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "schema/keyword_checks.h"
#include "schema/schema_node.h"

namespace chaos::schema::detail {

class Validator {
 public:
  // REQUIRES: `schema` outlives this Validator.
  explicit Validator(const CompiledSchema& schema) : schema_(schema) {}

  // True when `instance` (found at `path`) matches node `id`. Problems are appended to `sink`
  // when given; without one, checking stops at the first failure.
  bool check(NodeId id, const boost::json::value& instance, const std::string& path,
             std::vector<Issue>* sink, int depth = 0) const;

 private:
  bool check_array(const Node& node, const boost::json::array& a, const Report& report,
                   int depth) const;
  bool check_object(const Node& node, const boost::json::object& o, const Report& report,
                    int depth) const;
  bool check_unknown(const Node& node, const std::string& name, const Report& report) const;
  bool check_combinators(const Node& node, const boost::json::value& v, const Report& report,
                         int depth) const;
  // Reports an anyOf/oneOf where no branch matched.
  bool fail_alternatives(const std::vector<std::vector<Issue>>& branches,
                         const boost::json::value& v, const Report& report) const;

  const CompiledSchema& schema_;
};

}  // namespace chaos::schema::detail
