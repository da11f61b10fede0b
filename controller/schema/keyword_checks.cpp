#include "schema/keyword_checks.h"

#include <chaos/sdk/duration.hpp>
#include <chaos/sdk/host_port.hpp>

#include "schema/json_text.h"

namespace chaos::schema::detail {
namespace json = boost::json;

namespace {

constexpr char kDurationExpected[] =
    "a duration like \"250ms\" or \"1m30s\" (numbers with units: h, m, s, ms, us)";
constexpr char kHostPortExpected[] = "host:port like \"127.0.0.1:5432\"";
constexpr char kListenAddressExpected[] =
    "host:port like \"127.0.0.1:15432\" (port 0: any free port)";

const char* format_expected(StringFormat format) {
  switch (format) {
    case StringFormat::kDuration: return kDurationExpected;
    case StringFormat::kHostPort: return kHostPortExpected;
    case StringFormat::kListenAddress: return kListenAddressExpected;
    case StringFormat::kNone: break;
  }
  return "a string";
}

// "format": "duration" and its bounds. A text that is not a number with a unit gets the
// general hint; one that is (negative, too long, too fine) gets the grammar's own reason.
bool check_duration(const Node& node, const json::value& v, std::string_view text,
                    const Report& report) {
  const sdk::DurationResult d = sdk::parse_duration(text);
  switch (d.error) {
    case sdk::DurationError::kNone:
      break;
    case sdk::DurationError::kEmpty:
    case sdk::DurationError::kNoNumber:
    case sdk::DurationError::kBadNumber:
    case sdk::DurationError::kNoUnit:
    case sdk::DurationError::kBadUnit:
      return report.fail(std::string("expected ") + kDurationExpected + ", got " + render(v));
    default:
      return report.fail(sdk::duration_error_message(text, d));
  }
  const std::string shown = render(v);
  if (node.duration_min && d.us < node.duration_min->us)
    return report.fail(shown + " is shorter than the minimum " + node.duration_min->text);
  if (node.duration_max && d.us > node.duration_max->us)
    return report.fail(shown + " is longer than the maximum " + node.duration_max->text);
  if (node.duration_exclusive_min && d.us <= node.duration_exclusive_min->us)
    return report.fail(shown + " must be longer than " + node.duration_exclusive_min->text);
  if (node.duration_exclusive_max && d.us >= node.duration_exclusive_max->us)
    return report.fail(shown + " must be shorter than " + node.duration_exclusive_max->text);
  return true;
}

bool has_type(unsigned types, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return types & kNullType;
    case json::kind::bool_:
      return types & kBooleanType;
    case json::kind::object:
      return types & kObjectType;
    case json::kind::array:
      return types & kArrayType;
    case json::kind::string:
      return types & kStringType;
    default:
      return (types & kNumberType) || ((types & kIntegerType) && is_integer(v));
  }
}

std::string plural(uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

bool Report::fail(std::string message, std::string expected_type) const {
  if (sink_) sink_->push_back({path_, std::move(message), std::move(expected_type)});
  return false;
}

bool Report::fail_at(std::string path, std::string message) const {
  if (sink_) sink_->push_back({std::move(path), std::move(message), {}});
  return false;
}

std::string describe_types(const Node& node) {
  static const std::pair<unsigned, const char*> kNames[] = {
      {kObjectType, "an object"}, {kArrayType, "an array"},     {kStringType, "a string"},
      {kNumberType, "a number"},  {kIntegerType, "an integer"}, {kBooleanType, "true or false"},
      {kNullType, "null"}};
  std::vector<std::string> names;
  for (auto [bit, name] : kNames) {
    if (!(node.types & bit)) continue;
    if (bit == kIntegerType && (node.types & kNumberType)) continue;  // "a number" says it
    names.push_back(bit == kStringType && node.format != StringFormat::kNone
                        ? format_expected(node.format)
                        : name);
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

bool check_type(const Node& node, const json::value& v, const Report& report) {
  if (node.types == 0 || has_type(node.types, v)) return true;
  const std::string expected = describe_types(node);
  return report.fail("expected " + expected + ", got " + render(v), expected);
}

bool check_enum_const(const Node& node, const json::value& v, const Report& report) {
  if (node.const_value && !json_equal(*node.const_value, v)) {
    return report.fail("expected " + render(*node.const_value) + ", got " + render(v));
  }
  if (!node.enum_values) return true;
  std::vector<std::string> choices;
  for (const auto& choice : *node.enum_values) {
    if (json_equal(choice, v)) return true;
    choices.push_back(render(choice, 30));
  }
  std::string message = choices.size() == 1
                            ? "expected " + choices[0] + ", got " + render(v)
                            : "expected one of " + quoted_list(choices, "") + ", got " + render(v);
  if (v.is_string()) {
    std::vector<std::string> strings;
    for (const auto& choice : *node.enum_values) {
      if (choice.is_string()) strings.emplace_back(choice.get_string());
    }
    const std::string hint = closest_name(v.get_string(), strings);
    if (!hint.empty()) message += " (did you mean \"" + hint + "\"?)";
  }
  return report.fail(std::move(message));
}

bool check_number(const Node& node, const json::value& v, const Report& report) {
  if (!v.is_number()) return true;
  bool ok = true;
  const std::string shown = render_number(v);
  if (node.minimum && compare_numbers(v, *node.minimum) < 0) {
    ok = report.fail(shown + " is below the minimum " + render_number(*node.minimum));
  }
  if (node.maximum && compare_numbers(v, *node.maximum) > 0) {
    ok = report.fail(shown + " is above the maximum " + render_number(*node.maximum));
  }
  if (node.exclusive_minimum && compare_numbers(v, *node.exclusive_minimum) <= 0) {
    ok = report.fail(shown + " must be greater than " + render_number(*node.exclusive_minimum));
  }
  if (node.exclusive_maximum && compare_numbers(v, *node.exclusive_maximum) >= 0) {
    ok = report.fail(shown + " must be less than " + render_number(*node.exclusive_maximum));
  }
  if (node.multiple_of && !is_multiple_of(v, *node.multiple_of)) {
    ok = report.fail(shown + " is not a multiple of " + render_number(*node.multiple_of));
  }
  return ok;
}

bool check_string(const Node& node, const json::value& v, const Report& report) {
  if (!v.is_string()) return true;
  const std::string_view text = v.get_string();
  bool ok = true;
  const size_t length = count_code_points(text);
  if (node.min_length && length < *node.min_length) {
    ok = report.fail("expected at least " + plural(*node.min_length, "character") + ", got " +
                     std::to_string(length) + " (" + render(v) + ")");
  }
  if (node.max_length && length > *node.max_length) {
    ok = report.fail("expected at most " + plural(*node.max_length, "character") + ", got " +
                     std::to_string(length) + " (" + render(v) + ")");
  }
  // The format first: when the text is not even a duration or an address, its message says why,
  // and a pattern's regular expression would only repeat it less clearly.
  bool format_ok = true;
  if (node.format == StringFormat::kDuration) {
    format_ok = check_duration(node, v, text, report);
  } else if (node.format == StringFormat::kHostPort || node.format == StringFormat::kListenAddress) {
    const sdk::HostPort address =
        sdk::parse_host_port(text, node.format == StringFormat::kListenAddress);
    if (!address.ok()) format_ok = report.fail(address.error);
  }
  ok = ok && format_ok;
  if (format_ok && node.pattern && !pattern_matches(*node.pattern, text)) {
    ok = report.fail("expected a string matching " + node.pattern->source + ", got " + render(v));
  }
  return ok;
}

bool check_array_shape(const Node& node, const json::array& a, const Report& report) {
  bool ok = true;
  if (node.min_items && a.size() < *node.min_items) {
    ok = report.fail("expected at least " + plural(*node.min_items, "item") + ", got " +
                     std::to_string(a.size()));
  }
  if (node.max_items && a.size() > *node.max_items) {
    ok = report.fail("expected at most " + plural(*node.max_items, "item") + ", got " +
                     std::to_string(a.size()));
  }
  if (!node.unique_items) return ok;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = i + 1; j < a.size(); ++j) {
      if (json_equal(a[i], a[j])) {
        return report.fail("items must be unique, but [" + std::to_string(i) + "] and [" +
                           std::to_string(j) + "] are both " + render(a[i], 30));
      }
    }
  }
  return ok;
}

bool check_object_shape(const Node& node, const json::object& o, const Report& report) {
  bool ok = true;
  for (const auto& name : node.required) {
    if (!o.contains(name)) {
      ok = report.fail_at(join_path(report.path(), name), "required parameter is missing");
      if (!report.collecting()) return false;
    }
  }
  if (node.min_properties && o.size() < *node.min_properties) {
    ok = report.fail("expected at least " + plural(*node.min_properties, "parameter") + ", got " +
                     std::to_string(o.size()));
  }
  if (node.max_properties && o.size() > *node.max_properties) {
    ok = report.fail("expected at most " + plural(*node.max_properties, "parameter") + ", got " +
                     std::to_string(o.size()));
  }
  return ok;
}

bool pattern_matches(const Pattern& pattern, std::string_view text) {
  try {
    return std::regex_search(text.begin(), text.end(), pattern.regex);
  } catch (const std::regex_error&) {
    return false;  // e.g. error_complexity on huge input: safer to reject than to accept
  }
}

}  // namespace chaos::schema::detail
