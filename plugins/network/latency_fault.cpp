#include "latency_fault.h"

#include <utility>

namespace chaos::network {

RuleSettings LatencyFault::parse(const sdk::Params& params, Text& text) {
  params.expect_only({"listen", "upstream", "delay", "jitter", "direction", "probability",
                      "first_byte_delay", "seed"});
  const DelaySpec delay{parse_bounded_duration(params, "delay", nullptr),
                        parse_bounded_duration(params, "jitter", "0ms")};
  const std::array<bool, 2> on = parse_direction(params, text.direction);
  LatencySpec spec;
  for (size_t d = 0; d < on.size(); ++d) spec.delay[d] = on[d] ? delay : DelaySpec{};
  spec.first_byte_delay = parse_bounded_duration(params, "first_byte_delay", "0ms");
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

}  // namespace

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
      .add("first_byte_delay", sdk::format_duration_us(spec().first_byte_delay.count()));
}

}  // namespace chaos::network
