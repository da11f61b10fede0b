// chaos/plugin.hpp — a header-only C++17 wrapper that turns a fault kind into a small class.
//
// A plugin author writes one class per fault kind and one macro line:
//
//   class LatencyFault : public chaos::sdk::Fault {
//    public:
//     static constexpr const char* kName = "latency";
//     static constexpr const char* kSummary = "Delays the bytes on a proxied TCP path.";
//     static constexpr const char* kSchema = R"({"type":"object", ...})";
//     static std::unique_ptr<LatencyFault> create(chaos::sdk::Host& host,
//                                                 const chaos::sdk::Params& params);
//     void start() override;
//     void stop() override;
//     std::string status_json() override;
//     void update(const chaos::sdk::Params& params) override;  // optional
//     static void recover(chaos::sdk::Host&, const chaos::sdk::Params&);  // optional, static
//   };
//   CHAOS_PLUGIN("network", "0.1.0", "TCP proxy faults", LatencyFault, ProxyFault)
//
// CHAOS_PLUGIN (once per plugin, at global scope) defines the ABI stamp, the chaos_fault_kind
// table and the exported chaos_plugin_entry. Kind names must be unique (checked at compile time).
//
// LIFECYCLE. create → start → (update)* → stop → (start → stop)* → destroy. create prepares and
// validates but injects nothing; stop must be idempotent, valid without start, and must not hang
// on stalled peers. destroy calls stop() (an exception is logged, not propagated) and then
// deletes the object, so the destructor only has to release resources.
//
// ERRORS. Throw; the trampolines catch everything, so no exception crosses the C boundary:
//   InvalidParams → CHAOS_ERR_INVALID_PARAMS (message begins with the field name)
//   StateError    → CHAOS_ERR_STATE          (e.g. start while already started)
//   Unsupported   → CHAOS_ERR_UNSUPPORTED
//   anything else → CHAOS_ERR_FAILED         (message = what(), or "unknown exception")
//
// OPTIONAL OPERATIONS. If the class does not override update(), the table's update pointer is
// NULL so the host knows up front; likewise recover() is wired only if the class declares a
// static recover(Host&, const Params&).
//
// THREADING. For one instance the host calls create, start, update, stop, status_json and
// destroy from a single thread, never concurrently; the fault object needs no lock for state
// touched only by those calls. Host's methods are thread-safe and may be called from the
// plugin's own threads until destroy returns, so background threads must be joined in stop()
// or the destructor.
//
// OWNERSHIP. The wrapper owns the fault object (deleted in destroy) and the Host passed to
// create, which stays valid, at the same address, until the fault object is destroyed.
// Params copies the JSON it was given; strings given to Host are copied by the host.
#pragma once

#include <chaos/plugin.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace chaos::sdk {

// ---------------------------------------------------------------------------------------------
// Errors thrown by plugin code; the trampolines map them to chaos_status.

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter is wrong. The message is "<field>: <problem>" so the operator sees which one.
class InvalidParams : public Error {
 public:
  InvalidParams(const std::string& field, const std::string& problem)
      : Error(field.empty() ? problem : field + ": " + problem), field_(field) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

class StateError : public Error {
 public:
  using Error::Error;
};

class Unsupported : public Error {
 public:
  using Error::Error;
};

// ---------------------------------------------------------------------------------------------
// A minimal JSON value and reader: enough for parameter objects (nested objects and arrays of
// strings, numbers, bools, null). Numbers are doubles. Not a general-purpose library.

class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  // Throws InvalidParams("", "malformed JSON at offset N: ...") on bad input.
  static Json parse(std::string_view text);

  Type type() const noexcept { return type_; }
  bool is_null() const noexcept { return type_ == Type::kNull; }
  bool is_bool() const noexcept { return type_ == Type::kBool; }
  bool is_number() const noexcept { return type_ == Type::kNumber; }
  bool is_string() const noexcept { return type_ == Type::kString; }
  bool is_array() const noexcept { return type_ == Type::kArray; }
  bool is_object() const noexcept { return type_ == Type::kObject; }

  bool as_bool() const noexcept { return bool_; }
  double as_number() const noexcept { return number_; }
  const std::string& as_string() const noexcept { return string_; }
  const std::vector<Json>& items() const noexcept { return items_; }       // array elements
  const std::vector<std::string>& keys() const noexcept { return keys_; }  // object keys, in order
  // The member named `key` of an object, or nullptr (also when this is not an object).
  const Json* find(std::string_view key) const noexcept {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == key) return &items_[i];
    }
    return nullptr;
  }

 private:
  friend class JsonReader;
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<Json> items_;        // array elements, or object values (parallel to keys_)
  std::vector<std::string> keys_;  // object keys
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  Json read_document() {
    Json value = read_value(0);
    skip_space();
    if (pos_ != text_.size()) fail("unexpected trailing characters");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 64;

  [[noreturn]] void fail(const char* what) const {
    throw InvalidParams("", "malformed JSON at offset " + std::to_string(pos_) + ": " + what);
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool eat_word(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Json read_value(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end of input");
    Json v;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      v.type_ = Json::Type::kObject;
      if (eat('}')) return v;
      do {
        skip_space();
        if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string key");
        v.keys_.push_back(read_string());
        if (!eat(':')) fail("expected ':'");
        v.items_.push_back(read_value(depth + 1));
      } while (eat(','));
      if (!eat('}')) fail("expected ',' or '}'");
    } else if (c == '[') {
      ++pos_;
      v.type_ = Json::Type::kArray;
      if (eat(']')) return v;
      do {
        v.items_.push_back(read_value(depth + 1));
      } while (eat(','));
      if (!eat(']')) fail("expected ',' or ']'");
    } else if (c == '"') {
      v.type_ = Json::Type::kString;
      v.string_ = read_string();
    } else if (eat_word("true")) {
      v.type_ = Json::Type::kBool;
      v.bool_ = true;
    } else if (eat_word("false")) {
      v.type_ = Json::Type::kBool;
    } else if (eat_word("null")) {
      v.type_ = Json::Type::kNull;
    } else {
      v.type_ = Json::Type::kNumber;
      v.number_ = read_number();
    }
    return v;
  }

  // Locale-independent; exact for the common case (<= 15 significant digits, small exponent).
  double read_number() {
    bool negative = false;
    if (pos_ < text_.size() && text_[pos_] == '-') negative = true, ++pos_;
    auto digit = [&] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
    if (!digit()) fail("expected a value");
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
        text_[pos_ + 1] <= '9')
      fail("leading zeros are not allowed");
    double mantissa = 0;
    int exponent = 0;
    while (digit()) mantissa = mantissa * 10 + (text_[pos_++] - '0');
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digit()) fail("expected digits after '.'");
      while (digit()) mantissa = mantissa * 10 + (text_[pos_++] - '0'), --exponent;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      int sign = 1;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
        sign = text_[pos_++] == '-' ? -1 : 1;
      if (!digit()) fail("expected digits in exponent");
      int e = 0;
      while (digit()) e = e < 100000 ? e * 10 + (text_[pos_++] - '0') : (++pos_, e);
      exponent += sign * e;
    }
    const double scale = std::pow(10.0, std::abs(exponent));
    const double value = exponent < 0 ? mantissa / scale : mantissa * scale;
    return negative ? -value : value;
  }

  std::string read_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          append_utf8(out, read_code_point());
          break;
        default:
          fail("bad escape");
      }
    }
  }

  uint32_t read_hex4() {
    if (pos_ + 4 > text_.size()) fail("short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<uint32_t>(h - 'A' + 10);
      else
        fail("bad hex digit in \\u escape");
    }
    return v;
  }

  uint32_t read_code_point() {
    uint32_t cp = read_hex4();
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair
      if (!eat_word("\\u")) fail("unpaired surrogate");
      const uint32_t low = read_hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("unpaired surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail("unpaired surrogate");
    }
    return cp;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

inline Json Json::parse(std::string_view text) { return JsonReader(text).read_document(); }

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// Durations as operators write them: "500us", "250ms", "1.5s", "2m", "1h". A bare number is
// rejected (the unit is what makes it readable), as are signs and negative values.

inline std::optional<int64_t> parse_duration_us(std::string_view text) noexcept {
  size_t i = 0;
  double whole = 0;
  bool any_digit = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    whole = whole * 10 + (text[i++] - '0');
    any_digit = true;
  }
  double fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    double place = 0.1;
    bool fraction_digit = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      fraction += (text[i++] - '0') * place;
      place /= 10;
      fraction_digit = true;
    }
    if (!fraction_digit) return std::nullopt;
  }
  if (!any_digit) return std::nullopt;
  const std::string_view unit = text.substr(i);
  double scale = 0;
  if (unit == "us")
    scale = 1;
  else if (unit == "ms")
    scale = 1e3;
  else if (unit == "s")
    scale = 1e6;
  else if (unit == "m")
    scale = 60e6;
  else if (unit == "h")
    scale = 3600e6;
  else
    return std::nullopt;
  const double us = std::round((whole + fraction) * scale);
  if (us > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(us);
}

// For people: "250ms", "1.5s", "750us".
inline std::string format_duration_us(int64_t us) {
  char buf[48];
  const auto n = static_cast<long long>(us);
  if (us == 0)
    std::snprintf(buf, sizeof buf, "0ms");
  else if (us % 1000 != 0)
    std::snprintf(buf, sizeof buf, "%lldus", n);
  else if (us % 1000000 != 0)
    std::snprintf(buf, sizeof buf, "%lldms", n / 1000);
  else
    std::snprintf(buf, sizeof buf, "%llds", n / 1000000);
  return buf;
}

// ---------------------------------------------------------------------------------------------
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
  // A duration string ("250ms") in microseconds.
  int64_t get_duration_us(std::string_view name) const {
    const std::string text = get_string(name);
    if (auto us = parse_duration_us(text)) return *us;
    throw InvalidParams(std::string(name),
                        "'" + text +
                            "' is not a duration; expected a number with a unit, like "
                            "\"250ms\", \"1.5s\", \"2m\" (units: us, ms, s, m, h)");
  }
  int64_t get_duration_us(std::string_view name, std::string_view fallback) const {
    if (has(name)) return get_duration_us(name);
    auto us = parse_duration_us(fallback);
    return us ? *us : 0;
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

// ---------------------------------------------------------------------------------------------
// Host: the callbacks the host offers one fault instance. Thread-safe (the host's callbacks
// are); every method is a no-op if the host's table is too old to have that callback, and a
// default-constructed Host (useful in unit tests) drops everything.

enum class LogLevel {
  kDebug = CHAOS_LOG_DEBUG,
  kInfo = CHAOS_LOG_INFO,
  kWarn = CHAOS_LOG_WARN,
  kError = CHAOS_LOG_ERROR
};

class Host {
 public:
  Host() = default;
  Host(const chaos_host_api* api, chaos_host_ctx* ctx) noexcept : api_(api), ctx_(ctx) {}

  void log(LogLevel level, std::string_view msg) const noexcept {
    if (has(offsetof(chaos_host_api, log), sizeof api_->log) && api_->log)
      api_->log(ctx_, static_cast<chaos_log_level>(level), msg.data(), msg.size());
  }
  void debug(std::string_view msg) const noexcept { log(LogLevel::kDebug, msg); }
  void info(std::string_view msg) const noexcept { log(LogLevel::kInfo, msg); }
  void warn(std::string_view msg) const noexcept { log(LogLevel::kWarn, msg); }
  void error(std::string_view msg) const noexcept { log(LogLevel::kError, msg); }

  // One sample; the host prefixes the series with the fault's name. unix_ms = 0 means now.
  void metric(std::string_view name, double value, int64_t unix_ms = 0) const noexcept {
    if (has(offsetof(chaos_host_api, metric), sizeof api_->metric) && api_->metric)
      api_->metric(ctx_, name.data(), name.size(), value, unix_ms);
  }
  // `detail_json` must be a JSON object.
  void event(std::string_view kind, std::string_view detail_json = "{}") const noexcept {
    if (has(offsetof(chaos_host_api, event), sizeof api_->event) && api_->event)
      api_->event(ctx_, kind.data(), kind.size(), detail_json.data(), detail_json.size());
  }

 private:
  // Whether the host's table (of the size it says) reaches the field at `offset`.
  bool has(size_t offset, size_t size) const noexcept {
    return api_ != nullptr && api_->struct_size >= offset + size;
  }

  const chaos_host_api* api_ = nullptr;
  chaos_host_ctx* ctx_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Fault: the base class of a fault kind. See the top of this file for the contract.

class Fault {
 public:
  virtual ~Fault() = default;
  // Injects the fault. Returns promptly; work belongs on the plugin's own threads.
  virtual void start() = 0;
  // Removes every effect. Idempotent, valid without start, bounded in time.
  virtual void stop() = 0;
  // A JSON object describing the current state.
  virtual std::string status_json() { return "{}"; }
  // Changes a running fault's magnitude from a complete parameter object. Override to offer it.
  virtual void update(const Params& /*params*/) {
    throw Unsupported("this fault kind cannot be updated");
  }
};

// ---------------------------------------------------------------------------------------------
// The machinery behind CHAOS_PLUGIN. Not for direct use.

namespace detail {

inline void write(chaos_writer* w, std::string_view s) noexcept {
  if (w && w->append && !s.empty()) w->append(w->ctx, s.data(), s.size());
}

// What chaos_fault* points to. Member order matters: the fault dies before its Host.
struct Instance {
  Host host;
  std::unique_ptr<Fault> fault;
};

inline Instance* instance(chaos_fault* f) noexcept { return reinterpret_cast<Instance*>(f); }

template <typename Fn>
chaos_status guarded(chaos_writer* error, Fn&& fn) noexcept {
  try {
    fn();
    return CHAOS_OK;
  } catch (const InvalidParams& e) {
    write(error, e.what());
    return CHAOS_ERR_INVALID_PARAMS;
  } catch (const StateError& e) {
    write(error, e.what());
    return CHAOS_ERR_STATE;
  } catch (const Unsupported& e) {
    write(error, e.what());
    return CHAOS_ERR_UNSUPPORTED;
  } catch (const std::exception& e) {
    write(error, e.what());
    return CHAOS_ERR_FAILED;
  } catch (...) {
    write(error, "unknown exception");
    return CHAOS_ERR_FAILED;
  }
}

inline Fault& require(chaos_fault* f) {
  if (!f || !instance(f)->fault) throw StateError("no fault instance");
  return *instance(f)->fault;
}

inline Params parse_params(const char* json, size_t len) {
  return Params::parse(json ? std::string_view(json, len) : std::string_view("{}"));
}

template <typename T>
chaos_status create(const chaos_host_api* api, chaos_host_ctx* ctx, const char* params_json,
                    size_t params_len, chaos_fault** out, chaos_writer* error) noexcept {
  if (!out) return guarded(error, [] { throw Error("create: out is NULL"); });
  *out = nullptr;
  return guarded(error, [&] {
    const Params params = parse_params(params_json, params_len);
    auto inst = std::make_unique<Instance>();
    inst->host = Host(api, ctx);
    std::unique_ptr<Fault> fault = T::create(inst->host, params);
    if (!fault) throw Error("create returned no fault");
    inst->fault = std::move(fault);
    *out = reinterpret_cast<chaos_fault*>(inst.release());
  });
}

inline chaos_status start(chaos_fault* f, chaos_writer* error) noexcept {
  return guarded(error, [&] { require(f).start(); });
}

inline chaos_status stop(chaos_fault* f, chaos_writer* error) noexcept {
  return guarded(error, [&] { require(f).stop(); });
}

inline chaos_status status(chaos_fault* f, chaos_writer* out_json, chaos_writer* error) noexcept {
  return guarded(error, [&] { write(out_json, require(f).status_json()); });
}

inline chaos_status update(chaos_fault* f, const char* params_json, size_t params_len,
                           chaos_writer* error) noexcept {
  return guarded(error, [&] { require(f).update(parse_params(params_json, params_len)); });
}

inline void destroy(chaos_fault* f) noexcept {
  if (!f) return;
  std::unique_ptr<Instance> inst(instance(f));
  if (!inst->fault) return;
  chaos_writer sink{
      &inst->host, [](void* ctx, const char* data, size_t len) {
        static_cast<Host*>(ctx)->warn("stop during destroy failed: " + std::string(data, len));
      }};
  (void)guarded(&sink, [&] { inst->fault->stop(); });
  inst->fault.reset();
}

template <typename T>
chaos_status recover(const chaos_host_api* api, chaos_host_ctx* ctx, const char* params_json,
                     size_t params_len, chaos_writer* error) noexcept {
  return guarded(error, [&] {
    Host host(api, ctx);
    T::recover(host, parse_params(params_json, params_len));
  });
}

template <typename T, typename = void>
struct HasRecover : std::false_type {};
template <typename T>
struct HasRecover<
    T, std::void_t<decltype(T::recover(std::declval<Host&>(), std::declval<const Params&>()))>>
    : std::true_type {};

// True when T overrides Fault::update (a member pointer to an inherited function has the base's
// class type).
template <typename T>
constexpr bool kOverridesUpdate =
    !std::is_same_v<decltype(&T::update), void (Fault::*)(const Params&)>;

template <typename T>
chaos_fault_kind make_kind() noexcept {
  static_assert(std::is_base_of_v<Fault, T>, "a fault kind must derive from chaos::sdk::Fault");
  static_assert(std::is_convertible_v<decltype(T::create(std::declval<Host&>(),
                                                         std::declval<const Params&>())),
                                      std::unique_ptr<Fault>>,
                "T::create(Host&, const Params&) must return std::unique_ptr<T>");
  chaos_fault_kind k{};
  k.struct_size = sizeof(chaos_fault_kind);
  k.name = T::kName;
  k.summary = T::kSummary;
  k.params_schema = T::kSchema;
  k.create = &create<T>;
  k.start = &start;
  k.stop = &stop;
  k.status = &status;
  k.destroy = &destroy;
  if constexpr (kOverridesUpdate<T>) k.update = &update;
  if constexpr (HasRecover<T>::value) k.recover = &recover<T>;
  return k;
}

constexpr bool same_name(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

template <typename... Kinds>
constexpr bool unique_names() {
  const char* names[] = {Kinds::kName...};
  for (size_t i = 0; i < sizeof...(Kinds); ++i)
    for (size_t j = i + 1; j < sizeof...(Kinds); ++j)
      if (same_name(names[i], names[j])) return false;
  return true;
}

template <typename... Kinds>
const chaos_plugin* plugin_table(const char* name, const char* version,
                                 const char* description) noexcept {
  static_assert(sizeof...(Kinds) > 0, "a plugin needs at least one fault kind");
  static_assert(unique_names<Kinds...>(), "two fault kinds share a kName");
  static const chaos_fault_kind kinds[] = {make_kind<Kinds>()...};
  static const chaos_plugin plugin = {sizeof(chaos_plugin),
                                      CHAOS_ABI_MAJOR,
                                      CHAOS_ABI_MINOR,
                                      name,
                                      version,
                                      description,
                                      sizeof...(Kinds),
                                      kinds};
  return &plugin;
}

}  // namespace detail
}  // namespace chaos::sdk

// Defines the ABI stamp and the exported chaos_plugin_entry. Use once, at global scope.
#define CHAOS_PLUGIN(plugin_name, plugin_version, plugin_description, ...)              \
  CHAOS_PLUGIN_STAMP();                                                                 \
  extern "C" CHAOS_EXPORT const chaos_plugin* chaos_plugin_entry(void);                 \
  extern "C" const chaos_plugin* chaos_plugin_entry(void) {                             \
    return ::chaos::sdk::detail::plugin_table<__VA_ARGS__>(plugin_name, plugin_version, \
                                                           plugin_description);         \
  }
