#include "probes/prometheus_answer.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "probes/exposition_parser.h"

namespace chaos::probes {

namespace json = boost::json;

namespace {

std::string body_start(std::string_view body) {
  std::string text(body.substr(0, 200));
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return body.size() > 200 ? text + "..." : text;
}

// `{job="shop", instance="..."}` for naming series in errors.
std::string describe_series(const json::value& element) {
  const auto* obj = element.if_object();
  const auto* metric = obj ? obj->if_contains("metric") : nullptr;
  std::string out = "{";
  if (metric && metric->is_object()) {
    for (const auto& [key, value] : metric->as_object()) {
      if (out.size() > 1) out += ", ";
      out += std::string(key) + "=" +
             (value.is_string() ? "\"" + std::string(value.as_string()) + "\"" : "?");
    }
  }
  return out + "}";
}

// A point is `[<unix seconds>, "<value>"]`.
Result<double> read_point(const json::value& point) {
  const auto* pair = point.if_array();
  if (!pair || pair->size() != 2 || !(*pair)[1].is_string()) {
    return Status::failed("malformed answer: a point is not [time, \"value\"]: " +
                          json::serialize(point));
  }
  const auto value = parse_metric_value(std::string_view((*pair)[1].as_string()));
  if (!value) {
    return Status::failed("malformed answer: the value \"" + std::string((*pair)[1].as_string()) +
                          "\" is not a number");
  }
  return *value;
}

// The `data` object of a successful answer, or the error the answer describes.
Result<const json::object*> success_data(long http_status, std::string_view body,
                                         json::value& storage) {
  boost::system::error_code ec;
  storage = json::parse(json::string_view(body.data(), body.size()), ec);
  const bool http_ok = http_status >= 200 && http_status < 300;
  if (ec || !storage.is_object()) {
    if (!http_ok) {
      return Status::failed("HTTP " + std::to_string(http_status) + ": " + body_start(body));
    }
    return Status::failed(std::string("malformed JSON answer") +
                          (ec ? " (" + ec.message() + ")" : " (not an object)") + ": " +
                          body_start(body));
  }
  const json::object& answer = storage.as_object();
  const auto* status = answer.if_contains("status");
  if (status && status->is_string() && status->as_string() == "error") {
    const auto* type = answer.if_contains("errorType");
    const auto* error = answer.if_contains("error");
    return Status::failed(
        "Prometheus error " + (type && type->is_string() ? std::string(type->as_string()) : "?") +
        ": " + (error && error->is_string() ? std::string(error->as_string()) : "(no message)"));
  }
  if (!http_ok) {
    return Status::failed("HTTP " + std::to_string(http_status) + ": " + body_start(body));
  }
  const auto* data = answer.if_contains("data");
  if (!status || !status->is_string() || status->as_string() != "success" || !data ||
      !data->is_object()) {
    return Status::failed("malformed answer: expected status \"success\" and a data object: " +
                          body_start(body));
  }
  const auto* type = data->as_object().if_contains("resultType");
  const auto* result = data->as_object().if_contains("result");
  if (!type || !type->is_string() || !result) {
    return Status::failed("malformed answer: data has no resultType or result: " +
                          body_start(body));
  }
  return &data->as_object();
}

Status no_value_if_nan(double v) {
  if (std::isnan(v)) return Status::failed("no value: the query answered NaN");
  return Status::ok();
}

// Exactly one series, or an error naming how many came back.
Result<const json::value*> single_series(const json::value& result, const char* kind) {
  const auto* series = result.if_array();
  if (!series)
    return Status::failed(std::string("malformed answer: the ") + kind + " is not an array");
  if (series->size() == 1) return &(*series)[0];
  if (series->empty()) {
    return Status::failed(std::string("the query returned an empty ") + kind +
                          " (0 series), expected exactly one");
  }
  std::string names;
  for (size_t i = 0; i < series->size() && i < 3; ++i) {
    names += (i ? ", " : "") + describe_series((*series)[i]);
  }
  return Status::failed("the query returned " + std::to_string(series->size()) +
                        " series, expected exactly one (aggregate it, e.g. sum(...)): " + names +
                        (series->size() > 3 ? ", ..." : ""));
}

}  // namespace

Result<RangeReduce> parse_range_reduce(std::string_view text) {
  if (text == "last") return RangeReduce::kLast;
  if (text == "min") return RangeReduce::kMin;
  if (text == "max") return RangeReduce::kMax;
  if (text == "mean") return RangeReduce::kMean;
  return Status::invalid_argument("expected last, min, max or mean, got \"" + std::string(text) +
                                  "\"");
}

std::string_view range_reduce_name(RangeReduce reduce) {
  switch (reduce) {
    case RangeReduce::kMin:
      return "min";
    case RangeReduce::kMax:
      return "max";
    case RangeReduce::kMean:
      return "mean";
    case RangeReduce::kLast:
      break;
  }
  return "last";
}

Result<double> read_instant_answer(long http_status, std::string_view body) {
  json::value storage;
  auto data = success_data(http_status, body, storage);
  if (!data) return data.status();
  const std::string type(data.value()->at("resultType").as_string());
  const json::value& result = data.value()->at("result");
  if (type == "scalar") {
    auto value = read_point(result);
    if (!value) return value;
    if (Status nan = no_value_if_nan(*value); !nan) return nan;
    return value;
  }
  if (type != "vector") {
    return Status::failed("the query returned a " + type +
                          (type == "matrix" ? " (a range vector; use a range query, or wrap it "
                                              "in a function such as rate())"
                                            : "") +
                          ", expected a scalar or a one-element vector");
  }
  auto element = single_series(result, "vector");
  if (!element) return element.status();
  const auto* obj = element.value()->if_object();
  const auto* point = obj ? obj->if_contains("value") : nullptr;
  if (!point) return Status::failed("malformed answer: a vector element has no value");
  auto value = read_point(*point);
  if (!value) return value;
  if (Status nan = no_value_if_nan(*value); !nan) return nan;
  return value;
}

Result<double> read_range_answer(long http_status, std::string_view body, RangeReduce reduce) {
  json::value storage;
  auto data = success_data(http_status, body, storage);
  if (!data) return data.status();
  const std::string type(data.value()->at("resultType").as_string());
  if (type != "matrix") {
    return Status::failed("a range query returned a " + type + ", expected a matrix");
  }
  auto series = single_series(data.value()->at("result"), "matrix");
  if (!series) return series.status();
  const auto* obj = series.value()->if_object();
  const auto* values = obj ? obj->if_contains("values") : nullptr;
  if (!values || !values->is_array()) {
    return Status::failed("malformed answer: the series has no values array");
  }
  std::vector<double> points;
  for (const auto& point : values->as_array()) {
    auto value = read_point(point);
    if (!value) return value;
    if (!std::isnan(*value)) points.push_back(*value);
  }
  if (points.empty()) {
    return Status::failed("no value: the range has no points" +
                          std::string(values->as_array().empty() ? "" : " other than NaN"));
  }
  switch (reduce) {
    case RangeReduce::kMin:
      return *std::min_element(points.begin(), points.end());
    case RangeReduce::kMax:
      return *std::max_element(points.begin(), points.end());
    case RangeReduce::kMean: {
      double sum = 0;
      for (double p : points) sum += p;
      return sum / static_cast<double>(points.size());
    }
    case RangeReduce::kLast:
      break;
  }
  return points.back();
}

}  // namespace chaos::probes
