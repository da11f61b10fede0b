#include "report/thresholds.h"

#include <boost/json.hpp>
#include <cstdio>
#include <regex>
#include <set>
#include <utility>

namespace chaos::report {

namespace {

std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string shown(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

}  // namespace

std::vector<Threshold> thresholds_for(const std::string& series, const boost::json::array& checks) {
  static const std::string num = R"((-?[\d.]+(?:e[-+]?\d+)?))";
  static const std::regex range("^in \\[" + num + ", " + num + "\\]$");
  static const std::regex at_most("^<= " + num + "$");
  static const std::regex at_least("^>= " + num + "$");

  std::vector<Threshold> out;
  std::set<std::pair<std::string, double>> seen;
  for (const auto& item : checks) {
    if (!item.is_object()) continue;
    const auto& check = item.as_object();
    const std::string aggregate = str(check, "aggregate");
    if (str(check, "probe") != series || aggregate.find("ratio") != std::string::npos) continue;
    auto add = [&](const char* op, const std::string& text) {
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0') return;
      if (seen.emplace(op, value).second) {
        out.push_back({value, aggregate + " " + op + " " + shown(value)});
      }
    };
    // A bound relative to the baseline carries its resolved form in parentheses:
    // "<= 1.5x baseline (<= 18.3)"; only that one has numbers on the series' scale.
    std::string e = str(check, "expectation");
    if (const size_t open = e.find(" ("); open != std::string::npos && e.back() == ')') {
      const std::string resolved = e.substr(open + 2, e.size() - open - 3);
      e = e.find("baseline") < open ? resolved : e.substr(0, open);
    }
    std::smatch m;
    if (std::regex_match(e, m, range)) {
      add("\u2265", m[1]);
      add("\u2264", m[2]);
    } else if (std::regex_match(e, m, at_most)) {
      add("\u2264", m[1]);
    } else if (std::regex_match(e, m, at_least)) {
      add("\u2265", m[1]);
    }
  }
  return out;
}

}  // namespace chaos::report
