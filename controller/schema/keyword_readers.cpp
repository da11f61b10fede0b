#include "schema/keyword_readers.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/duration.h"
#include "schema/json_text.h"

namespace chaos::schema::detail {
namespace json = boost::json;

namespace {

// Everything parse() accepts. Anything else is refused: an unknown keyword is most likely a typo
// that would otherwise switch a check off without a word.
// clang-format off
const std::vector<std::string> kKeywords = {
    "$schema", "$id", "$ref", "$comment", "title", "description", "default", "examples",
    "readOnly", "writeOnly", "format", "definitions", "type", "enum", "const", "properties",
    "patternProperties", "additionalProperties", "propertyNames", "required", "minProperties",
    "maxProperties", "dependencies", "items", "additionalItems", "minItems", "maxItems",
    "uniqueItems", "contains", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "pattern", "allOf", "anyOf", "oneOf", "not", "if",
    "then", "else", "formatMinimum", "formatMaximum", "formatExclusiveMinimum",
    "formatExclusiveMaximum"};
// clang-format on

// Keywords that may sit beside $ref: they do not validate, so nothing is lost by draft 7
// ignoring them there.
const std::set<std::string_view> kRefSiblings = {
    "$schema", "$id",      "$comment", "title",     "description",
    "default", "examples", "readOnly", "writeOnly", "definitions"};

const std::map<std::string_view, unsigned> kTypeNames = {
    {"null", kNullType},      {"boolean", kBooleanType}, {"object", kObjectType},
    {"array", kArrayType},    {"number", kNumberType},   {"string", kStringType},
    {"integer", kIntegerType}};

bool is_vendor_keyword(std::string_view key) { return key.size() > 2 && key.substr(0, 2) == "x-"; }

Status read_type(const Site& site, Node& node) {
  const auto* v = site.object.if_contains("type");
  if (!v) return Status::ok();
  json::array single;
  if (!v->is_array()) single.push_back(*v);
  for (const auto& name : v->is_array() ? v->get_array() : single) {
    auto it =
        name.is_string() ? kTypeNames.find(std::string_view(name.get_string())) : kTypeNames.end();
    if (it == kTypeNames.end()) {
      return site.error("type",
                        "must be one of null, boolean, object, array, number, string, integer "
                        "(or a list of them), got " +
                            render(name));
    }
    if (node.types & it->second) return site.error("type", "lists " + render(name) + " twice");
    node.types |= it->second;
  }
  return Status::ok();
}

Status read_numbers(const Site& site, Node& node) {
  const std::pair<const char*, const json::value**> numbers[] = {
      {"minimum", &node.minimum},
      {"maximum", &node.maximum},
      {"exclusiveMinimum", &node.exclusive_minimum},
      {"exclusiveMaximum", &node.exclusive_maximum},
      {"multipleOf", &node.multiple_of}};
  for (auto [key, out] : numbers) {
    const auto* v = site.object.if_contains(key);
    if (!v) continue;
    if (!v->is_number()) return site.error(key, "must be a number, got " + render(*v));
    *out = v;
  }
  if (node.multiple_of && to_double(*node.multiple_of) <= 0) {
    return site.error("multipleOf", "must be greater than 0, got " + render(*node.multiple_of));
  }
  return Status::ok();
}

// formatMinimum and friends: duration texts, only beside "format": "duration" (the only format
// with an order here), so a bound can never sit unenforced on another format.
Status read_duration_bounds(const Site& site, Node& node) {
  const std::pair<const char*, std::optional<Node::DurationBound>*> bounds[] = {
      {"formatMinimum", &node.duration_min},
      {"formatMaximum", &node.duration_max},
      {"formatExclusiveMinimum", &node.duration_exclusive_min},
      {"formatExclusiveMaximum", &node.duration_exclusive_max}};
  for (auto [key, out] : bounds) {
    const auto* v = site.object.if_contains(key);
    if (!v) continue;
    if (node.format != StringFormat::kDuration) {
      return site.error(key, "applies only beside \"format\": \"duration\"");
    }
    if (!v->is_string()) return site.error(key, "must be a duration string, got " + render(*v));
    auto us = parse_duration(v->get_string());
    if (!us) return site.error(key, us.status().message());
    *out = Node::DurationBound{us.value().count(), std::string(v->get_string())};
  }
  return Status::ok();
}

}  // namespace

Status Site::error(std::string_view keyword, const std::string& what) const {
  return Status::invalid_argument("invalid schema at " + pointer + ": '" + std::string(keyword) +
                                  "' " + what);
}

Status check_keyword_names(const Site& site) {
  const bool has_ref = site.object.contains("$ref");
  for (const auto& [key, value] : site.object) {
    const std::string name(key);
    if (is_vendor_keyword(name)) continue;
    if (std::find(kKeywords.begin(), kKeywords.end(), name) == kKeywords.end()) {
      const std::string hint = closest_name(name, kKeywords);
      return Status::invalid_argument("invalid schema at " + site.pointer +
                                      ": unsupported keyword '" + name + "'" +
                                      (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                      "; vendor annotations must start with \"x-\"");
    }
    if (has_ref && name != "$ref" && !kRefSiblings.contains(name)) {
      return site.error(name,
                        "beside '$ref' would be ignored (draft 7 ignores the siblings of $ref); "
                        "put both under \"allOf\"");
    }
  }
  return Status::ok();
}

Status read_annotations(const Site& site, Node& node) {
  for (const char* key : {"title", "description", "$comment", "format"}) {
    const auto* v = site.object.if_contains(key);
    if (v && !v->is_string()) return site.error(key, "must be a string, got " + render(*v));
  }
  for (const char* key : {"readOnly", "writeOnly"}) {
    const auto* v = site.object.if_contains(key);
    if (v && !v->is_bool()) return site.error(key, "must be true or false, got " + render(*v));
  }
  if (const auto* v = site.object.if_contains("examples"); v && !v->is_array()) {
    return site.error("examples", "must be an array, got " + render(*v));
  }
  if (const auto* v = site.object.if_contains("$schema")) {
    // Another draft gives some keywords another meaning; refuse rather than guess.
    const std::string_view uri = v->is_string() ? std::string_view(v->get_string()) : "";
    if (uri.find("json-schema.org/draft-07/schema") == std::string_view::npos) {
      return site.error(
          "$schema",
          "must name draft 7 (\"http://json-schema.org/draft-07/schema#\"), got " + render(*v));
    }
  }
  if (const auto* v = site.object.if_contains("$id")) {
    if (!v->is_string()) return site.error("$id", "must be a string, got " + render(*v));
    if (site.pointer != "#") {
      return site.error("$id",
                        "is only supported on the root schema (a nested $id changes how $ref "
                        "resolves); refer to '#/definitions/...' instead");
    }
  }
  if (const auto* v = site.object.if_contains("format"); v && v->is_string()) {
    const std::string_view name = v->get_string();
    if (name == "duration") node.format = StringFormat::kDuration;
    if (name == "host-port") node.format = StringFormat::kHostPort;
    if (name == "listen-address") node.format = StringFormat::kListenAddress;
  }
  if (Status s = read_duration_bounds(site, node); !s.is_ok()) return s;
  node.default_value = site.object.if_contains("default");
  return Status::ok();
}

Status read_assertions(const Site& site, Node& node) {
  if (Status s = read_type(site, node); !s.is_ok()) return s;
  if (const auto* v = site.object.if_contains("enum")) {
    if (!v->is_array()) return site.error("enum", "must be an array, got " + render(*v));
    node.enum_values = &v->get_array();
  }
  node.const_value = site.object.if_contains("const");
  if (Status s = read_numbers(site, node); !s.is_ok()) return s;
  if (const auto* v = site.object.if_contains("pattern")) {
    if (!v->is_string()) return site.error("pattern", "must be a string, got " + render(*v));
    node.pattern.emplace();
    if (Status s = read_pattern(site, "pattern", v->get_string(), *node.pattern); !s.is_ok()) {
      return s;
    }
  }
  if (const auto* v = site.object.if_contains("uniqueItems")) {
    if (!v->is_bool()) return site.error("uniqueItems", "must be true or false, got " + render(*v));
    node.unique_items = v->get_bool();
  }
  const std::pair<const char*, std::optional<uint64_t>*> counts[] = {
      {"minLength", &node.min_length},         {"maxLength", &node.max_length},
      {"minItems", &node.min_items},           {"maxItems", &node.max_items},
      {"minProperties", &node.min_properties}, {"maxProperties", &node.max_properties}};
  for (auto [key, out] : counts) {
    if (Status s = read_count(site, key, *out); !s.is_ok()) return s;
  }
  return read_names(site, "required", site.object.if_contains("required"), node.required);
}

Status read_count(const Site& site, const char* key, std::optional<uint64_t>& out) {
  const auto* v = site.object.if_contains(key);
  if (!v) return Status::ok();
  if (!v->is_number() || !is_integer(*v) || to_double(*v) < 0) {
    return site.error(key, "must be a non-negative integer, got " + render(*v));
  }
  if (v->is_int64()) {
    out = static_cast<uint64_t>(v->get_int64());
  } else if (v->is_uint64()) {
    out = v->get_uint64();
  } else {
    out = static_cast<uint64_t>(v->get_double());
  }
  return Status::ok();
}

Status read_names(const Site& site, const char* key, const json::value* list,
                  std::vector<std::string>& out) {
  if (!list) return Status::ok();
  if (!list->is_array()) return site.error(key, "must be an array of names, got " + render(*list));
  for (const auto& name : list->get_array()) {
    if (!name.is_string()) return site.error(key, "must list names, got " + render(name));
    std::string s(name.get_string());
    if (std::find(out.begin(), out.end(), s) != out.end()) {
      return site.error(key, "lists '" + s + "' twice");
    }
    out.push_back(std::move(s));
  }
  return Status::ok();
}

Status read_pattern(const Site& site, const char* key, std::string_view source, Pattern& out) {
  out.source = std::string(source);
  try {
    out.regex = std::regex(out.source, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return site.error(
        key, "has an invalid regular expression " + render(json::string(source)) + ": " + e.what());
  }
  return Status::ok();
}

}  // namespace chaos::schema::detail
