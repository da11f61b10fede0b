#include "rule_fault.h"

#include <cstdio>

#include "fault_params.h"

namespace chaos::network {

namespace {

// 0.05 rather than 0.050000000000000003: the value as the operator wrote it.
std::string shortest(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  for (char* c = buf; *c != '\0'; ++c) *c = *c == ',' ? '.' : *c;  // LC_NUMERIC may say ","
  return buf;
}

}  // namespace

RuleFault::RuleFault(sdk::Host& host, const ProxyAddresses& addresses, const char* kind,
                     RuleSettings settings)
    : host_(host),
      kind_(kind),
      attachment_(host, addresses.listen, addresses.upstream),
      settings_(std::move(settings)) {}

RuleFault::~RuleFault() {
  // Normally destroy already stopped it. No virtual calls here: the kind is gone by now.
  if (active_) deactivate();
}

void RuleFault::deactivate() {
  attachment_.clear_rule();  // waiting bytes and held connections go on at once
  attachment_.stop_metrics();
  active_ = false;
}

void RuleFault::start() {
  if (active_) throw sdk::StateError(std::string("the ") + kind_ + " is already started");
  attachment_.attach();
  apply();
  attachment_.start_metrics(own_series());
  active_ = true;
  host_.info("added " + describe() + " on proxy " +
             to_string(attachment_.proxy().local_endpoint()) + " -> " +
             attachment_.upstream().text());
  on_applied();
}

void RuleFault::stop() {
  if (!active_) return;
  deactivate();
  host_.info("removed " + describe());
}

void RuleFault::change(const sdk::Params& params, RuleSettings settings) {
  expect_same_addresses(params, attachment_.listen(), attachment_.upstream());
  if (params.get_int_or("seed", 0, 0) == 0) settings.seed = settings_.seed;
  settings_ = std::move(settings);
  if (!active_) return;
  apply();
  host_.info("changed to " + describe());
  on_applied();
}

void RuleFault::apply() {
  Rule rule;
  rule.probability = settings_.probability;
  rule.seed = settings_.seed;
  rule.applies_to_existing = settings_.applies_to_existing;
  rule.stats = stats_;
  rule.spec = settings_.spec;
  attachment_.set_rule(std::move(rule));
}

std::string RuleFault::status_json() {
  sdk::JsonObject json;
  json.add("kind", kind_)
      .add("active", active_)
      .add_raw("probability", shortest(settings_.probability))
      .add("seed", settings_.seed);
  add_own_status(json);
  const RuleStats& s = *stats_;
  json.add("connections_affected", s.connections_affected.load());
  attachment_.add_status(json);
  return json.str();
}

}  // namespace chaos::network
