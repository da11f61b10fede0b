// The probe kinds chaosctl ships, one section each: the fields an experiment gives, checked
// with messages that name the field, turned into the probe's config (whose defaults are the
// kind's), the probe made from it, and a line describing it. A new kind is its probes/ files
// plus a section here and a line in ProbeKindRegistry::builtin().
#include <boost/json.hpp>
#include <cstdio>

#include "common/duration.h"
#include "engine/probe_fields.h"
#include "engine/probe_kind.h"
#include "probes/http_probe.h"
#include "probes/prometheus_probe.h"
#include "probes/scrape_probe.h"

namespace chaos::engine {

namespace {

namespace json = boost::json;

// A kind whose fields parse into `Config`: check, make, describe and errors all start there.
template <typename Config>
class ProbeKindFor : public ProbeKind {
 public:
  using ProbeKind::ProbeKind;
  Status check(const json::object& f) const final { return parse(f).status(); }
  Result<std::unique_ptr<probes::Probe>> make(const json::object& f) const final {
    auto config = parse(f);
    if (!config) return config.status();
    return make(config.value());
  }
  std::string describe(const json::object& f) const final {
    auto config = parse(f);
    return config ? describe(config.value()) : name();
  }
  hypothesis::ErrorPolicy errors(const json::object& f) const override {
    auto ignore = fields::ignore_errors(f);
    return ignore && ignore.value() ? hypothesis::ErrorPolicy::kIgnore
                                    : hypothesis::ErrorPolicy::kFail;
  }

 protected:
  virtual Result<Config> parse(const json::object& f) const = 0;
  virtual Result<std::unique_ptr<probes::Probe>> make(const Config& config) const = 0;
  virtual std::string describe(const Config& config) const = 0;
};

// timeout, on_error and unit: the fields the kinds that read a metric share.
template <typename Config>
Status read_metric_fields(const json::object& f, Config& c) {
  auto timeout = fields::duration(f, "timeout", c.timeout);
  if (!timeout) return timeout.status();
  c.timeout = timeout.value();
  if (auto on_error = fields::ignore_errors(f); !on_error) return on_error.status();
  auto unit = fields::string(f, "unit", "", "a string like \"s\"");
  if (!unit) return unit.status();
  c.unit = unit.value();
  return Status::ok();
}

template <typename P, typename Config>
Result<std::unique_ptr<probes::Probe>> created(Config config) {
  auto probe = P::create(std::move(config));
  if (!probe) return probe.status();
  return std::unique_ptr<probes::Probe>(std::move(probe.value()));
}

// http_probe "checkout" { url = ..., expect = { p99_ms = 300 } }: latency in ms per request.
class HttpProbeKind final : public ProbeKindFor<probes::HttpProbeConfig> {
 public:
  HttpProbeKind() : ProbeKindFor("http_probe") {}
  std::vector<std::string> fields() const override {
    return {"url", "method", "timeout", "status", "body_contains"};
  }
  // A failed request is data: it counts in error_ratio, and so does its latency.
  hypothesis::ErrorPolicy errors(const json::object&) const override {
    return hypothesis::ErrorPolicy::kData;
  }

 private:
  Result<probes::HttpProbeConfig> parse(const json::object& f) const override {
    probes::HttpProbeConfig c;
    auto url = fields::url(f, "url");
    if (!url) return url.status();
    c.url = url.value();
    if (const auto* status = f.if_contains("status")) {
      if (!status->is_int64() || status->as_int64() < 100 || status->as_int64() > 599) {
        return Status::invalid_argument("status: expected an HTTP status code like 200");
      }
      c.expect_status = static_cast<int>(status->as_int64());
    }
    auto body = fields::string(f, "body_contains", "", "a string");
    if (!body) return body.status();
    c.body_contains = body.value();
    auto method = fields::string(f, "method", c.method, "a string like \"GET\"");
    if (!method) return method.status();
    c.method = method.value();
    auto timeout = fields::duration(f, "timeout", c.timeout);
    if (!timeout) return timeout.status();
    c.timeout = timeout.value();
    return c;
  }
  Result<std::unique_ptr<probes::Probe>> make(const probes::HttpProbeConfig& c) const override {
    return created<probes::HttpProbe>(c);
  }
  std::string describe(const probes::HttpProbeConfig& c) const override {
    return c.method + " " + c.url;
  }
};

// scrape_probe "p99" { url = ".../metrics", histogram = "x_seconds", quantile = 0.99 }: one of
// gauge = "sel", rate = "sel", histogram = "name" (+ quantile), ratio = { "num", "den" }.
class ScrapeProbeKind final : public ProbeKindFor<probes::ScrapeProbeConfig> {
 public:
  ScrapeProbeKind() : ProbeKindFor("scrape_probe") {}
  std::vector<std::string> fields() const override {
    return {"url",   "gauge",    "rate", "histogram", "quantile", "ratio",
            "selector", "over", "timeout", "on_error", "unit"};
  }

 private:
  Result<probes::ScrapeProbeConfig> parse(const json::object& f) const override {
    probes::ScrapeProbeConfig c;
    auto url = fields::url(f, "url");
    if (!url) return url.status();
    c.url = url.value();
    std::vector<std::string> chosen;
    for (const char* k : {"gauge", "rate", "histogram", "ratio"}) {
      if (f.contains(k)) chosen.emplace_back(k);
    }
    if (chosen.size() != 1) {
      return Status::invalid_argument(
          "give exactly one of gauge = \"metric\", rate = \"metric\", histogram = \"metric\" "
          "(with quantile), ratio = { \"numerator\", \"denominator\" }");
    }
    const json::value& picked = f.at(chosen[0]);
    if (chosen[0] == "ratio") {
      c.what = probes::ScrapeComputation::kRatio;
      const json::array* pair = picked.if_array();
      if (!pair || pair->size() < 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
        return Status::invalid_argument(
            "ratio: expected { \"numerator selector\", \"denominator selector\" }");
      }
      c.numerator = std::string((*pair)[0].as_string());
      c.denominator = std::string((*pair)[1].as_string());
    } else {
      c.what = chosen[0] == "gauge"  ? probes::ScrapeComputation::kGauge
               : chosen[0] == "rate" ? probes::ScrapeComputation::kRate
                                     : probes::ScrapeComputation::kQuantile;
      if (!picked.is_string()) {
        return Status::invalid_argument(chosen[0] + ": expected a metric name or selector");
      }
      c.metric = std::string(picked.as_string());
    }
    if (f.contains("quantile")) {
      auto q = fields::number(f, "quantile");
      if (!q || *q < 0 || *q > 1 || c.what != probes::ScrapeComputation::kQuantile) {
        return Status::invalid_argument("quantile: a number from 0 to 1, with histogram = ...");
      }
      c.quantile = *q;
    }
    auto selector = fields::string(f, "selector", "", "extra matchers like 'code=~\"5..\"'");
    if (!selector) return selector.status();
    c.selector = selector.value();
    auto over = fields::duration(f, "over", c.window);
    if (!over) return over.status();
    c.window = over.value();
    if (Status st = read_metric_fields(f, c); !st) return st;
    return c;
  }
  Result<std::unique_ptr<probes::Probe>> make(const probes::ScrapeProbeConfig& c) const override {
    return created<probes::ScrapeProbe>(c);
  }
  std::string describe(const probes::ScrapeProbeConfig& c) const override {
    const std::string over = " over " + format_duration(c.window);
    std::string what;
    switch (c.what) {
      case probes::ScrapeComputation::kGauge: what = c.metric; break;
      case probes::ScrapeComputation::kRate: what = "rate of " + c.metric + over; break;
      case probes::ScrapeComputation::kQuantile: {
        char q[16];
        std::snprintf(q, sizeof q, "%g", c.quantile);
        what = std::string("quantile ") + q + " of " + c.metric + over;
        break;
      }
      case probes::ScrapeComputation::kRatio:
        what = c.numerator + " / " + c.denominator + over;
        break;
    }
    return what + (c.selector.empty() ? "" : " {" + c.selector + "}") + " from " + c.url;
  }
};

// prometheus_probe "p99" { url = "http://127.0.0.1:9090", query = "..." [, range = "30s",
// step = "1s", reduce = "max"] }
class PrometheusProbeKind final : public ProbeKindFor<probes::PrometheusProbeConfig> {
 public:
  PrometheusProbeKind() : ProbeKindFor("prometheus_probe") {}
  std::vector<std::string> fields() const override {
    return {"url", "query", "range", "step", "reduce", "timeout", "on_error", "unit"};
  }
  std::chrono::microseconds default_every() const override { return std::chrono::seconds(1); }

 private:
  Result<probes::PrometheusProbeConfig> parse(const json::object& f) const override {
    probes::PrometheusProbeConfig c;
    auto url = fields::url(f, "url");
    if (!url) return url.status();
    c.url = url.value();
    const auto* query = f.if_contains("query");
    if (!query || !query->is_string() || query->as_string().empty()) {
      return Status::invalid_argument("'query' is required (PromQL)");
    }
    c.query = std::string(query->as_string());
    auto range = fields::duration(f, "range", c.range);
    if (!range) return range.status();
    c.range = range.value();
    auto step = fields::duration(f, "step", c.step);
    if (!step) return step.status();
    c.step = step.value();
    if (f.contains("reduce") && !f.contains("range")) {
      return Status::invalid_argument(
          "reduce applies to range queries: give range = \"30s\" too");
    }
    const auto* reduce = f.if_contains("reduce");
    if (reduce) {
      auto parsed = reduce->is_string() ? probes::parse_range_reduce(std::string(reduce->as_string()))
                                        : Result<probes::RangeReduce>(Status::invalid_argument(""));
      if (!parsed) {
        return Status::invalid_argument(
            "reduce: expected \"last\", \"min\", \"max\" or \"mean\"");
      }
      c.reduce = parsed.value();
    }
    if (Status st = read_metric_fields(f, c); !st) return st;
    return c;
  }
  Result<std::unique_ptr<probes::Probe>> make(const probes::PrometheusProbeConfig& c) const override {
    return created<probes::PrometheusProbe>(c);
  }
  std::string describe(const probes::PrometheusProbeConfig& c) const override {
    std::string range = c.range.count() ? ", over the last " + format_duration(c.range) + " (" +
                                              std::string(probes::range_reduce_name(c.reduce)) + ")"
                                        : "";
    return "PromQL '" + c.query + "' at " + c.url + range;
  }
};

}  // namespace

ProbeKindRegistry ProbeKindRegistry::with_builtins() {
  ProbeKindRegistry r;
  for (const auto& kind : builtin().kinds()) r.kinds_.push_back(kind);
  return r;
}

const ProbeKindRegistry& ProbeKindRegistry::builtin() {
  static const ProbeKindRegistry registry = [] {
    ProbeKindRegistry r;
    Status ok = r.add(std::make_unique<HttpProbeKind>());
    if (ok) ok = r.add(std::make_unique<ScrapeProbeKind>());
    if (ok) ok = r.add(std::make_unique<PrometheusProbeKind>());
    return r;
  }();
  return registry;
}

Status ProbeKindRegistry::add(std::unique_ptr<ProbeKind> kind) {
  if (find(kind->name())) {
    return Status::failed("probe kind '" + kind->name() + "' is registered twice");
  }
  kinds_.push_back(std::move(kind));
  return Status::ok();
}

const ProbeKind* ProbeKindRegistry::find(const std::string& name) const {
  for (const auto& k : kinds_) {
    if (k->name() == name) return k.get();
  }
  return nullptr;
}

}  // namespace chaos::engine
