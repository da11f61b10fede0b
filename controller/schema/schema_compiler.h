#pragma once
// Turns a schema document into Nodes (internal to chaos_schema).

#include "common/status.h"
#include "schema/schema_node.h"

namespace chaos::schema::detail {

// Compiles out.document into out.nodes (root first) and resolves every $ref. Fails with
// InvalidArgument naming the keyword and its location when the schema is malformed, uses an
// unsupported keyword, or has a $ref that points nowhere.
// REQUIRES: out.nodes is empty; `out` is not moved afterwards (Nodes point into out.document).
Status compile_schema(CompiledSchema& out);

}  // namespace chaos::schema::detail
