#include "exposition.h"

#include <cstdlib>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace chaos::demo::testing {

namespace {

const std::string kName = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const std::string kLabel = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\n\"])*\"";

std::optional<double> parse_value(const std::string& text) {
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') return std::nullopt;
  return v;
}

// The family a sample belongs to: histogram samples carry a suffix.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.ends_with(s)) {
      auto base = name.substr(0, name.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

}  // namespace

std::vector<std::string> exposition_problems(const std::string& text) {
  static const std::regex help_re("# HELP (" + kName + ") .*");
  static const std::regex type_re("# TYPE (" + kName +
                                  ") (counter|gauge|histogram|summary|untyped)");
  static const std::regex sample_re("(" + kName + ")(\\{(?:" + kLabel + ")(?:," + kLabel +
                                    ")*\\})? (\\S+)");
  static const std::regex le_re("le=\"([^\"]*)\"");

  std::vector<std::string> problems;
  if (text.empty() || text.back() != '\n') problems.push_back("text does not end in a newline");
  std::map<std::string, std::string> types;
  std::set<std::string> with_samples;
  // Per histogram series (name + labels without le): last cumulative count, +Inf seen.
  std::map<std::string, std::pair<double, std::optional<double>>> buckets;

  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string where = "line " + std::to_string(number) + " '" + line + "': ";
    std::smatch m;
    if (line.starts_with("#")) {
      if (std::regex_match(line, m, type_re)) {
        if (types.count(m[1]) || with_samples.count(m[1])) {
          problems.push_back(where + "TYPE repeated or after samples");
        }
        types[m[1]] = m[2];
      } else if (!std::regex_match(line, help_re)) {
        problems.push_back(where + "bad comment");
      }
      continue;
    }
    if (!std::regex_match(line, m, sample_re)) {
      problems.push_back(where + "bad sample syntax");
      continue;
    }
    const std::string name = m[1];
    const std::string labels = m[2];
    const auto value = parse_value(m[3]);
    if (!value) problems.push_back(where + "bad value");
    const std::string family = family_of(name, types);
    if (!types.count(family)) problems.push_back(where + "no TYPE before sample");
    with_samples.insert(family);
    if (!value || types[family] != "histogram") continue;

    // The series a bucket belongs to: its labels without "le", so _sum/_count match it.
    std::string rest = std::regex_replace(labels, std::regex(",?le=\"[^\"]*\""), "");
    if (rest == "{}") rest.clear();
    if (rest.starts_with("{,")) rest.erase(1, 1);
    const std::string series = family + rest;
    auto& [last, inf] = buckets[series];
    std::smatch le;
    if (name.ends_with("_bucket")) {
      if (!std::regex_search(labels, le, le_re)) problems.push_back(where + "bucket without le");
      if (*value < last) problems.push_back(where + "buckets not cumulative");
      last = *value;
      if (le.size() > 1 && le[1] == "+Inf") inf = *value;
    } else if (name.ends_with("_count") && (!inf || *inf != *value)) {
      problems.push_back(where + "_count differs from the +Inf bucket");
    }
  }
  return problems;
}

std::optional<double> sample_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return parse_value(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

}  // namespace chaos::demo::testing
