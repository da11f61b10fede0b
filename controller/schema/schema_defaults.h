#pragma once
// Filling in "default" values (internal to chaos_schema).

#include <boost/json/value.hpp>

#include "schema/schema_node.h"

namespace chaos::schema::detail {

// `instance` with every absent property that declares a default filled in, following
// properties, items, allOf and $ref. Branches that depend on the value (anyOf, oneOf, if) are
// not followed: which default would apply is ambiguous there.
boost::json::value fill_defaults(const CompiledSchema& schema, NodeId id,
                                 boost::json::value instance);

}  // namespace chaos::schema::detail
