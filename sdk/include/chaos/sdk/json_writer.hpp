// chaos/sdk/json_writer.hpp — writing JSON text for status_json() and event details.
// Thread-safety: plain functions and values, no shared state.
#pragma once

#include <chaos/sdk/json.hpp>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>

namespace chaos::sdk {

// Writing JSON for status_json() and event details.

// `s` as a quoted JSON string. Bytes >= 0x80 pass through (the input is expected to be UTF-8).
inline std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

// Builds one flat JSON object: JsonObject().add("listen", addr).add("bytes", n).str().
class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view value) {
    return add_raw(key, json_quote(value));
  }
  JsonObject& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonObject& add(std::string_view key, const std::string& value) {
    return add(key, std::string_view(value));
  }
  JsonObject& add(std::string_view key, bool value) {
    return add_raw(key, value ? "true" : "false");
  }
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  JsonObject& add(std::string_view key, T value) {
    return add_raw(key, std::to_string(value));
  }
  JsonObject& add(std::string_view key, double value) {
    if (!std::isfinite(value)) return add_raw(key, "null");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    for (char* c = buf; *c != '\0'; ++c) *c = *c == ',' ? '.' : *c;  // LC_NUMERIC may say ","
    return add_raw(key, buf);
  }
  // `json` must already be valid JSON (a nested object, an array).
  JsonObject& add_raw(std::string_view key, std::string_view json) {
    body_ += body_.empty() ? "" : ",";
    body_ += json_quote(key);
    body_ += ':';
    body_ += json;
    return *this;
  }
  std::string str() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

// `value` as compact JSON text; what Json::parse reads, this writes back (object key order is
// kept). Numbers print with up to 17 significant digits, so integers up to 2^53 stay exact.
inline std::string to_json(const Json& value) {
  switch (value.type()) {
    case Json::Type::kNull:
      return "null";
    case Json::Type::kBool:
      return value.as_bool() ? "true" : "false";
    case Json::Type::kNumber: {
      if (!std::isfinite(value.as_number())) return "null";
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", value.as_number());
      for (char* c = buf; *c != '\0'; ++c) *c = *c == ',' ? '.' : *c;  // LC_NUMERIC may say ","
      return buf;
    }
    case Json::Type::kString:
      return json_quote(value.as_string());
    case Json::Type::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < value.items().size(); ++i) {
        out += (i ? "," : "") + to_json(value.items()[i]);
      }
      return out + "]";
    }
    case Json::Type::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < value.keys().size(); ++i) {
        out += (i ? "," : "") + json_quote(value.keys()[i]) + ":" + to_json(value.items()[i]);
      }
      return out + "}";
    }
  }
  return "null";
}

}  // namespace chaos::sdk
