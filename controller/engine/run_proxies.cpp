#include "engine/run_proxies.h"

#include <boost/json.hpp>

namespace chaos::engine {

using journal::EventKind;

namespace {

std::string describe(const std::string& name, const boost::json::value& params) {
  std::string shown;
  for (const auto& [key, value] : params.as_object()) {
    shown += (shown.empty() ? "" : ", ") + std::string(key) + "=" +
             (value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value));
  }
  return "proxy '" + name + "' (" + shown + ")";
}

}  // namespace

RunProxies::~RunProxies() = default;

Status RunProxies::start() {
  for (const auto& proxy : declared_.all()) {
    const std::string where = "proxies." + proxy.name;
    const boost::json::value params = proxy.kind->redacted(proxy.params);
    auto instance = plugin_host::FaultInstance::create(*proxy.kind, proxy.kind->name + "-" + proxy.name,
                                                       proxy.params, sink_);
    if (!instance) return instance.status().with_context(where);
    Running running{std::move(instance.value()), boost::json::serialize(params)};
    if (Status st = journal_.write(EventKind::kProxyStart, describe(proxy.name, params),
                                   running.detail_json);
        !st) {
      return st.with_context(where + " was not started");
    }
    if (Status st = running.instance->start(); !st) return st.with_context(where);
    running_.push_back(std::move(running));
  }
  return Status::ok();
}

Status RunProxies::stop() {
  Status first;
  while (!running_.empty()) {
    Running proxy = std::move(running_.back());
    running_.pop_back();
    journal_.record(EventKind::kProxyStop, "proxy " + proxy.instance->name() + " stopped",
                    proxy.detail_json);
    if (Status st = proxy.instance->stop(); !st && first) first = st;
  }
  return first;
}

}  // namespace chaos::engine
