#include "schema/schema_compiler.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "schema/json_pointer.h"
#include "schema/json_text.h"
#include "schema/keyword_readers.h"

namespace chaos::schema::detail {
namespace json = boost::json;

#define CHAOS_RETURN_IF_ERROR(expr)                 \
  do {                                              \
    if (Status s_ = (expr); !s_.is_ok()) return s_; \
  } while (0)

namespace {

std::string child_pointer(std::string_view parent, std::string_view token) {
  return std::string(parent) + "/" + escape_pointer_token(token);
}

class Compiler {
 public:
  explicit Compiler(CompiledSchema& out) : out_(out) {}

  Status run() {
    Result<NodeId> root = compile(out_.document, "#");
    if (!root.is_ok()) return root.status();
    while (!pending_refs_.empty()) {
      auto [id, text] = pending_refs_.back();
      pending_refs_.pop_back();
      Result<NodeId> target = resolve(text, out_.nodes[id].pointer);
      if (!target.is_ok()) return target.status();
      out_.nodes[id].ref = *target;
    }
    return check_ref_cycles();
  }

 private:
  Result<NodeId> compile(const json::value& schema, const std::string& pointer) {
    if (auto it = by_pointer_.find(pointer); it != by_pointer_.end()) return it->second;
    const auto id = static_cast<NodeId>(out_.nodes.size());
    out_.nodes.emplace_back();
    by_pointer_[pointer] = id;
    // Filled locally: compiling children grows out_.nodes, which would move a reference.
    Node node;
    node.pointer = pointer;
    if (schema.is_bool()) {
      node.constant = schema.get_bool();
    } else if (schema.is_object()) {
      CHAOS_RETURN_IF_ERROR(compile_object(Site{schema.get_object(), pointer}, node));
    } else {
      return Status::invalid_argument("invalid schema at " + pointer +
                                      ": a schema must be an object or true/false, got " +
                                      render(schema));
    }
    out_.nodes[id] = std::move(node);
    return id;
  }

  Status compile_object(const Site& site, Node& node) {
    CHAOS_RETURN_IF_ERROR(check_keyword_names(site));
    CHAOS_RETURN_IF_ERROR(read_annotations(site, node));
    CHAOS_RETURN_IF_ERROR(read_assertions(site, node));
    if (const auto* v = site.object.if_contains("$ref")) {
      if (!v->is_string()) return site.error("$ref", "must be a string, got " + render(*v));
      pending_refs_.emplace_back(by_pointer_.at(site.pointer), std::string(v->get_string()));
    }
    CHAOS_RETURN_IF_ERROR(compile_definitions(site));
    CHAOS_RETURN_IF_ERROR(compile_object_keywords(site, node));
    CHAOS_RETURN_IF_ERROR(compile_array_keywords(site, node));
    return compile_combinators(site, node);
  }

  Status compile_definitions(const Site& site) {
    const auto* v = site.object.if_contains("definitions");
    if (!v) return Status::ok();
    if (!v->is_object()) return site.error("definitions", "must be an object, got " + render(*v));
    // Compiled even when unused, so a broken definition is reported now, not on first use.
    const std::string base = child_pointer(site.pointer, "definitions");
    for (const auto& [name, schema] : v->get_object()) {
      Result<NodeId> id = compile(schema, child_pointer(base, name));
      if (!id.is_ok()) return id.status();
    }
    return Status::ok();
  }

  Status compile_object_keywords(const Site& site, Node& node) {
    if (const auto* v = site.object.if_contains("properties")) {
      if (!v->is_object()) return site.error("properties", "must be an object, got " + render(*v));
      const std::string base = child_pointer(site.pointer, "properties");
      for (const auto& [name, schema] : v->get_object()) {
        Result<NodeId> id = compile(schema, child_pointer(base, name));
        if (!id.is_ok()) return id.status();
        node.properties.emplace_back(std::string(name), *id);
      }
    }
    if (const auto* v = site.object.if_contains("patternProperties")) {
      if (!v->is_object()) {
        return site.error("patternProperties", "must be an object, got " + render(*v));
      }
      const std::string base = child_pointer(site.pointer, "patternProperties");
      for (const auto& [source, schema] : v->get_object()) {
        Pattern pattern;
        CHAOS_RETURN_IF_ERROR(read_pattern(site, "patternProperties", source, pattern));
        Result<NodeId> id = compile(schema, child_pointer(base, source));
        if (!id.is_ok()) return id.status();
        node.pattern_properties.emplace_back(std::move(pattern), *id);
      }
    }
    CHAOS_RETURN_IF_ERROR(subschema(site, "additionalProperties", node.additional_properties));
    CHAOS_RETURN_IF_ERROR(subschema(site, "propertyNames", node.property_names));
    const auto* deps = site.object.if_contains("dependencies");
    if (!deps) return Status::ok();
    if (!deps->is_object())
      return site.error("dependencies", "must be an object, got " + render(*deps));
    const std::string base = child_pointer(site.pointer, "dependencies");
    for (const auto& [name, dep] : deps->get_object()) {
      Dependency out;
      if (dep.is_array()) {
        CHAOS_RETURN_IF_ERROR(read_names(site, "dependencies", &dep, out.required));
      } else {
        Result<NodeId> id = compile(dep, child_pointer(base, name));
        if (!id.is_ok()) return id.status();
        out.schema = *id;
      }
      node.dependencies.emplace_back(std::string(name), std::move(out));
    }
    return Status::ok();
  }

  Status compile_array_keywords(const Site& site, Node& node) {
    if (const auto* v = site.object.if_contains("items"); v && v->is_array()) {
      const std::string base = child_pointer(site.pointer, "items");
      node.tuple_items.emplace();
      for (size_t i = 0; i < v->get_array().size(); ++i) {
        Result<NodeId> id = compile(v->get_array()[i], child_pointer(base, std::to_string(i)));
        if (!id.is_ok()) return id.status();
        node.tuple_items->push_back(*id);
      }
    } else {
      CHAOS_RETURN_IF_ERROR(subschema(site, "items", node.items));
    }
    CHAOS_RETURN_IF_ERROR(subschema(site, "additionalItems", node.additional_items));
    return subschema(site, "contains", node.contains);
  }

  Status compile_combinators(const Site& site, Node& node) {
    const std::pair<const char*, std::vector<NodeId>*> lists[] = {
        {"allOf", &node.all_of}, {"anyOf", &node.any_of}, {"oneOf", &node.one_of}};
    for (auto [key, out] : lists) {
      const auto* v = site.object.if_contains(key);
      if (!v) continue;
      if (!v->is_array() || v->get_array().empty()) {
        return site.error(key, "must be a non-empty array of schemas, got " + render(*v));
      }
      const std::string base = child_pointer(site.pointer, key);
      for (size_t i = 0; i < v->get_array().size(); ++i) {
        Result<NodeId> id = compile(v->get_array()[i], child_pointer(base, std::to_string(i)));
        if (!id.is_ok()) return id.status();
        out->push_back(*id);
      }
    }
    CHAOS_RETURN_IF_ERROR(subschema(site, "not", node.not_schema));
    CHAOS_RETURN_IF_ERROR(subschema(site, "if", node.if_schema));
    // Without "if", draft 7 ignores "then" and "else"; they are still checked for being schemas.
    CHAOS_RETURN_IF_ERROR(subschema(site, "then", node.then_schema));
    return subschema(site, "else", node.else_schema);
  }

  Status subschema(const Site& site, const char* key, NodeId& out) {
    const auto* v = site.object.if_contains(key);
    if (!v) return Status::ok();
    Result<NodeId> id = compile(*v, child_pointer(site.pointer, key));
    if (!id.is_ok()) return id.status();
    out = *id;
    return Status::ok();
  }

  // Only local references: "#" and JSON pointers such as "#/definitions/delay".
  Result<NodeId> resolve(const std::string& ref, const std::string& at) {
    const auto bad = [&](const std::string& why) {
      return Status::invalid_argument("invalid schema at " + at + ": '$ref' \"" + ref + "\" " +
                                      why);
    };
    Result<std::vector<std::string>> tokens = decode_local_ref(ref);
    if (!tokens.is_ok()) return bad(tokens.status().message());
    const json::value* current = &out_.document;
    std::string canonical = "#";
    for (const std::string& token : *tokens) {
      const auto* object = current->if_object();
      const auto* array = current->if_array();
      if (object && object->contains(token)) {
        current = &object->at(token);
      } else if (array && !token.empty() && token.size() < 10 &&
                 token.find_first_not_of("0123456789") == std::string::npos &&
                 std::stoul(token) < array->size()) {
        current = &(*array)[std::stoul(token)];
      } else {
        return bad("points to nothing in this schema");
      }
      canonical = child_pointer(canonical, token);
    }
    return compile(*current, canonical);  // returns the existing node when already compiled
  }

  // A chain of $refs that comes back to itself would recurse forever on any instance.
  Status check_ref_cycles() const {
    for (const Node& start : out_.nodes) {
      NodeId id = start.ref;
      for (size_t steps = 0; id != kNoNode; ++steps) {
        if (steps > out_.nodes.size() || &out_.nodes[id] == &start) {
          return Status::invalid_argument("invalid schema at " + start.pointer +
                                          ": '$ref' forms a cycle that never reaches a schema");
        }
        id = out_.nodes[id].ref;
      }
    }
    return Status::ok();
  }

  CompiledSchema& out_;
  std::map<std::string, NodeId> by_pointer_;
  std::vector<std::pair<NodeId, std::string>> pending_refs_;  // node, $ref as written
};

}  // namespace

Status compile_schema(CompiledSchema& out) { return Compiler(out).run(); }

#undef CHAOS_RETURN_IF_ERROR

}  // namespace chaos::schema::detail
