#include "probes/scrape_probe.h"

#include <cmath>

#include "probes/probe_checks.h"

namespace chaos::probes {

namespace {

constexpr std::string_view kAccept = "text/plain;version=0.0.4;q=1,*/*;q=0.1";
constexpr size_t kMaxDetail = 4096;

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The unit Prometheus's naming conventions give a metric: x_seconds -> "s", x_bytes -> "bytes".
std::string base_unit(std::string name) {
  for (std::string_view suffix : {"_total", "_bucket", "_sum", "_count"}) {
    if (name.ends_with(suffix) && suffix != "_count") name.resize(name.size() - suffix.size());
  }
  if (name.ends_with("_count")) return "";  // a number of observations
  if (name.ends_with("_seconds")) return "s";
  if (name.ends_with("_bytes")) return "bytes";
  if (name.ends_with("_ratio")) return "ratio";
  return "";
}

std::string_view family_of(std::string_view sample_name) {
  if (sample_name.ends_with("_bucket")) sample_name.remove_suffix(7);
  return sample_name;
}

Status invalid(const std::string& field, const std::string& what) {
  return Status::invalid_argument("scrape probe: " + field + ": " + what);
}

}  // namespace

Result<ScrapeComputation> parse_scrape_computation(std::string_view text) {
  if (text == "gauge") return ScrapeComputation::kGauge;
  if (text == "rate") return ScrapeComputation::kRate;
  if (text == "quantile") return ScrapeComputation::kQuantile;
  if (text == "ratio") return ScrapeComputation::kRatio;
  return Status::invalid_argument("expected gauge, rate, quantile or ratio, got \"" +
                                  std::string(text) + "\"");
}

Result<std::unique_ptr<ScrapeProbe>> ScrapeProbe::create(ScrapeProbeConfig config) {
  if (Status st = check_probe_url(config.url); !st) return invalid("url", st.message());
  if (config.window <= Micros::zero()) return invalid("window", "must be positive");
  if (Status st = check_probe_timeout(config.timeout); !st) {
    return invalid("timeout", st.message());
  }
  const bool ratio = config.what == ScrapeComputation::kRatio;
  if (config.what == ScrapeComputation::kQuantile &&
      !(config.quantile >= 0 && config.quantile <= 1)) {
    return invalid("quantile", "must be between 0 and 1, got " + format_number(config.quantile));
  }
  auto first = parse_series_selector(ratio ? config.numerator : config.metric, config.selector);
  if (!first) return invalid(ratio ? "numerator" : "metric", first.status().message());
  SeriesSelector second;
  if (ratio) {
    auto parsed = parse_series_selector(config.denominator, config.selector);
    if (!parsed) return invalid("denominator", parsed.status().message());
    second = std::move(parsed.value());
  } else if (!config.numerator.empty() || !config.denominator.empty()) {
    return invalid("numerator", "only a ratio has a numerator and a denominator");
  }
  return std::unique_ptr<ScrapeProbe>(
      new ScrapeProbe(std::move(config), std::move(first.value()), std::move(second)));
}

ScrapeProbe::ScrapeProbe(ScrapeProbeConfig config, SeriesSelector first, SeriesSelector second)
    : config_(std::move(config)),
      first_(std::move(first)),
      second_(std::move(second)),
      window_(config_.window) {
  const std::string range = "[" + format_duration(config_.window) + "]";
  std::string unit = base_unit(first_.metric);
  switch (config_.what) {
    case ScrapeComputation::kGauge:
      expression_ = first_.to_string();
      break;
    case ScrapeComputation::kRate:
      expression_ = "rate(" + first_.to_string() + range + ")";
      unit = unit.empty() ? "/s" : unit + "/s";
      break;
    case ScrapeComputation::kQuantile: {
      SeriesSelector buckets = first_;
      buckets.metric = std::string(family_of(first_.metric)) + "_bucket";
      expression_ = "histogram_quantile(" + format_number(config_.quantile) +
                    ", sum by (le) (rate(" + buckets.to_string() + range + ")))";
      break;
    }
    case ScrapeComputation::kRatio:
      expression_ =
          "rate(" + first_.to_string() + range + ") / rate(" + second_.to_string() + range + ")";
      unit = "ratio";
      break;
  }
  unit_ = config_.unit.empty() ? unit : config_.unit;
}

Exposition ScrapeProbe::keep_needed(Exposition scrape) const {
  std::vector<std::string> needed;
  auto need = [&](const std::string& sample_name) {
    if (const MetricFamily* f = scrape.family_of_sample(sample_name)) needed.push_back(f->name);
  };
  if (config_.what == ScrapeComputation::kQuantile) {
    need(std::string(family_of(first_.metric)) + "_bucket");
  } else {
    need(first_.metric);
  }
  if (config_.what == ScrapeComputation::kRatio) need(second_.metric);
  Exposition kept;
  for (auto& family : scrape.families) {
    for (const auto& name : needed) {
      if (family.name == name) {
        kept.families.push_back(std::move(family));
        break;
      }
    }
  }
  return kept;
}

WindowValue ScrapeProbe::compute(SteadyTime now) const {
  switch (config_.what) {
    case ScrapeComputation::kGauge:
      return window_.gauge(first_, config_.window, now);
    case ScrapeComputation::kRate:
      return window_.rate(first_, config_.window, now);
    case ScrapeComputation::kQuantile:
      return window_.quantile(config_.quantile, first_, config_.window, now);
    case ScrapeComputation::kRatio:
      return window_.ratio(first_, second_, config_.window, now);
  }
  return WindowValue::error("unknown computation");
}

ProbeSample ScrapeProbe::sample(Clock& clock) {
  ProbeSample s;
  auto fail = [&](std::string error) {
    s.ok = false;
    s.error = std::move(error);
    s.value = 0;
    return s;
  };
  auto response = fetcher_.get(config_.url, config_.timeout, kAccept, kMaxBody);
  s.at = clock.now();
  s.unix_ms = clock.unix_ms();
  const std::string get = "GET " + config_.url;
  if (!response) {
    s.detail = get + ": " + response.status().message();
    return fail(get + ": " + response.status().message());
  }
  const HttpResponse& http = response.value();
  s.detail = get + ": HTTP " + std::to_string(http.status) + ", " +
             std::to_string(http.body.size()) + " bytes";
  if (http.status != 200) {
    s.detail += "; body: " + truncate_for_detail(http.body, 1024);
    return fail(get + ": HTTP " + std::to_string(http.status));
  }
  auto parsed = parse_exposition(http.body);
  if (!parsed) {
    s.detail += "; body: " + truncate_for_detail(http.body, 2048);
    return fail(get + ": not valid exposition text: " + parsed.status().message());
  }
  window_.add(s.at, keep_needed(std::move(parsed.value())));

  const WindowValue result = compute(s.at);
  s.detail += "; " + std::to_string(window_.size()) + " scrapes in the " +
              format_duration(config_.window) + " window; " + expression_ + " = ";
  s.detail += result.has_value() ? format_number(result.value) : "(" + result.reason + ")";
  s.detail = truncate_for_detail(s.detail, kMaxDetail);
  switch (result.kind) {
    case WindowValue::Kind::kValue:
      s.value = result.value;
      return s;
    case WindowValue::Kind::kWarmingUp:
      s.no_value = true;
      return fail(std::string(kWarmingUpError));
    case WindowValue::Kind::kNoValue:
      s.no_value = true;
      return fail("no value: " + result.reason);
    case WindowValue::Kind::kError:
      break;
  }
  return fail(result.reason);
}

}  // namespace chaos::probes
