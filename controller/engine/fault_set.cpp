#include "engine/fault_set.h"

#include <boost/json.hpp>
#include <random>

#include "common/duration.h"

namespace chaos::engine {

using journal::EventKind;
using journal::FaultId;

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

bool takes_seed(const plugin_host::FaultKind& kind) {
  const auto& schema = kind.params_schema.json();
  const auto* props = schema.is_object() ? schema.as_object().if_contains("properties") : nullptr;
  return props && props->is_object() && props->as_object().contains("seed");
}

}  // namespace

FaultSet::FaultSet(const plugin_host::PluginRegistry& registry, const ProxyCatalog& proxies,
                   RunJournal& journal, EventLoop& loop, plugin_host::FaultSink& sink,
                   Listener& listener, int64_t run_seed, std::chrono::milliseconds status_every)
    : registry_(registry), proxies_(proxies), journal_(journal), loop_(loop), sink_(sink),
      listener_(listener), run_seed_(run_seed), status_every_(status_every) {}

FaultSet::~FaultSet() { loop_.cancel(poll_timer_); }

FaultStatus FaultSet::status_of(Active& fault, bool final) {
  FaultStatus out{fault.info, {}, final, loop_.clock().unix_ms()};
  auto answer = fault.instance->status_json();
  std::string error;
  if (!answer) {
    error = answer.status().message();
  } else {
    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(answer.value(), ec);
    if (!ec && parsed.is_object()) {
      out.json = boost::json::serialize(parsed);  // compact, and known to be an object
      return out;
    }
    error = fault.kind->name + " status: not a JSON object: " + answer.value().substr(0, 200);
  }
  out.json = boost::json::serialize(boost::json::object{{"error", error}});
  return out;
}

std::optional<std::string> FaultSet::status_now(FaultId id) {
  auto it = active_.find(id);
  if (it == active_.end() || !it->second.instance) return std::nullopt;
  return status_of(it->second, false).json;
}

void FaultSet::poll_statuses() {
  poll_timer_ = 0;
  std::vector<FaultStatus> polled;
  for (auto& [id, fault] : active_) {
    if (fault.instance) polled.push_back(status_of(fault, false));
  }
  if (!polled.empty()) listener_.fault_statuses(std::move(polled));
  if (!active_.empty()) {
    poll_timer_ = loop_.at(loop_.clock().now() + status_every_, [this] { poll_statuses(); });
  }
}

void FaultSet::set_remote(RemoteFaults* remote, int64_t run_id) {
  remote_ = remote;
  run_id_ = run_id;
  lease_salt_ = std::random_device{}();
}

Result<boost::json::value> FaultSet::prepare(const plugin_host::FaultKind& kind,
                                             const boost::json::value& given, FaultId id) const {
  auto attached = attach_to_proxy(kind, given, proxies_);
  if (!attached) return attached.status().with_context(kind.name);
  auto filled = registry_.validate_params(kind.name, attached.value());
  if (!filled) return filled.status();
  // A "seed" left at 0 gets one derived from the run's seed, so a run can be replayed.
  if (takes_seed(kind) && filled->is_object()) {
    auto& obj = filled->as_object();
    const auto* seed = obj.if_contains("seed");
    if (!seed || (seed->is_int64() && seed->as_int64() == 0)) obj["seed"] = run_seed_ + id;
  }
  return filled;
}

boost::json::object without_addresses(const boost::json::value& params) {
  boost::json::object out = params.is_object() ? params.as_object() : boost::json::object();
  for (const char* key : {"listen", "upstream", "proxy"}) out.erase(key);
  return out;
}

Result<FaultSet::Started> FaultSet::start(const std::string& kind_name,
                                          const boost::json::value& params,
                                          std::optional<std::chrono::microseconds> duration,
                                          const std::string& name) {
  const plugin_host::FaultKind* kind = registry_.find_kind(kind_name);
  if (!kind) return registry_.validate_params(kind_name, params).status();  // names the kinds
  if (!params.is_object()) return registry_.validate_params(kind_name, params).status();
  const FaultId id = next_id_;
  auto final_params = prepare(*kind, params, id);
  if (!final_params) return final_params.status();
  const std::string fault_name = name.empty() ? kind_name + "-" + std::to_string(id) : name;
  // A standing proxy of another process: the fault is made there, not here.
  std::optional<Remote> remote;
  if (const auto* p = params.as_object().if_contains("proxy"); p && p->is_string()) {
    const ProxyBinding* binding = proxies_.find(std::string(p->as_string()));
    if (binding && !binding->remote_url.empty()) {
      if (!remote_) return Status::failed(kind_name + ": proxy '" + binding->name + "' is held by " +
                                          binding->remote_url + ", which this run cannot reach");
      remote = Remote{binding->remote_url, binding->name,
                      "run-" + std::to_string(run_id_) + "-fault-" + std::to_string(id) + "-" +
                          std::to_string(lease_salt_)};
    }
  }
  std::unique_ptr<plugin_host::FaultInstance> local;
  if (!remote) {
    auto instance = plugin_host::FaultInstance::create(*kind, fault_name, final_params.value(),
                                                       sink_, allowlist_);
    if (!instance) return instance.status();
    local = std::move(instance.value());
  }
  ++next_id_;

  // What is journaled never holds a writeOnly parameter (a password): the plugin has it, the
  // store's recovery record has it for reconcile, the journal and the screen do not.
  const boost::json::value shown = kind->redacted(final_params.value());
  boost::json::object detail{{"id", id}, {"kind", kind_name}, {"name", fault_name},
                             {"params", shown}};
  if (duration) detail["duration_ms"] = duration->count() / 1000;
  if (remote) {
    detail["remote"] = boost::json::object{
        {"url", remote->url}, {"proxy", remote->proxy}, {"lease", remote->lease}};
  }
  Active fault{std::move(local), remote, kind,
               FaultInfo{id, kind_name, fault_name, boost::json::serialize(detail)},
               params.as_object(), 0};
  const std::string message = "start " + describe(kind_name, fault_name, shown) +
                              (duration ? " for " + format_duration(*duration) : "");
  // Journal first: if we die between the write and the start, the store says what may be
  // injected. No entry, no start.
  Status written =
      kind->has_recover()
          ? journal_.write(EventKind::kFaultStart, message, fault.info.detail_json,
                           store::RecoveryRecord{0, id, kind_name, fault_name,
                                                 boost::json::serialize(final_params.value())})
          : journal_.write(EventKind::kFaultStart, message, fault.info.detail_json);
  if (!written) return written.with_context(kind_name + " '" + fault_name + "' was not started");
  Status started = remote ? remote_->start(remote->url, remote->proxy, kind_name,
                                           without_addresses(final_params.value()), remote->lease)
                         : fault.instance->start();
  if (Status st = started; !st) {
    journal_.record(EventKind::kFaultStartFailed, st.message(), fault.info.detail_json);
    if (kind->has_recover()) journal_.forget_recovery(id);
    return st;  // a failed journal write here has already ended the run; the start's error is why
  }
  if (duration) {
    fault.stop_timer = loop_.at(loop_.clock().now() + *duration, [this, id] {
      if (Status st = stop(id, "its duration is over"); !st) listener_.fault_failed(st);
    });
  }
  const FaultInfo info = fault.info;
  active_.emplace(id, std::move(fault));
  if (poll_timer_ == 0) {
    poll_timer_ = loop_.at(loop_.clock().now() + status_every_, [this] { poll_statuses(); });
  }
  listener_.fault_started(info);
  return Started{id, fault_name};
}

Status FaultSet::stop(FaultId id, const std::string& why) {
  auto it = active_.find(id);
  if (it == active_.end()) {
    // Stopping twice is fine (a duration may have run out first); a made-up id is not.
    if (id >= 1 && id < next_id_) return Status::ok();
    return Status::not_found("no fault with id " + std::to_string(id));
  }
  Active fault = std::move(it->second);
  active_.erase(it);
  loop_.cancel(fault.stop_timer);
  // Written first, but never a reason to keep a fault on: a failed write is reported (and ends
  // the run errored) while the stop goes ahead.
  journal_.record(EventKind::kFaultStop, "stop " + fault.info.name + ": " + why,
                  fault.info.detail_json);
  Status st = fault.remote ? remote_->stop(fault.remote->url, fault.remote->lease)
                           : fault.instance->stop();
  if (!st) {
    journal_.record(EventKind::kFaultStopFailed, st.message(), fault.info.detail_json);
  } else if (fault.kind->has_recover()) {
    journal_.forget_recovery(id);  // kept when the stop failed: reconcile may still help
  }
  // After the stop (the plugin's figures are complete) and before the destroy (they are gone).
  if (fault.instance) listener_.fault_statuses({status_of(fault, true)});
  if (active_.empty()) {
    loop_.cancel(poll_timer_);
    poll_timer_ = 0;
  }
  listener_.fault_ended(fault.info, st.is_ok());
  return st;  // the instance is destroyed here, which releases everything it held
}

Status FaultSet::rollback(const std::string& why) {
  Status first;
  while (!active_.empty()) {
    if (Status st = stop(active_.rbegin()->first, "rollback, " + why); !st && first) first = st;
  }
  return first;
}

Status FaultSet::update(FaultId id, const boost::json::value& changes) {
  auto it = active_.find(id);
  if (it == active_.end()) {
    return id >= 1 && id < next_id_ ? Status::not_found("that fault is no longer running")
                                    : Status::not_found("no fault with id " + std::to_string(id));
  }
  if (!changes.is_object()) return Status::invalid_argument("update: expected a table of parameters");
  Active& fault = it->second;
  const plugin_host::FaultKind& kind = *fault.kind;
  boost::json::object given = fault.given;
  for (const auto& [key, value] : changes.as_object()) given[key] = value;
  auto filled = prepare(kind, given, id);
  if (!filled) return filled.status();
  const boost::json::value shown = kind.redacted(filled.value());
  const std::string detail =
      boost::json::serialize(boost::json::object{{"id", id}, {"params", shown}});
  const std::string message = "update " + describe(kind.name, fault.info.name, shown);
  Status written =
      kind.has_recover()
          ? journal_.write(EventKind::kFaultUpdate, message, detail,
                           store::RecoveryRecord{0, id, kind.name, fault.info.name,
                                                 boost::json::serialize(filled.value())})
          : journal_.write(EventKind::kFaultUpdate, message, detail);
  if (!written) return written.with_context(kind.name + " '" + fault.info.name + "' was not updated");
  Status updated = fault.remote ? remote_->update(fault.remote->url, fault.remote->lease,
                                                  without_addresses(filled.value()))
                                : fault.instance->update(filled.value());
  if (!updated) return updated;
  fault.given = std::move(given);
  return Status::ok();
}

}  // namespace chaos::engine
