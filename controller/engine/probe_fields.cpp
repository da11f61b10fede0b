#include "engine/probe_fields.h"

#include <boost/json.hpp>

#include "common/duration.h"

namespace chaos::engine::fields {

std::string lua_type_of(const boost::json::value& value) {
  if (value.is_string()) return "string";
  if (value.is_number()) return "number";
  if (value.is_bool()) return "boolean";
  if (value.is_null()) return "nil";
  return "table";
}

Result<std::string> url(const boost::json::object& fields, const char* key) {
  const auto* v = fields.if_contains(key);
  if (v && v->is_string()) {
    const std::string text(v->as_string());
    if (text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0) return text;
  }
  return Status::invalid_argument("'" + std::string(key) +
                                  "' is required and must start with http:// or https://");
}

Result<std::chrono::microseconds> duration(const boost::json::object& fields, const char* key,
                                           std::chrono::microseconds fallback) {
  const auto* v = fields.if_contains(key);
  if (!v) return fallback;
  if (!v->is_string()) {
    return Status::invalid_argument(std::string(key) +
                                    ": expected a duration like \"250ms\" or \"30s\", got " +
                                    lua_type_of(*v));
  }
  auto d = parse_duration(std::string(v->as_string()));
  if (!d) return d.status().with_context(key);
  return d;
}

Result<std::string> string(const boost::json::object& fields, const char* key,
                           std::string fallback, const std::string& what) {
  const auto* v = fields.if_contains(key);
  if (!v) return fallback;
  if (!v->is_string()) return Status::invalid_argument(std::string(key) + ": expected " + what);
  return std::string(v->as_string());
}

Result<bool> ignore_errors(const boost::json::object& fields) {
  const auto* v = fields.if_contains("on_error");
  if (!v) return false;
  if (v->is_string() && v->as_string() == "ignore") return true;
  if (v->is_string() && v->as_string() == "fail") return false;
  return Status::invalid_argument(
      "on_error: expected \"fail\" (a failed reading fails the check; the default) or "
      "\"ignore\"");
}

std::optional<double> number(const boost::json::object& fields, const char* key) {
  const auto* v = fields.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

}  // namespace chaos::engine::fields
