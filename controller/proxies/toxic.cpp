#include "proxies/toxic.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "schema/json_schema.h"

namespace chaos::proxies {

namespace json = boost::json;

namespace {

// Each type's attributes as Toxiproxy documents them, with its defaults. Unknown attributes
// are ignored, as Toxiproxy's decoder ignores them.
const char* attributes_schema(const std::string& type) {
  static const std::map<std::string, const char*> kSchemas = {
      {"latency", R"JSON({"type": "object", "properties": {
         "latency": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 0,
                     "description": "milliseconds added"},
         "jitter": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 0,
                    "description": "milliseconds, +/-"}}})JSON"},
      {"bandwidth", R"JSON({"type": "object", "properties": {
         "rate": {"type": "integer", "minimum": 0, "maximum": 9007199254740, "default": 0,
                  "description": "KB/s (1 KB = 1000 bytes); 0: no limit"}}})JSON"},
      {"slow_close", R"JSON({"type": "object", "properties": {
         "delay": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 0,
                   "description": "milliseconds each close is held"}}})JSON"},
      {"timeout", R"JSON({"type": "object", "properties": {
         "timeout": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 0,
                     "description": "milliseconds before the connection is closed; 0: never"}}})JSON"},
      {"reset_peer", R"JSON({"type": "object", "properties": {
         "timeout": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 0,
                     "description": "milliseconds before the RST"}}})JSON"},
      {"limit_data", R"JSON({"type": "object", "properties": {
         "bytes": {"type": "integer", "minimum": 0, "maximum": 9007199254740991, "default": 0,
                   "description": "bytes carried before the connection is closed"}}})JSON"},
  };
  auto it = kSchemas.find(type);
  return it == kSchemas.end() ? nullptr : it->second;
}

const schema::JsonSchema* compiled(const std::string& type) {
  static const auto* kCompiled = [] {
    auto* out = new std::map<std::string, schema::JsonSchema>();
    for (const char* t :
         {"latency", "bandwidth", "slow_close", "timeout", "reset_peer", "limit_data"}) {
      auto parsed = schema::JsonSchema::parse(attributes_schema(t));
      if (parsed) out->emplace(t, std::move(parsed.value()));
    }
    return out;
  }();
  auto it = kCompiled->find(type);
  return it == kCompiled->end() ? nullptr : &it->second;
}

// Checks the attributes against the type's schema and fills its defaults. Errors read
// "attributes.latency: ...".
Result<json::object> checked_attributes(const std::string& type, const json::value& given) {
  const schema::JsonSchema* s = compiled(type);
  if (!s) return Status::not_found("invalid toxic type '" + type + "'");
  const json::value attributes = given.is_null() ? json::value(json::object()) : given;
  if (!attributes.is_object())
    return Status::invalid_argument("bad request body: attributes: expected an object");
  std::string problems;
  for (const std::string& e : s->errors(attributes)) {
    problems += (problems.empty() ? "" : "; ") + ("attributes." + e);
  }
  // Every attribute is an integer, and JSON Schema counts 100.0 as one; but the toxic reads
  // integers only (100.0 became a 0 ms latency, silently), and Toxiproxy refuses it too.
  const json::object& known = s->json().as_object().at("properties").as_object();
  for (const auto& [key, value] : attributes.as_object()) {
    // (1.5 the schema refuses itself.)
    if (value.is_double() && std::trunc(value.as_double()) == value.as_double() &&
        known.contains(key)) {
      problems += (problems.empty() ? "" : "; ") + ("attributes." + std::string(key)) +
                  ": expected a whole number without a fraction or exponent, got " +
                  json::serialize(value);
    }
  }
  if (!problems.empty()) return Status::invalid_argument("bad request body: " + problems);
  return s->with_defaults(attributes).as_object();
}

Result<double> checked_toxicity(const json::value& v) {
  if (!v.is_number())
    return Status::invalid_argument("bad request body: toxicity: expected a number from 0 to 1");
  const double t = v.to_number<double>();
  if (!(t >= 0 && t <= 1))
    return Status::invalid_argument("bad request body: toxicity: must be from 0 to 1");
  return t;
}

int64_t attr(const Toxic& toxic, const char* name) {
  const json::value* v = toxic.attributes.if_contains(name);
  return v && v->is_int64() ? v->as_int64() : (v && v->is_uint64() ? int64_t(v->as_uint64()) : 0);
}

std::string ms(int64_t value) { return std::to_string(value) + "ms"; }

}  // namespace

json::object Toxic::to_json() const {
  // 1 rather than 1E0: what Toxiproxy prints, and what a client comparing text expects.
  const json::value t = toxicity == static_cast<double>(static_cast<int64_t>(toxicity))
                            ? json::value(static_cast<int64_t>(toxicity))
                            : json::value(toxicity);
  return json::object{{"name", name},
                      {"type", type},
                      {"stream", stream},
                      {"toxicity", t},
                      {"attributes", attributes}};
}

Result<Toxic> parse_toxic(const json::value& body) {
  if (!body.is_object())
    return Status::invalid_argument("bad request body: expected a JSON object");
  const json::object& o = body.as_object();
  Toxic toxic;
  const json::value* type = o.if_contains("type");
  if (!type || !type->is_string() || type->as_string().empty())
    return Status::not_found(
        "invalid toxic type (give \"type\": one of latency, bandwidth, "
        "slow_close, timeout, reset_peer, limit_data)");
  toxic.type = std::string(type->as_string());
  if (const json::value* stream = o.if_contains("stream"); stream && !stream->is_null()) {
    if (!stream->is_string())
      return Status::invalid_argument("bad request body: stream: expected a string");
    toxic.stream = std::string(stream->as_string());
  }
  if (toxic.stream.empty()) toxic.stream = "downstream";
  if (toxic.stream != "upstream" && toxic.stream != "downstream")
    return Status::invalid_argument("stream was invalid, can be either upstream or downstream");
  if (const json::value* name = o.if_contains("name"); name && !name->is_null()) {
    if (!name->is_string())
      return Status::invalid_argument("bad request body: name: expected a string");
    toxic.name = std::string(name->as_string());
  }
  if (toxic.name.empty()) toxic.name = toxic.type + "_" + toxic.stream;
  if (const json::value* t = o.if_contains("toxicity"); t && !t->is_null()) {
    auto toxicity = checked_toxicity(*t);
    if (!toxicity) return toxicity.status();
    toxic.toxicity = toxicity.value();
  }
  const json::value* given = o.if_contains("attributes");
  auto attributes = checked_attributes(toxic.type, given ? *given : json::value());
  if (!attributes) return attributes.status();
  toxic.attributes = std::move(attributes.value());
  return toxic;
}

Result<Toxic> update_toxic(const Toxic& toxic, const json::value& body) {
  if (!body.is_object())
    return Status::invalid_argument("bad request body: expected a JSON object");
  const json::object& o = body.as_object();
  Toxic out = toxic;
  if (const json::value* t = o.if_contains("toxicity"); t && !t->is_null()) {
    auto toxicity = checked_toxicity(*t);
    if (!toxicity) return toxicity.status();
    out.toxicity = toxicity.value();
  }
  if (const json::value* given = o.if_contains("attributes"); given && !given->is_null()) {
    if (!given->is_object())
      return Status::invalid_argument("bad request body: attributes: expected an object");
    json::object merged = toxic.attributes;
    for (const auto& [key, value] : given->as_object()) merged[key] = value;
    auto attributes = checked_attributes(out.type, merged);
    if (!attributes) return attributes.status();
    out.attributes = std::move(attributes.value());
  }
  return out;
}

ToxicFault toxic_fault(const Toxic& toxic) {
  ToxicFault f;
  json::object& p = f.params;
  p["probability"] = toxic.toxicity;
  if (toxic.type == "latency") {
    f.kind = "latency";
    p["delay"] = ms(attr(toxic, "latency"));
    p["jitter"] = ms(attr(toxic, "jitter"));
    p["direction"] = toxic.stream;
    return f;
  }
  if (toxic.type == "bandwidth") {
    if (attr(toxic, "rate") == 0) return ToxicFault{};  // Toxiproxy: rate 0 limits nothing
    f.kind = "bandwidth";
    p["rate"] = attr(toxic, "rate") * 1000;
    p["direction"] = toxic.stream;
    return f;
  }
  f.kind = "outage";
  p["existing"] = true;  // Toxiproxy's toxics act on open connections too
  if (toxic.type == "slow_close") {
    p["mode"] = "slow_close";
    p["delay"] = ms(attr(toxic, "delay"));
  } else if (toxic.type == "timeout") {
    const int64_t timeout = attr(toxic, "timeout");
    p["mode"] = timeout == 0 ? "blackhole" : "timeout";
    if (timeout != 0) p["delay"] = ms(timeout);
  } else if (toxic.type == "reset_peer") {
    p["mode"] = "reset";
    p["delay"] = ms(attr(toxic, "timeout"));
  } else {  // limit_data
    p["mode"] = "limit_data";
    p["bytes"] = attr(toxic, "bytes");
    p["direction"] = toxic.stream;
  }
  return f;
}

}  // namespace chaos::proxies
