#include "probes/prometheus_probe.h"

#include <cstdio>

#include "probes/probe_checks.h"

namespace chaos::probes {

namespace {

constexpr std::string_view kAccept = "application/json";
constexpr int64_t kMaxPoints = 11000;  // Prometheus refuses range queries with more per series

// Unix seconds with millisecond precision, as the API takes them: "1700000000.123".
std::string api_time(int64_t unix_ms) {
  char buf[32];
  const char* sign = unix_ms < 0 ? "-" : "";
  const int64_t abs = unix_ms < 0 ? -unix_ms : unix_ms;
  std::snprintf(buf, sizeof buf, "%s%lld.%03lld", sign, static_cast<long long>(abs / 1000),
                static_cast<long long>(abs % 1000));
  return buf;
}

// A duration for the API in seconds: "0.25".
std::string api_seconds(Micros d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", std::chrono::duration<double>(d).count());
  return buf;
}

Status invalid(const std::string& field, const std::string& what) {
  return Status::invalid_argument("prometheus probe: " + field + ": " + what);
}

Micros effective_step(const PrometheusProbeConfig& c) {
  if (c.step > Micros::zero()) return c.step;
  return std::max<Micros>(std::chrono::seconds(1), c.range / 250);
}

}  // namespace

Result<std::unique_ptr<PrometheusProbe>> PrometheusProbe::create(PrometheusProbeConfig config) {
  if (Status st = check_probe_url(config.url); !st) return invalid("url", st.message());
  while (config.url.ends_with("/")) config.url.pop_back();
  if (config.query.find_first_not_of(" \t\n") == std::string::npos) {
    return invalid("query", "must not be empty");
  }
  if (Status st = check_probe_timeout(config.timeout); !st) {
    return invalid("timeout", st.message());
  }
  if (config.range < Micros::zero()) return invalid("range", "must not be negative");
  if (config.range == Micros::zero() && config.step != Micros::zero()) {
    return invalid("step", "only a range query has a step (set range)");
  }
  if (config.range > Micros::zero()) {
    const Micros step = effective_step(config);
    if (step < Micros::zero() || step > config.range) {
      return invalid(
          "step", "must be positive and at most the range (" + format_duration(config.range) + ")");
    }
    if (config.range / step > kMaxPoints) {
      return invalid("step", format_duration(step) + " gives more than 11000 points over " +
                                 format_duration(config.range) + " (Prometheus's limit)");
    }
  }
  return std::unique_ptr<PrometheusProbe>(new PrometheusProbe(std::move(config)));
}

PrometheusProbe::PrometheusProbe(PrometheusProbeConfig config) : config_(std::move(config)) {}

ProbeSample PrometheusProbe::sample(Clock& clock) {
  ProbeSample s;
  const int64_t end_ms = clock.unix_ms();
  const bool range = config_.range > Micros::zero();
  std::string url, times;
  if (range) {
    const int64_t start_ms =
        end_ms - std::chrono::duration_cast<std::chrono::milliseconds>(config_.range).count();
    const std::string step = api_seconds(effective_step(config_));
    times = "start=" + api_time(start_ms) + " end=" + api_time(end_ms) + " step=" + step + "s" +
            " reduce=" + std::string(range_reduce_name(config_.reduce));
    url = config_.url + "/api/v1/query_range?query=" + fetcher_.escape(config_.query) +
          "&start=" + api_time(start_ms) + "&end=" + api_time(end_ms) + "&step=" + step;
  } else {
    times = "time=" + api_time(end_ms);
    url = config_.url + "/api/v1/query?query=" + fetcher_.escape(config_.query) +
          "&time=" + api_time(end_ms);
  }
  url += "&timeout=" + api_seconds(config_.timeout);

  auto response = fetcher_.get(url, config_.timeout, kAccept, kMaxAnswer);
  s.at = clock.now();
  s.unix_ms = clock.unix_ms();
  const std::string what = "prometheus query \"" + config_.query + "\"";
  std::string detail = "query=" + config_.query + " " + times;
  Result<double> value = Status::failed("");
  if (!response) {
    detail += " -> " + response.status().message();
    value = Status::io_error(config_.url + ": " + response.status().message());
  } else {
    const HttpResponse& http = response.value();
    detail += " -> HTTP " + std::to_string(http.status) + ": ";
    const size_t room = kMaxDetail > detail.size() + 64 ? kMaxDetail - detail.size() - 64 : 0;
    detail += truncate_for_detail(http.body, room);
    value = range ? read_range_answer(http.status, http.body, config_.reduce)
                  : read_instant_answer(http.status, http.body);
  }
  s.detail = truncate_for_detail(detail, kMaxDetail);
  if (!value) {
    s.ok = false;
    s.error = what + ": " + value.status().message();
    // prometheus_answer.h: a NaN answer or an all-NaN range is "no value", not an error.
    s.no_value = value.status().message().rfind("no value:", 0) == 0;
    return s;
  }
  s.value = value.value();
  return s;
}

}  // namespace chaos::probes
