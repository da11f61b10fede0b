#include "flood_config.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace chaos::load {
namespace {

int64_t duration(const sdk::Params& p, std::string_view name, std::string_view fallback) {
  const int64_t us = p.get_duration_us(name, fallback);
  if (us < 0 || us > kHardMaxDurationUs)
    throw sdk::InvalidParams(std::string(name), "must be between 0s and 1h");
  return us;
}

double rate_param(const sdk::Params& p, std::string_view name, double fallback) {
  const double r = p.get_number(name, fallback);
  if (!(r >= 0 && r <= 1e6)) throw sdk::InvalidParams(std::string(name), "must be 0..1000000");
  return r;
}

}  // namespace

std::string FloodConfig::request_for(const std::string& path) const {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: " + target.host_header + "\r\n";
  for (const auto& [k, v] : headers) r += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (!keep_alive) r += "Connection: close\r\n";
  r += "\r\n";
  r += body;
  return r;
}

FloodConfig parse_flood_config(const sdk::Params& p, const sdk::Host* host) {
  p.expect_only({"target",       "model",        "rate",       "shape",           "ramp_from",
                 "ramp_over",    "steps",        "spike_rate", "spike_at",        "spike_for",
                 "spike_every",  "connections",  "threads",    "method",          "paths",
                 "headers",      "body",         "keep_alive", "connect_timeout", "request_timeout",
                 "max_duration", "max_requests", "max_queue",  "arrivals",        "seed"});
  FloodConfig c;
  c.target = parse_target("target", p.get_string("target"), /*url=*/true, host);
  const std::string model = p.get_string("model", "open");
  if (model == "open")
    c.model = FloodConfig::Model::kOpen;
  else if (model == "closed")
    c.model = FloodConfig::Model::kClosed;
  else
    throw sdk::InvalidParams("model", "must be \"open\" or \"closed\"");
  RateShape& s = c.shape;
  s.rate = rate_param(p, "rate", 100);
  const std::string shape = p.get_string("shape", "constant");
  if (shape == "constant") {
    s.kind = RateShape::Kind::kConstant;
  } else if (shape == "ramp") {
    s.kind = RateShape::Kind::kRamp;
    s.ramp_from = rate_param(p, "ramp_from", 0);
    s.ramp_over_us = duration(p, "ramp_over", "10s");
  } else if (shape == "steps") {
    s.kind = RateShape::Kind::kSteps;
    const sdk::Json* steps = p.find("steps");
    if (!steps || !steps->is_array() || steps->items().empty())
      throw sdk::InvalidParams("steps", "shape \"steps\" needs a non-empty array of {rate, for}");
    for (const sdk::Json& st : steps->items()) {
      const sdk::Json* r = st.find("rate");
      const sdk::Json* f = st.find("for");
      if (!r || !r->is_number() || r->as_number() < 0 || r->as_number() > 1e6 || !f ||
          !f->is_string())
        throw sdk::InvalidParams("steps", "each step is {\"rate\": 0..1000000, \"for\": \"5s\"}");
      const auto us = sdk::parse_duration_us(f->as_string());
      if (!us || *us > kHardMaxDurationUs)
        throw sdk::InvalidParams("steps", "'" + f->as_string() + "' is not a duration up to 1h");
      s.steps.push_back({r->as_number(), *us});
    }
  } else if (shape == "spike") {
    s.kind = RateShape::Kind::kSpike;
    s.spike_rate = rate_param(p, "spike_rate", 0);
    s.spike_at_us = duration(p, "spike_at", "0s");
    s.spike_for_us = duration(p, "spike_for", "1s");
    s.spike_every_us = duration(p, "spike_every", "0s");
  } else {
    throw sdk::InvalidParams("shape", "must be constant, ramp, steps or spike");
  }
  if (!parse_arrival_kind(p.get_string("arrivals", "uniform"), c.arrivals))
    throw sdk::InvalidParams("arrivals", "must be \"uniform\" or \"poisson\"");
  // 0 (or absent): a random seed, so every flood has one to report and replay with. The host
  // normally fills in one derived from the run's seed.
  c.seed = static_cast<uint64_t>(p.get_int_or("seed", 0, 0));
  if (c.seed == 0) {
    std::random_device entropy;
    c.seed = (((static_cast<uint64_t>(entropy()) << 32) | entropy()) & 0x1fffffffffffffULL) | 1;
  }
  c.connections = static_cast<int>(p.get_int_or("connections", 50, 1, 50000));
  c.threads = static_cast<int>(p.get_int_or("threads", 1, 1, 64));
  if (c.threads > c.connections) c.threads = c.connections;
  c.method = p.get_string("method", "GET");
  if (const sdk::Json* paths = p.find("paths"); paths && paths->is_array()) {
    for (const sdk::Json& path : paths->items()) {
      if (!path.is_string() || path.as_string().empty() || path.as_string()[0] != '/' ||
          path.as_string().find_first_of(" \r\n\t") != std::string::npos)
        throw sdk::InvalidParams("paths", "each path must start with '/' and contain no spaces");
      c.paths.push_back(path.as_string());
    }
  }
  if (c.paths.empty()) c.paths.push_back(c.target.path);
  if (const sdk::Json* headers = p.find("headers"); headers && headers->is_object()) {
    for (size_t i = 0; i < headers->keys().size(); ++i) {
      const std::string& k = headers->keys()[i];
      const sdk::Json& v = headers->items()[i];
      if (!v.is_string() || k.find_first_of(":\r\n ") != std::string::npos || k.empty() ||
          v.as_string().find_first_of("\r\n") != std::string::npos)
        throw sdk::InvalidParams("headers", "'" + k + "': names and values must be single-line strings");
      c.headers.emplace_back(k, v.as_string());
    }
  }
  c.body = p.get_string("body", "");
  c.keep_alive = p.get_bool("keep_alive", true);
  c.connect_timeout_us = duration(p, "connect_timeout", "2s");
  c.request_timeout_us = duration(p, "request_timeout", "10s");
  c.max_duration_us = duration(p, "max_duration", "10m");
  if (c.connect_timeout_us <= 0) throw sdk::InvalidParams("connect_timeout", "must be above 0");
  if (c.request_timeout_us <= 0) throw sdk::InvalidParams("request_timeout", "must be above 0");
  if (c.max_duration_us <= 0) throw sdk::InvalidParams("max_duration", "must be above 0");
  c.max_requests = static_cast<uint64_t>(p.get_int_or("max_requests", 0, 0));
  c.max_queue = static_cast<uint64_t>(p.get_int_or("max_queue", 0, 0, 10'000'000));
  if (c.max_queue == 0) {
    double peak = s.rate + s.ramp_from + s.spike_rate;
    for (const auto& st : s.steps) peak = std::max(peak, st.rate);
    c.max_queue = static_cast<uint64_t>(std::max(1000.0, 10 * peak));
  }
  return c;
}

}  // namespace chaos::load
