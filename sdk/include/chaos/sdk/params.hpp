// chaos/sdk/params.hpp — a fault's parameter object with typed getters that name the field.
// Thread-safety: a plain value; const methods may be called from any thread.
#pragma once

#include <chaos/sdk/duration.hpp>
#include <chaos/sdk/errors.hpp>
#include <chaos/sdk/json.hpp>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace chaos::sdk {

// Params: the fault's parameter object. Typed getters throw InvalidParams naming the field.

class Params {
 public:
  // Throws InvalidParams if `json` is malformed or not an object. Copies the text.
  static Params parse(std::string_view json) {
    Json root = Json::parse(json);
    if (!root.is_object()) throw InvalidParams("", "parameters must be a JSON object");
    return Params(std::move(root), std::string(json));
  }

  const std::string& raw() const noexcept { return raw_; }
  const Json& root() const noexcept { return root_; }
  // The member, or nullptr if absent. A JSON null counts as absent for the getters below.
  const Json* find(std::string_view name) const noexcept { return root_.find(name); }
  bool has(std::string_view name) const noexcept {
    const Json* v = find(name);
    return v && !v->is_null();
  }

  std::string get_string(std::string_view name) const {
    return typed(name, Json::Type::kString, "a string").as_string();
  }
  std::string get_string(std::string_view name, std::string_view fallback) const {
    return has(name) ? get_string(name) : std::string(fallback);
  }
  double get_number(std::string_view name) const {
    return typed(name, Json::Type::kNumber, "a number").as_number();
  }
  double get_number(std::string_view name, double fallback) const {
    return has(name) ? get_number(name) : fallback;
  }
  // Integers a double holds exactly: the default bounds of get_int.
  static constexpr int64_t kMaxExactInt = 9007199254740991;  // 2^53 - 1

  // An integral number within [min, max].
  int64_t get_int(std::string_view name, int64_t min = -kMaxExactInt,
                  int64_t max = kMaxExactInt) const {
    const double v = get_number(name);
    if (v != std::floor(v)) throw InvalidParams(std::string(name), "must be an integer");
    if (v < static_cast<double>(min) || v > static_cast<double>(max))
      throw InvalidParams(std::string(name),
                          "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return static_cast<int64_t>(v);
  }
  int64_t get_int_or(std::string_view name, int64_t fallback, int64_t min = -kMaxExactInt,
                     int64_t max = kMaxExactInt) const {
    return has(name) ? get_int(name, min, max) : fallback;
  }
  bool get_bool(std::string_view name) const {
    return typed(name, Json::Type::kBool, "true or false").as_bool();
  }
  bool get_bool(std::string_view name, bool fallback) const {
    return has(name) ? get_bool(name) : fallback;
  }
  // A duration string ("250ms", "1m30s"; grammar in chaos/sdk/duration.hpp) in microseconds,
  // within `bounds` (by default anything the grammar accepts: 0s to 100000h).
  int64_t get_duration_us(std::string_view name, const DurationBounds& bounds = {}) const {
    const std::string text = get_string(name);
    const DurationResult r = parse_duration(text);
    if (!r.ok()) throw InvalidParams(std::string(name), duration_error_message(text, r));
    if (std::string problem = duration_bounds_problem(r.us, bounds); !problem.empty())
      throw InvalidParams(std::string(name), "'" + text + "' " + problem);
    return r.us;
  }
  // As above; `fallback` when the member is absent. A fallback that is not a duration is a bug
  // in the plugin, reported as an Error (CHAOS_ERR_FAILED) rather than read as 0.
  int64_t get_duration_us(std::string_view name, std::string_view fallback,
                          const DurationBounds& bounds = {}) const {
    if (has(name)) return get_duration_us(name, bounds);
    const DurationResult r = parse_duration(fallback);
    if (!r.ok())
      throw Error(std::string(name) + ": the plugin's default " +
                  duration_error_message(fallback, r));
    return r.us;
  }

  // Rejects members not in `known` (the schema's "additionalProperties": false, checked again).
  void expect_only(std::initializer_list<std::string_view> known) const {
    for (const std::string& key : root_.keys()) {
      bool found = false;
      for (std::string_view k : known) found = found || k == key;
      if (!found) throw InvalidParams(key, "unknown parameter");
    }
  }

 private:
  Params(Json root, std::string raw) : root_(std::move(root)), raw_(std::move(raw)) {}

  const Json& typed(std::string_view name, Json::Type type, const char* expected) const {
    const Json* v = find(name);
    if (!v || v->is_null()) throw InvalidParams(std::string(name), "is required");
    if (v->type() != type)
      throw InvalidParams(std::string(name), std::string("must be ") + expected);
    return *v;
  }

  Json root_;
  std::string raw_;
};

}  // namespace chaos::sdk
