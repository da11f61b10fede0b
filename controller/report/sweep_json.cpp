#include "report/sweep_json.h"

#include <boost/json.hpp>

#include "common/json_number.h"

namespace chaos::report {

namespace json = boost::json;

namespace {

json::value parse_or(const std::string& text, json::value fallback) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? fallback : v;
}

json::object step_json(const store::SweepStepRecord& s) {
  return {{"step", s.step},
          {"magnitude", s.magnitude},
          {"value", json_number(s.value)},
          {"from_unix_ms", s.from_unix_ms},
          {"to_unix_ms", s.to_unix_ms},
          {"outcome", s.outcome},
          {"reason", s.reason},
          {"checks", parse_or(s.checks_json, json::array())},
          {"fault_status", parse_or(s.status_json, json::object())}};
}

// The tipping point and the result from the steps, in order.
void conclude(json::object& sweep) {
  const json::array& steps = sweep.at("steps").as_array();
  const json::object* last_good = nullptr;
  const json::object* first_bad = nullptr;
  std::string result = "held";
  for (const auto& v : steps) {
    const json::object& step = v.as_object();
    const auto& outcome = step.at("outcome").as_string();
    if (outcome == "held") {
      last_good = &step;
      continue;
    }
    if (outcome == "broke") first_bad = &step;
    result = std::string(outcome);
    break;  // a sweep stops at its first step that did not hold
  }
  auto field = [](const json::object* step, const char* key) {
    return step ? step->at(key) : json::value();
  };
  sweep["result"] = result;
  sweep["tipping_point"] = json::object{{"last_good", field(last_good, "magnitude")},
                                        {"first_bad", field(first_bad, "magnitude")},
                                        {"last_good_value", field(last_good, "value")},
                                        {"first_bad_value", field(first_bad, "value")}};
}

}  // namespace

json::array sweeps_json(const std::vector<store::SweepStepRecord>& steps) {
  json::array out;
  for (const auto& s : steps) {
    if (out.empty() || out.back().at("sweep").to_number<int64_t>() != s.sweep) {
      out.push_back(json::object{{"sweep", s.sweep},
                                 {"fault", s.fault},
                                 {"kind", s.kind},
                                 {"param", s.param},
                                 {"unit", s.unit},
                                 {"steps", json::array()}});
    }
    out.back().as_object()["steps"].as_array().push_back(step_json(s));
  }
  for (auto& sweep : out) conclude(sweep.as_object());
  return out;
}

}  // namespace chaos::report
