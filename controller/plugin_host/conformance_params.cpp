// Parameters for `plugin check`: good ones built from a kind's schema, and bad ones that break it
// one property at a time. See conformance.h.
#include <algorithm>
#include <boost/json.hpp>
#include <optional>

#include "common/duration.h"
#include "plugin_host/conformance.h"

namespace chaos::plugin_host {

namespace json = boost::json;

namespace {

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

std::string type_of(const json::object& prop) {
  const json::value* t = prop.if_contains("type");
  return t && t->is_string() ? std::string(t->as_string()) : "";
}

bool is_duration(const json::object& prop) {
  const json::value* f = prop.if_contains("format");
  return f && f->is_string() && f->as_string() == "duration";
}

// A duration bound of the schema ("formatMaximum": "10m"), if it has a valid one.
std::optional<Micros> duration_bound(const json::object& prop, const char* key) {
  const json::value* v = prop.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  auto d = parse_duration(v->as_string());
  return d ? std::optional<Micros>(d.value()) : std::nullopt;
}

// "1s", moved inside the schema's duration bounds.
std::string guess_duration(const json::object& prop) {
  Micros d = std::chrono::seconds(1);
  if (auto min = duration_bound(prop, "formatMinimum")) d = std::max(d, *min);
  if (auto min = duration_bound(prop, "formatExclusiveMinimum")) d = std::max(d, *min + Micros(1));
  if (auto max = duration_bound(prop, "formatMaximum")) d = std::min(d, *max);
  if (auto max = duration_bound(prop, "formatExclusiveMaximum")) d = std::min(d, *max - Micros(1));
  return format_duration(d);
}

// A value for a required property without a default, or null when the schema gives no hint.
json::value guess(const json::object& prop) {
  for (const char* list : {"examples", "enum"}) {
    if (const json::value* v = prop.if_contains(list); v && v->is_array() && !v->as_array().empty())
      return v->as_array().front();
  }
  if (const json::value* v = prop.if_contains("const")) return *v;
  const std::string type = type_of(prop);
  if (type == "boolean") return false;
  if (type == "integer" || type == "number") {
    if (const json::value* min = prop.if_contains("minimum"); min && min->is_number()) return *min;
    if (const json::value* min = prop.if_contains("exclusiveMinimum"); min && min->is_number()) {
      return type == "integer" ? json::value(min->to_number<double>() + 1)
                               : json::value(min->to_number<double>() + 0.5);
    }
    return 0;
  }
  if (type == "string" && is_duration(prop)) return json::value(guess_duration(prop));
  return nullptr;
}

}  // namespace

Result<json::object> sample_params(const schema::JsonSchema& schema,
                                   const json::object& overrides) {
  const json::value& doc = schema.json();
  if (!doc.is_object()) return Status::invalid_argument("the schema is not an object schema");
  const json::object& root = doc.as_object();
  json::object params;
  if (const json::value* ex = root.if_contains("examples"); ex && ex->is_array()) {
    const json::array& list = ex->as_array();
    if (!list.empty() && list.front().is_object()) params = list.front().as_object();
  }
  for (const auto& [key, value] : overrides) params[key] = value;
  json::value filled = schema.with_defaults(params);
  params = filled.as_object();

  const json::object* props = object_at(root, "properties");
  if (const json::value* required = root.if_contains("required");
      required && required->is_array()) {
    for (const json::value& name : required->as_array()) {
      if (!name.is_string() || params.contains(name.as_string())) continue;
      const json::object* prop = props ? object_at(*props, name.as_string()) : nullptr;
      json::value v = prop ? guess(*prop) : json::value(nullptr);
      if (v.is_null()) {
        return Status::invalid_argument(
            "required '" + std::string(name.as_string()) +
            "' has no default, example or enum to try; add \"examples\" to its schema, or pass "
            "--params KIND='{\"" +
            std::string(name.as_string()) + "\":...}'");
      }
      params[name.as_string()] = std::move(v);
    }
  }
  if (json::value* seed = params.if_contains("seed");
      seed && seed->is_number() && seed->to_number<double>() == 0) {
    *seed = 1;  // a run never hands a plugin seed 0 (it means "pick one")
  }
  if (Status st = schema.validate(params); !st) {
    return Status::invalid_argument("the parameters built from the schema (" +
                                    json::serialize(params) + ") are not valid: " + st.message() +
                                    "; pass --params KIND='{...}' with working values");
  }
  return params;
}

std::vector<std::pair<std::string, json::object>> bad_params(const schema::JsonSchema& schema,
                                                             const json::object& good) {
  std::vector<std::pair<std::string, json::object>> out;
  const json::value& doc = schema.json();
  if (!doc.is_object()) return out;
  if (const json::object* props = object_at(doc.as_object(), "properties")) {
    for (const auto& [name, value] : *props) {
      if (!value.is_object()) continue;
      const std::string type = type_of(value.as_object());
      json::value wrong;
      if (type == "string") {
        wrong = is_duration(value.as_object()) ? json::value("soon") : json::value(12345);
      } else if (type == "integer" || type == "number") {
        wrong = "not a number";
      } else if (type == "boolean") {
        wrong = "not a boolean";
      } else if (type == "object" || type == "array") {
        wrong = 12345;
      } else {
        continue;  // no single type to break
      }
      json::object bad = good;
      bad[name] = std::move(wrong);
      out.emplace_back(std::string(name), std::move(bad));
      // Past a duration's declared maximum: the schema refuses it, and create must not crash.
      if (auto max = duration_bound(value.as_object(), "formatMaximum")) {
        json::object over = good;
        over[name] = format_duration(*max + Micros(1));
        out.emplace_back(std::string(name), std::move(over));
      }
    }
  }
  const json::value* extra = doc.as_object().if_contains("additionalProperties");
  if (extra && extra->is_bool() && !extra->as_bool()) {
    json::object bad = good;
    bad["no_such_parameter"] = 1;
    out.emplace_back("no_such_parameter", std::move(bad));
  }
  return out;
}

}  // namespace chaos::plugin_host
