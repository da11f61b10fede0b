#include "latency_fault.h"

#include <memory>
#include <optional>
#include <utility>

namespace chaos::network {

RuleSettings LatencyFault::parse(const sdk::Params& params, Text& text) {
  params.expect_only({"listen", "upstream", "delay", "jitter", "direction", "probability",
                      "first_byte_delay", "max_buffer", "seed"});
  const DelaySpec delay{parse_bounded_duration(params, "delay", nullptr),
                        parse_bounded_duration(params, "jitter", "0ms")};
  const std::array<bool, 2> on = parse_direction(params, text.direction);
  LatencySpec spec;
  for (size_t d = 0; d < on.size(); ++d) spec.delay[d] = on[d] ? delay : DelaySpec{};
  spec.first_byte_delay = parse_bounded_duration(params, "first_byte_delay", "0ms");
  spec.max_buffer = static_cast<uint64_t>(params.get_int_or(
      "max_buffer", static_cast<int64_t>(BufferBudget::kDefaultLimit), 0, kMaxBufferLimit));
  RuleSettings settings;
  settings.probability = parse_probability(params);
  settings.seed = parse_seed(params);
  settings.spec = spec;
  return settings;
}

std::unique_ptr<LatencyFault> LatencyFault::create(sdk::Host& host, const sdk::Params& params) {
  Text text;
  RuleSettings settings = parse(params, text);  // first: it also rejects unknown fields
  return std::unique_ptr<LatencyFault>(
      new LatencyFault(host, parse_proxy_addresses(params), std::move(settings), std::move(text)));
}

void LatencyFault::update(const sdk::Params& params) {
  Text text;
  RuleSettings settings = parse(params, text);
  change(params, std::move(settings));
  text_ = std::move(text);
}

namespace {

// The delay of the first direction that has one (both directions share one setting).
DelaySpec configured(const LatencySpec& spec) {
  for (const DelaySpec& d : spec.delay) {
    if (d.delay.count() != 0 || d.jitter.count() != 0) return d;
  }
  return {};
}

// The q-quantile of the release lateness recorded since the previous sample, so the metric
// shows the delay's accuracy now rather than since the fault started; no sample when no chunk
// was released in the interval.
Series window_quantile(const char* name, const LatenessHistogram& histogram, double q) {
  auto previous = std::make_shared<LatenessHistogram::Snapshot>(histogram.snapshot());
  return Series(name, [&histogram, previous, q]() -> std::optional<double> {
    const LatenessHistogram::Snapshot now = histogram.snapshot();
    const LatenessHistogram::Snapshot window = now.since(*previous);
    *previous = now;
    if (window.count() == 0) return std::nullopt;
    return static_cast<double>(window.quantile(q));
  });
}

}  // namespace

std::vector<Series> LatencyFault::own_series() const {
  return {{"connections_affected", &stats().connections_affected},
          window_quantile("release_late_p50_us", stats().release_late, 0.5),
          window_quantile("release_late_p99_us", stats().release_late, 0.99)};
}

std::string LatencyFault::describe() const {
  const DelaySpec d = configured(spec());
  std::string text = "latency " + sdk::format_duration_us(d.delay.count());
  if (d.jitter.count() > 0) text += " +/- " + sdk::format_duration_us(d.jitter.count());
  text += " (" + text_.direction + ")";
  if (spec().first_byte_delay.count() > 0)
    text += ", first byte +" + sdk::format_duration_us(spec().first_byte_delay.count());
  if (settings().probability < 1)
    text += ", on " + format_percent(settings().probability) + " of connections";
  return text;
}

void LatencyFault::add_own_status(sdk::JsonObject& json) const {
  const DelaySpec d = configured(spec());
  json.add("delay", sdk::format_duration_us(d.delay.count()))
      .add("delay_us", static_cast<int64_t>(d.delay.count()))
      .add("jitter", sdk::format_duration_us(d.jitter.count()))
      .add("jitter_us", static_cast<int64_t>(d.jitter.count()))
      .add("direction", text_.direction)
      .add("first_byte_delay", sdk::format_duration_us(spec().first_byte_delay.count()))
      .add("max_buffer", spec().max_buffer);
  // Since the fault started: the chunks it waited for, and how late they went out.
  const LatenessHistogram::Snapshot late = stats().release_late.snapshot();
  const uint64_t samples = late.count();
  json.add("release_late_samples", samples)
      .add("release_late_p50_us", samples ? late.quantile(0.5) : 0)
      .add("release_late_p99_us", samples ? late.quantile(0.99) : 0)
      .add("release_late_max_us", stats().release_late.max_us());
}

}  // namespace chaos::network
