#include "http_fault.h"

#include <algorithm>
#include <utility>

namespace chaos::network {

RuleSettings HttpFault::parse(const sdk::Params& params) {
  params.expect_only({"listen", "upstream", "probability", "method", "path_prefix", "status",
                      "body", "content_type", "delay", "seed"});
  HttpSpec spec;
  spec.method = params.get_string("method", "");
  if (!std::all_of(spec.method.begin(), spec.method.end(),
                   [](char c) { return c >= 'A' && c <= 'Z'; }))
    throw sdk::InvalidParams("method", "'" + spec.method + "' is not a method like \"GET\"");
  spec.path_prefix = params.get_string("path_prefix", "");
  if (!spec.path_prefix.empty() && spec.path_prefix.front() != '/')
    throw sdk::InvalidParams("path_prefix", "must start with '/', e.g. \"/api\"");
  spec.status = static_cast<int>(params.get_int_or("status", 0, 200, 599));
  spec.body = params.get_string("body", "fault injected by chaosctl\n");
  spec.content_type = params.get_string("content_type", "text/plain");
  if (spec.content_type.find_first_of("\r\n") != std::string::npos)
    throw sdk::InvalidParams("content_type", "must be one line");
  spec.delay = parse_bounded_duration(params, "delay", "0ms");
  if (spec.status == 0 && spec.delay.count() == 0)
    throw sdk::InvalidParams("status", "give a status to answer with, a delay, or both");
  RuleSettings settings;
  settings.probability = parse_probability(params);
  settings.seed = parse_seed(params);
  settings.spec = spec;
  return settings;
}

std::unique_ptr<HttpFault> HttpFault::create(sdk::Host& host, const sdk::Params& params) {
  RuleSettings settings = parse(params);
  return std::unique_ptr<HttpFault>(
      new HttpFault(host, parse_proxy_addresses(params), std::move(settings)));
}

void HttpFault::update(const sdk::Params& params) { change(params, parse(params)); }

std::string HttpFault::describe() const {
  std::string text = "http";
  if (spec().status != 0) text += " " + std::to_string(spec().status);
  if (spec().delay.count() > 0) text += " after " + sdk::format_duration_us(spec().delay.count());
  text += " on " + format_percent(settings().probability) + " of ";
  text += spec().method.empty() ? "requests" : spec().method + " requests";
  if (!spec().path_prefix.empty()) text += " to " + spec().path_prefix + "*";
  return text;
}

std::vector<Series> HttpFault::own_series() const {
  return {{"requests_seen", &stats().requests_seen},
          {"requests_faulted", &stats().requests_faulted},
          {"requests_forwarded", &stats().requests_forwarded}};
}

void HttpFault::add_own_status(sdk::JsonObject& json) const {
  json.add("method", spec().method)
      .add("path_prefix", spec().path_prefix)
      .add("status", spec().status)
      .add("delay", sdk::format_duration_us(spec().delay.count()))
      .add("requests_seen", stats().requests_seen.load())
      .add("requests_faulted", stats().requests_faulted.load())
      .add("requests_forwarded", stats().requests_forwarded.load());
}

}  // namespace chaos::network
