#include "latency_fault.h"

#include <utility>

namespace chaos::network {

namespace {

std::chrono::microseconds bounded_duration(const sdk::Params& params, const char* field,
                                           const char* fallback) {
  const auto us = std::chrono::microseconds(fallback ? params.get_duration_us(field, fallback)
                                                     : params.get_duration_us(field));
  if (us > LatencyFault::kMaxDelay) throw sdk::InvalidParams(field, "must be at most 10m");
  return us;
}

}  // namespace

LatencyFault::Settings LatencyFault::parse_settings(const sdk::Params& params) {
  params.expect_only({"listen", "upstream", "delay", "jitter", "direction", "seed"});
  Settings s;
  s.delay = bounded_duration(params, "delay", nullptr);
  s.jitter = bounded_duration(params, "jitter", "0ms");
  s.direction = params.get_string("direction", "downstream");
  if (s.direction != "downstream" && s.direction != "upstream" && s.direction != "both") {
    throw sdk::InvalidParams(
        "direction", "'" + s.direction + "' is not one of \"downstream\", \"upstream\", \"both\"");
  }
  s.seed = static_cast<uint64_t>(params.get_int_or("seed", 0, 0));
  return s;
}

std::unique_ptr<LatencyFault> LatencyFault::create(sdk::Host& host, const sdk::Params& params) {
  Settings settings = parse_settings(params);  // first: it also rejects unknown fields
  return std::unique_ptr<LatencyFault>(
      new LatencyFault(host, parse_proxy_addresses(params), std::move(settings)));
}

LatencyFault::LatencyFault(sdk::Host& host, const ProxyAddresses& addresses, Settings settings)
    : host_(host),
      attachment_(host, addresses.listen, addresses.upstream),
      settings_(std::move(settings)) {}

LatencyFault::~LatencyFault() {
  try {
    stop();  // normally already done by destroy; the attachment then releases the proxy
  } catch (...) {
  }
}

void LatencyFault::start() {
  if (active_) throw sdk::StateError("the latency is already started");
  Proxy& proxy = attachment_.attach();
  if (settings_.seed != 0) proxy.reseed(settings_.seed);
  apply();
  attachment_.start_metrics();
  active_ = true;
  host_.info("added " + describe());
}

void LatencyFault::stop() {
  if (!active_) return;
  attachment_.proxy().clear_delay(attachment_.owner_id());  // waiting chunks go out at once
  attachment_.stop_metrics();
  active_ = false;
  host_.info("removed " + describe());
}

void LatencyFault::update(const sdk::Params& params) {
  Settings next = parse_settings(params);
  const ProxyAddresses addresses = parse_proxy_addresses(params);
  if (addresses.listen != attachment_.listen())
    throw sdk::InvalidParams("listen", "cannot change on update; create another fault");
  if (addresses.upstream != attachment_.upstream())
    throw sdk::InvalidParams("upstream", "cannot change on update; create another fault");
  const bool reseed = next.seed != 0 && next.seed != settings_.seed;
  settings_ = std::move(next);
  if (!active_) return;
  if (reseed) attachment_.proxy().reseed(settings_.seed);
  apply();
  host_.info("changed to " + describe());
}

void LatencyFault::apply() {
  const DelaySpec spec{settings_.delay, settings_.jitter};
  const bool up = settings_.direction != "downstream";
  const bool down = settings_.direction != "upstream";
  attachment_.proxy().set_delay(attachment_.owner_id(), up ? spec : DelaySpec{},
                                down ? spec : DelaySpec{});
}

std::string LatencyFault::describe() const {
  std::string text = "latency " + sdk::format_duration_us(settings_.delay.count());
  if (settings_.jitter.count() > 0)
    text += " +/- " + sdk::format_duration_us(settings_.jitter.count());
  text += " (" + settings_.direction + ") on proxy " + to_string(attachment_.listen()) + " -> " +
          to_string(attachment_.upstream());
  return text;
}

std::string LatencyFault::status_json() {
  sdk::JsonObject json;
  json.add("kind", kName)
      .add("active", active_)
      .add("delay", sdk::format_duration_us(settings_.delay.count()))
      .add("delay_us", static_cast<int64_t>(settings_.delay.count()))
      .add("jitter", sdk::format_duration_us(settings_.jitter.count()))
      .add("jitter_us", static_cast<int64_t>(settings_.jitter.count()))
      .add("direction", settings_.direction)
      .add("seed", settings_.seed);
  attachment_.add_status(json);
  return json.str();
}

}  // namespace chaos::network
