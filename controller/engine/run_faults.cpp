// The Run's faults: starting them for the script, stopping them on every path, proxies that
// live for the whole run, and what plugins report while their faults are on.
#include <algorithm>
#include <boost/json.hpp>

#include "common/duration.h"
#include "engine/run.h"

namespace chaos::engine {

namespace {

std::string describe(const std::string& kind, const std::string& name,
                     const boost::json::value& params) {
  std::string text = kind + " '" + name + "'";
  if (params.is_object()) {
    std::string shown;
    for (const auto& [key, value] : params.as_object()) {
      if (key == "seed") continue;
      shown += (shown.empty() ? "" : ", ") + std::string(key) + "=" +
               (value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value));
    }
    text += " (" + shown + ")";
  }
  return text;
}

}  // namespace

// Kinds that take a "seed" get one derived from the run's seed, so a run can be replayed.
boost::json::value Run::add_run_seed(const plugin_host::FaultKind& kind, boost::json::value params) {
  const auto& schema = kind.params_schema.json();
  const auto* props = schema.is_object() ? schema.as_object().if_contains("properties") : nullptr;
  if (props && props->is_object() && props->as_object().contains("seed") && params.is_object()) {
    auto& obj = params.as_object();
    const auto* given = obj.if_contains("seed");
    if (!given || (given->is_int64() && given->as_int64() == 0)) {
      obj["seed"] = seed_ + next_fault_id_;
    }
  }
  return params;
}

Result<int> Run::inject(const std::string& kind, const boost::json::value& params,
                        std::optional<std::chrono::microseconds> duration,
                        const std::string& name) {
  if (aborted_ || abort_requested_) return Status::aborted("the run is aborting");
  auto filled = registry_.validate_params(kind, params);
  if (!filled) return filled.status();
  const plugin_host::FaultKind* k = registry_.find_kind(kind);
  const int id = next_fault_id_;
  boost::json::value final_params = add_run_seed(*k, std::move(filled.value()));
  const std::string fault_name = name.empty() ? kind + "-" + std::to_string(id) : name;
  auto instance = plugin_host::FaultInstance::create(*k, fault_name, final_params, *this);
  if (!instance) return instance.status();
  ++next_fault_id_;

  // What is journaled never holds a writeOnly parameter (a password): the plugin has it, the
  // store and the screen do not.
  const boost::json::value shown = k->redacted(final_params);
  boost::json::object detail{{"id", id}, {"kind", kind}, {"name", fault_name}, {"params", shown}};
  if (duration) detail["duration_ms"] = duration->count() / 1000;
  ActiveFault fault{std::move(instance.value()), boost::json::serialize(detail)};
  // Journal first: if we die between these two lines, the store says what may be injected.
  journal("fault_start",
          "start " + describe(kind, fault_name, shown) +
              (duration ? " for " + format_duration(*duration) : ""),
          fault.detail_json);
  if (Status st = fault.instance->start(); !st) {
    journal("fault_start_failed", st.message(), fault.detail_json);
    return st;
  }
  if (duration) {
    fault.stop_timer = loop_.at(clock_.now() + *duration,
                                [this, id] { (void)stop_fault_now(id, "its duration is over"); });
  }
  faults_.emplace(id, std::move(fault));
  return id;
}

Status Run::stop_fault(int id) { return stop_fault_now(id, "the script stopped it"); }

Status Run::stop_fault_now(int id, const std::string& why) {
  auto it = faults_.find(id);
  if (it == faults_.end()) return Status::ok();  // already stopped: stopping is idempotent
  ActiveFault fault = std::move(it->second);
  faults_.erase(it);
  loop_.cancel(fault.stop_timer);
  journal("fault_stop", "stop " + fault.instance->name() + ": " + why, fault.detail_json);
  Status st = fault.instance->stop();
  if (!st) journal("fault_stop_failed", st.message(), fault.detail_json);
  return st;  // the instance is destroyed here, which releases everything it held
}

void Run::rollback_all(const std::string& why) {
  while (!faults_.empty()) {
    const int newest = faults_.rbegin()->first;
    if (Status st = stop_fault_now(newest, "rollback, " + why); !st) {
      fail("rollback of a fault failed: " + st.message());
    }
  }
}

Status Run::update_fault(int id, const boost::json::value& params) {
  auto it = faults_.find(id);
  if (it == faults_.end()) return Status::not_found("that fault is no longer running");
  const auto& kind = it->second.instance->kind();
  auto filled = registry_.validate_params(kind.name, params);
  if (!filled) return filled.status();
  const boost::json::value shown = kind.redacted(filled.value());
  journal("fault_update", "update " + describe(kind.name, it->second.instance->name(), shown),
          boost::json::serialize(boost::json::object{{"id", id}, {"params", shown}}));
  return it->second.instance->update(filled.value());
}

Status Run::start_proxies() {
  for (const auto& spec : script_->experiment().proxies) {
    boost::json::object params{{"listen", spec.listen}, {"upstream", spec.upstream}};
    auto filled = registry_.validate_params("proxy", params);
    if (!filled) return filled.status().with_context("proxies." + spec.name);
    auto instance = plugin_host::FaultInstance::create(*registry_.find_kind("proxy"),
                                                       "proxy-" + spec.name, filled.value(), *this);
    if (!instance) return instance.status().with_context("proxies." + spec.name);
    ActiveFault proxy{std::move(instance.value()), boost::json::serialize(filled.value())};
    journal("proxy_start", "proxy '" + spec.name + "' " + spec.listen + " -> " + spec.upstream,
            proxy.detail_json);
    if (Status st = proxy.instance->start(); !st) return st.with_context("proxies." + spec.name);
    proxies_.push_back(std::move(proxy));
  }
  return Status::ok();
}

void Run::stop_proxies() {
  while (!proxies_.empty()) {
    ActiveFault proxy = std::move(proxies_.back());
    proxies_.pop_back();
    journal("proxy_stop", "proxy " + proxy.instance->name() + " stopped", proxy.detail_json);
    (void)proxy.instance->stop();
  }
}

void Run::fault_log(const std::string& fault, chaos_log_level level, std::string message) {
  static const char* kLevels[] = {"debug", "info", "warn", "error"};
  const char* level_name = kLevels[std::clamp<int>(level, 0, 3)];
  loop_.post([this, fault, level_name, message = std::move(message)] {
    journal("plugin_log", fault + ": " + message,
            boost::json::serialize(boost::json::object{{"fault", fault}, {"level", level_name}}));
  });
}

void Run::fault_metric(const std::string& fault, std::string name, double value, int64_t unix_ms) {
  loop_.post([this, series = fault + "." + name, value, unix_ms] {
    store::SampleRecord s;
    s.run_id = run_id_;
    s.series = series;
    s.unix_ms = unix_ms ? unix_ms : clock_.unix_ms();
    s.value = value;
    s.phase = phase_;
    pending_samples_.push_back(std::move(s));
  });
}

void Run::fault_event(const std::string& fault, std::string kind, std::string detail_json) {
  loop_.post([this, fault, kind = std::move(kind), detail = std::move(detail_json)] {
    journal("plugin_event", fault + ": " + kind, detail);
  });
}

}  // namespace chaos::engine
