#include "outage_fault.h"

#include <utility>

namespace chaos::network {

namespace {

struct ModeName {
  OutageMode mode;
  const char* name;
};
constexpr ModeName kModes[] = {
    {OutageMode::kRefuse, "refuse"},        {OutageMode::kReset, "reset"},
    {OutageMode::kBlackhole, "blackhole"},  {OutageMode::kTimeout, "timeout"},
    {OutageMode::kSlowClose, "slow_close"}, {OutageMode::kLimitData, "limit_data"}};

const char* mode_name(OutageMode mode) {
  for (const ModeName& m : kModes) {
    if (m.mode == mode) return m.name;
  }
  return "?";
}

OutageMode parse_mode(const sdk::Params& params) {
  const std::string text = params.get_string("mode");
  for (const ModeName& m : kModes) {
    if (text == m.name) return m.mode;
  }
  throw sdk::InvalidParams("mode", "'" + text +
                                       "' is not one of \"refuse\", \"reset\", \"blackhole\", "
                                       "\"timeout\", \"slow_close\", \"limit_data\"");
}

}  // namespace

RuleSettings OutageFault::parse(const sdk::Params& params) {
  params.expect_only({"listen", "upstream", "mode", "probability", "existing", "delay", "bytes",
                      "direction", "seed"});
  OutageSpec spec;
  spec.mode = parse_mode(params);
  const std::string named = std::string("mode \"") + mode_name(spec.mode) + "\"";
  if (spec.mode == OutageMode::kLimitData) {
    if (!params.has("bytes"))
      throw sdk::InvalidParams("bytes", "is required for mode \"limit_data\", e.g. 65536");
    spec.bytes = static_cast<uint64_t>(params.get_int_or("bytes", 0, 0, kMaxLimitBytes));
    std::string direction;
    const std::array<bool, 2> on = parse_direction(params, direction);
    spec.limited = {on[0], on[1]};
  } else {
    for (const char* field : {"bytes", "direction"}) {
      if (params.has(field))
        throw sdk::InvalidParams(field, "applies only to mode \"limit_data\", not " + named);
    }
  }
  spec.existing = params.get_bool("existing", false);
  const std::string mode = std::string("mode \"") + mode_name(spec.mode) + "\"";
  switch (spec.mode) {
    case OutageMode::kRefuse:
    case OutageMode::kBlackhole:
    case OutageMode::kLimitData:
      if (params.has("delay"))
        throw sdk::InvalidParams(
            "delay", "does not apply to " + mode +
                         (spec.mode == OutageMode::kBlackhole
                              ? "; it holds connections while the fault is on (mode \"timeout\" "
                                "closes them after a delay)"
                          : spec.mode == OutageMode::kLimitData
                              ? "; the connection closes once it has carried bytes"
                              : ""));
      break;
    case OutageMode::kReset:
      spec.delay = parse_bounded_duration(params, "delay", "0ms");
      break;
    case OutageMode::kTimeout:
    case OutageMode::kSlowClose:
      if (!params.has("delay"))
        throw sdk::InvalidParams("delay", "is required for " + mode + ", e.g. \"5s\"");
      spec.delay = parse_bounded_duration(params, "delay", nullptr);
      break;
  }
  RuleSettings settings;
  settings.probability = parse_probability(params);
  if (spec.mode == OutageMode::kRefuse && settings.probability < 1) {
    throw sdk::InvalidParams("probability",
                             "mode \"refuse\" closes the listener, which refuses every new "
                             "connection; use mode \"reset\" to hit a fraction of them");
  }
  settings.seed = parse_seed(params);
  // A refuse without existing leaves open connections alone: the listener is its whole effect.
  settings.applies_to_existing = spec.existing;
  settings.spec = spec;
  return settings;
}

std::unique_ptr<OutageFault> OutageFault::create(sdk::Host& host, const sdk::Params& params) {
  RuleSettings settings = parse(params);
  return std::unique_ptr<OutageFault>(
      new OutageFault(host, parse_proxy_addresses(params), std::move(settings)));
}

void OutageFault::update(const sdk::Params& params) {
  RuleSettings settings = parse(params);
  if (std::get<OutageSpec>(settings.spec).mode != spec().mode)
    throw sdk::InvalidParams("mode", "cannot change on update; stop this fault and start another");
  change(params, std::move(settings));
  judged_at_change_ = stats().connections_judged.load();
  affected_at_change_ = stats().connections_affected.load();
}

std::string OutageFault::describe() const {
  std::string text = std::string("outage ") + mode_name(spec().mode);
  if (spec().mode == OutageMode::kLimitData) {
    text += " " + std::to_string(spec().bytes) + " bytes (" +
            (spec().limited[0] && spec().limited[1] ? "both"
             : spec().limited[0]                    ? "upstream"
                                                    : "downstream") +
            ")";
  }
  if (spec().delay.count() > 0) text += " after " + sdk::format_duration_us(spec().delay.count());
  if (settings().probability < 1)
    text += ", on " + format_percent(settings().probability) + " of connections";
  text += spec().existing ? ", open connections included" : ", new connections only";
  return text;
}

std::vector<Series> OutageFault::own_series() const {
  return {{"connections_affected", &stats().connections_affected},
          {"connections_reset", &stats().connections_reset},
          {"connections_timed_out", &stats().connections_timed_out},
          {"closes_delayed", &stats().closes_delayed},
          {"connections_limited", &stats().connections_limited}};
}

void OutageFault::add_own_status(sdk::JsonObject& json) const {
  json.add("mode", mode_name(spec().mode))
      .add("existing", spec().existing)
      .add("delay", sdk::format_duration_us(spec().delay.count()))
      .add("connections_reset", stats().connections_reset.load())
      .add("connections_timed_out", stats().connections_timed_out.load())
      .add("closes_delayed", stats().closes_delayed.load())
      .add("connections_limited", stats().connections_limited.load());
  if (spec().mode == OutageMode::kLimitData) json.add("bytes", spec().bytes);
  // Requested (probability) against achieved, over the connections judged since it was set.
  const uint64_t judged = stats().connections_judged.load() - judged_at_change_;
  const uint64_t affected = stats().connections_affected.load() - affected_at_change_;
  json.add("connections_judged", stats().connections_judged.load())
      .add("judged_since_change", judged)
      .add("affected_since_change", affected);
  if (judged > 0)
    json.add("achieved_probability", static_cast<double>(affected) / static_cast<double>(judged));
}

}  // namespace chaos::network
