#include "proxies/proxy_config.h"

#include <boost/json.hpp>
#include <set>

#include "schema/json_schema.h"

namespace chaos::proxies {

namespace json = boost::json;

namespace {

constexpr const char* kSchema = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "proxies": {
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,100}$",
                   "description": "what experiments attach by: proxy = \"db\""},
          "listen": {"type": "string", "minLength": 1,
                     "description": "host:port the service connects to instead of the dependency"},
          "upstream": {"type": "string", "minLength": 1,
                       "description": "the dependency, host:port (a host name is resolved)"},
          "enabled": {"type": "boolean", "default": true}
        },
        "required": ["name", "listen", "upstream"],
        "additionalProperties": false
      }
    }
  },
  "required": ["proxies"],
  "additionalProperties": false
})JSON";

}  // namespace

Result<std::vector<ProxySpec>> parse_proxy_config(const std::string& text,
                                                  const std::string& file_name) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return Status::invalid_argument(file_name + ": not JSON: " + ec.message());
  if (doc.is_array()) doc = json::object{{"proxies", doc}};  // Toxiproxy's form
  static const auto schema = schema::JsonSchema::parse(kSchema);
  if (!schema) return schema.status();
  if (Status st = schema.value().validate(doc); !st)
    return Status::invalid_argument(file_name + ": " + st.message());
  const json::value filled = schema.value().with_defaults(doc);
  std::vector<ProxySpec> out;
  std::set<std::string> names;
  size_t index = 0;
  for (const json::value& item : filled.as_object().at("proxies").as_array()) {
    const json::object& o = item.as_object();
    ProxySpec spec;
    spec.name = std::string(o.at("name").as_string());
    spec.listen = std::string(o.at("listen").as_string());
    spec.upstream = std::string(o.at("upstream").as_string());
    spec.enabled = o.at("enabled").as_bool();
    if (!names.insert(spec.name).second) {
      return Status::invalid_argument(file_name + ": proxies[" + std::to_string(index) +
                                      "].name: '" + spec.name + "' is declared twice");
    }
    out.push_back(std::move(spec));
    ++index;
  }
  return out;
}

}  // namespace chaos::proxies
