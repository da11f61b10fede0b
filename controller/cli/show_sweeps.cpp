#include "cli/show_sweeps.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <vector>

namespace chaos::cli {

namespace json = boost::json;

namespace {

std::string str(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v.to_number<double>());
  return text;
}

std::string padded(const std::string& text, size_t width) {
  return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

// "probe aggregate" of every check the steps have, in the order they first appear.
std::vector<std::string> columns_of(const json::array& steps) {
  std::vector<std::string> out;
  for (const auto& step : steps) {
    for (const auto& c : step.at("checks").as_array()) {
      const std::string name = str(c.at("probe")) + " " + str(c.at("aggregate"));
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  return out;
}

std::string tipping_line(const json::object& sweep) {
  const auto& tip = sweep.at("tipping_point").as_object();
  const std::string result = str(sweep.at("result"));
  const bool good = !tip.at("last_good").is_null(), bad = !tip.at("first_bad").is_null();
  if (bad && good) {
    return "tipping point: held at " + str(tip.at("last_good")) + ", broke at " +
           str(tip.at("first_bad"));
  }
  if (bad)
    return "tipping point: below the range (broke at the first step, " + str(tip.at("first_bad")) +
           ")";
  if (result == "inconclusive") {
    return std::string("tipping point: unknown (a step could not be judged") +
           (good ? "; held up to " + str(tip.at("last_good")) : "") + ")";
  }
  return "tipping point: above the range (held at every step, up to " +
         (good ? str(tip.at("last_good")) : std::string("-")) + ")";
}

}  // namespace

std::string sweeps_text(const json::array& sweeps) {
  std::string out;
  for (const auto& v : sweeps) {
    const json::object& sweep = v.as_object();
    const json::array& steps = sweep.at("steps").as_array();
    out += "\nsweep " + str(sweep.at("sweep")) + ": " + str(sweep.at("param")) + " of " +
           str(sweep.at("kind")) + " '" + str(sweep.at("fault")) + "'\n";
    const std::vector<std::string> columns = columns_of(steps);
    std::vector<size_t> widths;
    std::string param = str(sweep.at("param"));
    std::transform(param.begin(), param.end(), param.begin(), ::toupper);
    size_t magnitude_width = std::max<size_t>(param.size(), 9);
    for (const auto& step : steps) {
      magnitude_width = std::max(magnitude_width, str(step.at("magnitude")).size());
    }
    std::string header = "  " + padded("STEP", 5) + padded(param, magnitude_width + 2);
    for (const auto& c : columns) {
      widths.push_back(std::max<size_t>(c.size(), 8) + 2);
      header += padded(c, widths.back());
    }
    out += header + "RESULT\n";
    for (const auto& s : steps) {
      const json::object& step = s.as_object();
      std::string line = "  " + padded(str(step.at("step")), 5) +
                         padded(str(step.at("magnitude")), magnitude_width + 2);
      for (size_t i = 0; i < columns.size(); ++i) {
        std::string cell = "-";
        for (const auto& c : step.at("checks").as_array()) {
          if (str(c.at("probe")) + " " + str(c.at("aggregate")) != columns[i]) continue;
          cell = str(c.at("value"));
          if (str(c.at("outcome")) != "ok") cell += " (" + str(c.at("outcome")) + ")";
        }
        line += padded(cell, widths[i]);
      }
      const std::string outcome = str(step.at("outcome"));
      line += outcome == "broke" ? "BROKE" : outcome;
      if (outcome != "held" && !str(step.at("reason")).empty() && str(step.at("reason")) != "-")
        line += ": " + str(step.at("reason"));
      out += line + "\n";
    }
    out += "  " + tipping_line(sweep) + "\n";
  }
  return out;
}

}  // namespace chaos::cli
