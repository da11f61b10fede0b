#include "schema/schema_validator.h"

#include <algorithm>

#include "schema/json_text.h"

namespace chaos::schema::detail {
namespace json = boost::json;

namespace {

// A schema such as {"allOf": [{"$ref": "#"}]} recurses without consuming the instance; real
// parameters are never nested this deep.
constexpr int kMaxDepth = 256;

// "rate: expected ..." seen from "stages[2]" reads "rate: expected ...".
std::string relative_message(const Issue& issue, const std::string& base) {
  if (issue.path == base) return issue.message;
  std::string rest = issue.path.substr(std::min(base.size(), issue.path.size()));
  if (!rest.empty() && rest[0] == '.') rest.erase(0, 1);
  return rest + ": " + issue.message;
}

}  // namespace

bool Validator::check(NodeId id, const json::value& v, const std::string& path,
                      std::vector<Issue>* sink, int depth) const {
  const Report report(path, sink);
  if (depth > kMaxDepth) {
    return report.fail("the schema nests deeper than " + std::to_string(kMaxDepth) +
                       " levels here (does a $ref refer to itself?)");
  }
  const Node& node = schema_.nodes[id];
  if (node.constant) return *node.constant || report.fail("no value is allowed here");
  if (node.ref != kNoNode) return check(node.ref, v, path, sink, depth + 1);

  // A value of the wrong type, or not one of the allowed values, would only draw noise from
  // the remaining keywords, so stop there.
  if (!check_type(node, v, report) || !check_enum_const(node, v, report)) return false;
  bool ok = check_number(node, v, report);
  if (ok || report.collecting()) ok = check_string(node, v, report) && ok;
  if (v.is_array() && (ok || report.collecting())) {
    ok = check_array(node, v.get_array(), report, depth) && ok;
  }
  if (v.is_object() && (ok || report.collecting())) {
    ok = check_object(node, v.get_object(), report, depth) && ok;
  }
  if (ok || report.collecting()) ok = check_combinators(node, v, report, depth) && ok;
  return ok;
}

bool Validator::check_array(const Node& node, const json::array& a, const Report& report,
                            int depth) const {
  bool ok = check_array_shape(node, a, report);
  for (size_t i = 0; i < a.size() && (ok || report.collecting()); ++i) {
    NodeId item_schema = node.items;
    if (node.tuple_items) {
      item_schema = i < node.tuple_items->size() ? (*node.tuple_items)[i] : node.additional_items;
      if (i >= node.tuple_items->size() && item_schema != kNoNode &&
          schema_.nodes[item_schema].constant == false) {
        const size_t most = node.tuple_items->size();
        ok = report.fail("expected at most " + std::to_string(most) +
                         (most == 1 ? " item" : " items") + ", got " + std::to_string(a.size()));
        break;
      }
    }
    if (item_schema != kNoNode) {
      ok = check(item_schema, a[i], join_path(report.path(), i), report.sink(), depth + 1) && ok;
    }
  }
  if (node.contains == kNoNode || !(ok || report.collecting())) return ok;
  std::vector<Issue> first_item_issues;
  for (size_t i = 0; i < a.size(); ++i) {
    std::vector<Issue>* sink = i == 0 && report.collecting() ? &first_item_issues : nullptr;
    if (check(node.contains, a[i], join_path(report.path(), i), sink, depth + 1)) return ok;
  }
  if (a.empty()) return report.fail("expected at least one matching item, got an empty array");
  std::string why = first_item_issues.empty()
                        ? std::string()
                        : " (" + relative_message(first_item_issues[0], report.path()) + ")";
  return report.fail("none of the " + std::to_string(a.size()) + " items is of the required kind" +
                     why);
}

bool Validator::check_object(const Node& node, const json::object& o, const Report& report,
                             int depth) const {
  bool ok = check_object_shape(node, o, report);
  for (const auto& [key, value] : o) {
    if (!ok && !report.collecting()) return false;
    const std::string name(key);
    const std::string child = join_path(report.path(), name);
    bool known = false;
    for (const auto& [property, id] : node.properties) {
      if (property != name) continue;
      known = true;
      ok = check(id, value, child, report.sink(), depth + 1) && ok;
    }
    for (const auto& [pattern, id] : node.pattern_properties) {
      if (!pattern_matches(pattern, name)) continue;
      known = true;
      ok = check(id, value, child, report.sink(), depth + 1) && ok;
    }
    if (known || node.additional_properties == kNoNode) continue;
    if (schema_.nodes[node.additional_properties].constant == false) {
      ok = check_unknown(node, name, report) && ok;
    } else {
      ok = check(node.additional_properties, value, child, report.sink(), depth + 1) && ok;
    }
  }
  if (node.property_names != kNoNode) {
    for (const auto& [key, value] : o) {
      std::vector<Issue> why;
      if (check(node.property_names, json::value(key), report.path(), &why, depth + 1)) continue;
      ok = report.fail("parameter name '" + std::string(key) + "' is not allowed: " +
                       (why.empty() ? std::string("rejected") : why[0].message));
      if (!report.collecting()) return false;
    }
  }
  for (const auto& [name, dependency] : node.dependencies) {
    if (!o.contains(name)) continue;
    for (const auto& needed : dependency.required) {
      if (!o.contains(needed)) {
        ok = report.fail_at(join_path(report.path(), needed),
                            "required parameter is missing (needed because '" + name + "' is set)");
      }
    }
    if (dependency.schema != kNoNode) {
      ok = check(dependency.schema, json::value(o), report.path(), report.sink(), depth + 1) && ok;
    }
  }
  return ok;
}

// additionalProperties: false, the common "typo in a parameter name" case.
bool Validator::check_unknown(const Node& node, const std::string& name,
                              const Report& report) const {
  std::vector<std::string> known;
  for (const auto& [property, id] : node.properties) known.push_back(property);
  std::sort(known.begin(), known.end());
  std::string message = "unknown parameter '" + name + "'";
  const std::string hint = closest_name(name, known);
  if (!hint.empty()) message += "; did you mean '" + hint + "'?";
  std::string listing = quoted_list(known, "");
  for (const auto& [pattern, id] : node.pattern_properties) {
    listing += (listing.empty() ? "names matching " : ", or names matching ") + pattern.source;
  }
  message += listing.empty() ? " (no parameters are accepted here)" : " (known: " + listing + ")";
  return report.fail(std::move(message));
}

bool Validator::check_combinators(const Node& node, const json::value& v, const Report& report,
                                  int depth) const {
  bool ok = true;
  const std::string& path = report.path();
  for (NodeId id : node.all_of) {
    ok = check(id, v, path, report.sink(), depth + 1) && ok;
    if (!ok && !report.collecting()) return false;
  }
  if (!node.any_of.empty()) {
    std::vector<std::vector<Issue>> branches(node.any_of.size());
    bool matched = false;
    for (size_t i = 0; i < node.any_of.size() && !matched; ++i) {
      matched =
          check(node.any_of[i], v, path, report.collecting() ? &branches[i] : nullptr, depth + 1);
    }
    if (!matched) ok = fail_alternatives(branches, v, report);
  }
  if (!node.one_of.empty() && (ok || report.collecting())) {
    std::vector<std::vector<Issue>> branches(node.one_of.size());
    std::vector<std::string> matches;
    for (size_t i = 0; i < node.one_of.size(); ++i) {
      if (check(node.one_of[i], v, path, report.collecting() ? &branches[i] : nullptr, depth + 1)) {
        matches.push_back(std::to_string(i + 1));
      }
    }
    if (matches.empty()) ok = fail_alternatives(branches, v, report);
    if (matches.size() > 1) {
      ok = report.fail("matches more than one of the allowed forms (" + quoted_list(matches, "") +
                       "); expected exactly one");
    }
  }
  if (node.not_schema != kNoNode && (ok || report.collecting()) &&
      check(node.not_schema, v, path, nullptr, depth + 1)) {
    ok = report.fail(render(v) + " is not allowed here");
  }
  if (node.if_schema != kNoNode && (ok || report.collecting())) {
    const NodeId next =
        check(node.if_schema, v, path, nullptr, depth + 1) ? node.then_schema : node.else_schema;
    if (next != kNoNode) ok = check(next, v, path, report.sink(), depth + 1) && ok;
  }
  return ok;
}

bool Validator::fail_alternatives(const std::vector<std::vector<Issue>>& branches,
                                  const json::value& v, const Report& report) const {
  if (!report.collecting()) return false;
  const std::string& path = report.path();
  const auto wrong_type = [&](const std::vector<Issue>& issues) {
    return std::any_of(issues.begin(), issues.end(), [&](const Issue& issue) {
      return issue.path == path && !issue.expected_type.empty();
    });
  };
  // Branches that accept this type of value are the ones the operator was aiming for; when
  // there is exactly one, its own problems are the useful answer.
  std::vector<size_t> aimed;
  for (size_t i = 0; i < branches.size(); ++i) {
    if (!wrong_type(branches[i])) aimed.push_back(i);
  }
  if (aimed.size() == 1) {
    for (const Issue& issue : branches[aimed[0]]) report.sink()->push_back(issue);
    return false;
  }
  if (aimed.empty()) {
    // Every branch wants another type: say which types would do.
    std::vector<std::string> types;
    for (const auto& issues : branches) {
      for (const Issue& issue : issues) {
        if (issue.path != path || issue.expected_type.empty()) continue;
        if (std::find(types.begin(), types.end(), issue.expected_type) == types.end()) {
          types.push_back(issue.expected_type);
        }
      }
    }
    std::string expected;
    for (size_t i = 0; i < types.size(); ++i) {
      if (i > 0) expected += i + 1 == types.size() ? " or " : ", ";
      expected += types[i];
    }
    return report.fail("expected " + expected + ", got " + render(v), expected);
  }
  std::string message = "does not match any of the allowed forms:";
  for (size_t i : aimed) {
    message += (i == aimed.front() ? " (" : "; (") + std::to_string(i + 1) + ")";
    for (size_t j = 0; j < branches[i].size(); ++j) {
      message += (j == 0 ? " " : ", ") + relative_message(branches[i][j], path);
    }
  }
  return report.fail(std::move(message));
}

}  // namespace chaos::schema::detail
