#include "schema/json_text.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace chaos::schema::detail {
namespace json = boost::json;

namespace {

void render_into(std::string& out, const json::value& v, size_t max_chars) {
  if (out.size() > max_chars) return;  // the caller truncates; stop walking big values early
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      out += render_number(v);
      break;
    case json::kind::string:
      out += json::serialize(v.get_string());
      break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        render_into(out, item, max_chars);
        if (out.size() > max_chars) return;
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        out += json::serialize(json::string_view(key));
        out += ": ";
        render_into(out, item, max_chars);
        if (out.size() > max_chars) return;
      }
      out += '}';
      break;
    }
  }
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// Optimal string alignment distance: Levenshtein plus adjacent swaps, the most common typo.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
      const size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string render(const json::value& v, size_t max_chars) {
  std::string out;
  render_into(out, v, max_chars);
  if (out.size() > max_chars) {
    out.resize(max_chars);
    out += "...";
  }
  return out;
}

std::string render_number(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

double to_double(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

int compare_numbers(const json::value& a, const json::value& b) {
  const auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.is_double() || b.is_double()) return three_way(to_double(a), to_double(b));
  if (a.is_int64() && b.is_int64()) return three_way(a.get_int64(), b.get_int64());
  if (a.is_uint64() && b.is_uint64()) return three_way(a.get_uint64(), b.get_uint64());
  // One signed, one unsigned: a negative value is smaller, otherwise compare as unsigned.
  if (a.is_int64()) {
    return a.get_int64() < 0 ? -1 : three_way(static_cast<uint64_t>(a.get_int64()), b.get_uint64());
  }
  return b.get_int64() < 0 ? 1 : three_way(a.get_uint64(), static_cast<uint64_t>(b.get_int64()));
}

bool is_integer(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  if (!v.is_double()) return false;
  const double d = v.get_double();
  return std::isfinite(d) && std::trunc(d) == d;
}

bool is_multiple_of(const json::value& value, const json::value& divisor) {
  if (!value.is_double() && !divisor.is_double()) {
    // Exact for integers: compare magnitudes so int64 and uint64 mix safely.
    const auto magnitude = [](const json::value& v) -> uint64_t {
      if (v.is_uint64()) return v.get_uint64();
      const int64_t i = v.get_int64();
      return i < 0 ? uint64_t(0) - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
    };
    const uint64_t d = magnitude(divisor);
    return d != 0 && magnitude(value) % d == 0;
  }
  // Doubles: 0.0075 / 0.0001 is 74.99999999999999, so allow a relative rounding error. An
  // overflowing quotient (inf) is never a multiple.
  const double quotient = to_double(value) / to_double(divisor);
  if (!std::isfinite(quotient)) return false;
  return std::fabs(quotient - std::round(quotient)) <= 1e-9 * std::max(1.0, std::fabs(quotient));
}

bool json_equal(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!json_equal(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& [key, item] : x) {
      const auto* other = y.if_contains(key);
      if (other == nullptr || !json_equal(item, *other)) return false;
    }
    return true;
  }
  return a == b;  // null, bool, string
}

std::string join_path(std::string_view parent, std::string_view name) {
  if (is_identifier(name)) {
    return parent.empty() ? std::string(name) : std::string(parent) + "." + std::string(name);
  }
  return std::string(parent) + "[" + json::serialize(json::string_view(name.data(), name.size())) +
         "]";
}

std::string join_path(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  // Allow about one typo per three characters, so "dealy" finds "delay" but "x" finds nothing.
  const size_t allowed = std::max<size_t>(1, name.size() / 3);
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const auto& candidate : candidates) {
    const size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best_distance <= allowed && best_distance < name.size() ? best : std::string();
}

size_t count_code_points(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // skip continuation bytes
  }));
}

std::string quoted_list(const std::vector<std::string>& names, std::string_view quote) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += quote;
    out += name;
    out += quote;
  }
  return out;
}

}  // namespace chaos::schema::detail
