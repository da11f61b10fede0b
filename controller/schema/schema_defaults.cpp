#include "schema/schema_defaults.h"

namespace chaos::schema::detail {
namespace json = boost::json;

namespace {

// Deep enough for any real parameter set; stops a self-referencing allOf from recursing forever.
constexpr int kMaxDepth = 256;

// A property's default may sit beside its $ref or in the schema the $ref points to.
const json::value* default_of(const CompiledSchema& schema, NodeId id) {
  for (int steps = 0; id != kNoNode && steps < kMaxDepth; ++steps) {
    const Node& node = schema.nodes[id];
    if (node.default_value) return node.default_value;
    id = node.ref;
  }
  return nullptr;
}

json::value fill(const CompiledSchema& schema, NodeId id, json::value v, int depth) {
  if (depth > kMaxDepth) return v;
  const Node& node = schema.nodes[id];
  if (node.ref != kNoNode) return fill(schema, node.ref, std::move(v), depth + 1);
  for (NodeId branch : node.all_of) v = fill(schema, branch, std::move(v), depth + 1);
  if (auto* object = v.if_object()) {
    for (const auto& [name, child] : node.properties) {
      if (auto* present = object->if_contains(name)) {
        *present = fill(schema, child, std::move(*present), depth + 1);
      } else if (const json::value* fallback = default_of(schema, child)) {
        // The default itself may be an object whose own properties have defaults.
        (*object)[name] = fill(schema, child, *fallback, depth + 1);
      }
    }
  }
  if (auto* array = v.if_array()) {
    for (size_t i = 0; i < array->size(); ++i) {
      NodeId item = node.items;
      if (node.tuple_items) {
        item = i < node.tuple_items->size() ? (*node.tuple_items)[i] : node.additional_items;
      }
      if (item != kNoNode) (*array)[i] = fill(schema, item, std::move((*array)[i]), depth + 1);
    }
  }
  return v;
}

}  // namespace

json::value fill_defaults(const CompiledSchema& schema, NodeId id, json::value instance) {
  return fill(schema, id, std::move(instance), 0);
}

}  // namespace chaos::schema::detail
