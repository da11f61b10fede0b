#include "proxies/standing_proxies.h"

#include <boost/json.hpp>
#include <cstdio>

namespace chaos::proxies {

namespace json = boost::json;
using journal::EventKind;

namespace {

// Removing an effect never waits on the journal: a stop whose record is missing is stopped
// again (harmlessly) by the next start's reconcile. But the operator is told.
void warn_if_failed(const Status& st, const std::string& what) {
  if (!st) std::fprintf(stderr, "chaosctl: warning: %s: %s\n", what.c_str(), st.message().c_str());
}

// The kind that disables a proxy (Toxiproxy's enabled: false), as toxics name theirs
// (toxic.h); the proxies themselves are of whichever kind provides proxies.
constexpr const char* kDisabledKind = "outage";

const plugin_host::FaultKind* proxy_provider(const plugin_host::PluginRegistry& registry) {
  for (const auto& plugin : registry.plugins()) {
    for (const auto& kind : plugin->kinds()) {
      if (kind.provides_proxy()) return &kind;
    }
  }
  return nullptr;
}

std::string text_of(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The bound listen address and the resolved upstream from the proxy instance's status.
void read_addresses(plugin_host::FaultInstance& proxy, std::string& listen,
                    std::string& upstream_address) {
  auto status = proxy.status_json();
  if (!status) return;
  boost::system::error_code ec;
  json::value v = json::parse(status.value(), ec);
  if (ec || !v.is_object()) return;
  if (auto l = text_of(v.as_object(), "listen"); !l.empty()) listen = l;
  upstream_address = text_of(v.as_object(), "upstream_address");
}

template <typename T>
Answer<T> refuse(Refusal why, std::string message) {
  return Answer<T>::refused(why, std::move(message));
}

}  // namespace

Status check_proxy_name(const std::string& name) {
  if (name.empty()) return Status::invalid_argument("missing required field: name");
  if (name.size() > 100) return Status::invalid_argument("name: at most 100 characters");
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok)
      return Status::invalid_argument("name: '" + name +
                                      "' may hold only letters, digits, '_', '-' and '.'");
  }
  return Status::ok();
}

StandingProxies::StandingProxies(const plugin_host::PluginRegistry& registry, ProxyJournal& journal,
                                 Clock& clock)
    : registry_(registry), journal_(journal), clock_(clock) {}

StandingProxies::~StandingProxies() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, leased] : leased_) stop_fault_locked(leased.fault, "the proxy process stopped");
  leased_.clear();
  for (auto& [name, entry] : proxies_) stop_proxy_locked(entry, "the proxy process stopped");
  proxies_.clear();
}

StandingProxies::Entry* StandingProxies::find_locked(const std::string& name) {
  auto it = proxies_.find(name);
  return it == proxies_.end() ? nullptr : &it->second;
}

const StandingProxies::Entry* StandingProxies::find_locked(const std::string& name) const {
  auto it = proxies_.find(name);
  return it == proxies_.end() ? nullptr : &it->second;
}

ProxyView StandingProxies::view_locked(const Entry& entry) const {
  ProxyView v;
  v.name = entry.spec.name;
  v.listen = entry.spec.listen;
  v.upstream = entry.spec.upstream;
  v.enabled = entry.spec.enabled;
  if (entry.proxy.instance) read_addresses(*entry.proxy.instance, v.listen, v.upstream_address);
  for (const ToxicEntry& t : entry.toxics) v.toxics.push_back(t.toxic);
  return v;
}

Result<StandingProxies::Fault> StandingProxies::start_fault_locked(const Entry& entry,
                                                                   const std::string& kind,
                                                                   const std::string& name,
                                                                   json::object params,
                                                                   json::object extra_detail) {
  params["listen"] = entry.spec.listen;
  params["upstream"] = entry.spec.upstream;
  auto validated = registry_.validate_params(kind, params);
  if (!validated) return validated.status();
  const plugin_host::FaultKind* k = registry_.find_kind(kind);
  auto instance = plugin_host::FaultInstance::create(*k, name, validated.value(), journal_);
  if (!instance) return instance.status();
  json::object detail{{"id", next_fault_id_++},
                      {"kind", kind},
                      {"name", name},
                      {"proxy", entry.spec.name},
                      {"params", k->redacted(validated.value())}};
  for (auto& [key, value] : extra_detail) detail[key] = value;
  Fault fault{std::move(instance.value()), json::serialize(detail)};
  // Journal first: the store says what may be injected before it is.
  if (Status st = journal_.write(EventKind::kFaultStart, "start " + name + " (" + kind + ")",
                                 fault.detail_json);
      !st) {
    return st;
  }
  if (Status st = fault.instance->start(); !st) {
    warn_if_failed(journal_.write(EventKind::kFaultStartFailed, st.message(), fault.detail_json),
                   "the failed start of " + name + " was not journaled");
    return st;
  }
  return fault;
}

void StandingProxies::stop_fault_locked(Fault& fault, const std::string& why) {
  if (!fault.instance) return;
  const std::string name = fault.instance->name();
  warn_if_failed(
      journal_.write(EventKind::kFaultStop, "stop " + name + ": " + why, fault.detail_json),
      "the stop of " + name + " was not journaled");
  if (Status st = fault.instance->stop(); !st) {
    std::fprintf(stderr, "chaosctl: error: stopping %s failed, its effect may remain: %s\n",
                 name.c_str(), st.message().c_str());
    warn_if_failed(journal_.write(EventKind::kFaultStopFailed, st.message(), fault.detail_json),
                   "the failed stop of " + name + " was not journaled");
  }
  fault.instance.reset();  // destroy: the plugin lets go of the proxy's port if last
}

Result<StandingProxies::Entry> StandingProxies::start_proxy_locked(const ProxySpec& spec) {
  const plugin_host::FaultKind* kind = proxy_provider(registry_);
  if (!kind)
    return Status::not_found(
        "no loaded plugin provides proxies (is the network plugin installed?)");
  json::object params{{"listen", spec.listen}, {"upstream", spec.upstream}};
  auto validated = registry_.validate_params(kind->name, params);
  if (!validated) return validated.status();
  auto instance = plugin_host::FaultInstance::create(*kind, spec.name, validated.value(), journal_);
  if (!instance) return instance.status();
  Entry entry;
  entry.spec = spec;
  json::object detail{{"name", spec.name}, {"params", validated.value()}};
  if (Status st = journal_.write(
          EventKind::kProxyStart,
          "standing proxy '" + spec.name + "' " + spec.listen + " -> " + spec.upstream,
          json::serialize(detail));
      !st) {
    return st;
  }
  if (Status st = instance.value()->start(); !st) return st;
  entry.proxy.instance = std::move(instance.value());
  std::string upstream_address;
  read_addresses(*entry.proxy.instance, entry.spec.listen, upstream_address);
  detail["listen"] = entry.spec.listen;
  detail["upstream_address"] = upstream_address;
  entry.proxy.detail_json = json::serialize(detail);
  return entry;
}

void StandingProxies::stop_proxy_locked(Entry& entry, const std::string& why) {
  for (ToxicEntry& t : entry.toxics) stop_fault_locked(t.fault, why);
  stop_fault_locked(entry.disabled, why);
  for (auto it = leased_.begin(); it != leased_.end();) {
    if (it->second.view.proxy != entry.spec.name) {
      ++it;
      continue;
    }
    stop_fault_locked(it->second.fault, why);
    it = leased_.erase(it);
  }
  if (!entry.proxy.instance) return;
  warn_if_failed(journal_.write(EventKind::kProxyStop,
                                "standing proxy '" + entry.spec.name + "' stopped: " + why,
                                entry.proxy.detail_json),
                 "the stop of proxy '" + entry.spec.name + "' was not journaled");
  warn_if_failed(entry.proxy.instance->stop(), "stopping proxy '" + entry.spec.name + "'");
  entry.proxy.instance.reset();
}

Status StandingProxies::set_enabled_locked(Entry& entry, bool enabled) {
  if (enabled == entry.spec.enabled) return Status::ok();
  if (enabled) {
    stop_fault_locked(entry.disabled, "proxy enabled");
  } else {
    // Toxiproxy's disabled proxy: nothing listens (connect is refused) and open connections
    // are cut.
    auto fault = start_fault_locked(entry, kDisabledKind, entry.spec.name + "/disabled",
                                    json::object{{"mode", "refuse"}, {"existing", true}},
                                    json::object{{"disabled", true}});
    if (!fault) return fault.status();
    entry.disabled = std::move(fault.value());
  }
  entry.spec.enabled = enabled;
  return Status::ok();
}

Answer<ProxyView> StandingProxies::add_locked(const ProxySpec& spec) {
  if (Status st = check_proxy_name(spec.name); !st)
    return refuse<ProxyView>(Refusal::kBadRequest, st.message());
  if (spec.upstream.empty())
    return refuse<ProxyView>(Refusal::kBadRequest, "missing required field: upstream");
  if (find_locked(spec.name)) return refuse<ProxyView>(Refusal::kConflict, "proxy already exists");
  ProxySpec s = spec;
  if (s.listen.empty()) s.listen = "127.0.0.1:0";
  auto entry = start_proxy_locked(s);
  if (!entry) {
    const bool bad = entry.status().code() == Status::Code::kInvalidArgument;
    return refuse<ProxyView>(bad ? Refusal::kBadRequest : Refusal::kFailed,
                             "proxy '" + s.name + "': " + entry.status().message());
  }
  Entry& stored = proxies_[s.name] = std::move(entry.value());
  const bool enabled = s.enabled;
  stored.spec.enabled = true;
  if (Status st = set_enabled_locked(stored, enabled); !st) {
    stop_proxy_locked(stored, "could not be disabled");
    proxies_.erase(s.name);
    return refuse<ProxyView>(Refusal::kFailed, st.message());
  }
  return Answer<ProxyView>::ok(view_locked(stored));
}

Answer<ProxyView> StandingProxies::add(const ProxySpec& spec) {
  std::lock_guard<std::mutex> lock(mutex_);
  return add_locked(spec);
}

Answer<std::vector<ProxyView>> StandingProxies::populate(const std::vector<ProxySpec>& specs,
                                                         std::vector<ProxyView>& done) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const ProxySpec& spec : specs) {
    if (Entry* existing = find_locked(spec.name)) {
      const bool same_listen = spec.listen.empty() || spec.listen == existing->spec.listen;
      if (same_listen && spec.upstream == existing->spec.upstream) {
        if (Status st = set_enabled_locked(*existing, spec.enabled); !st)
          return refuse<std::vector<ProxyView>>(Refusal::kFailed, st.message());
        done.push_back(view_locked(*existing));
        continue;
      }
      stop_proxy_locked(*existing, "replaced by populate");
      proxies_.erase(spec.name);
    }
    auto added = add_locked(spec);
    if (!added) return refuse<std::vector<ProxyView>>(added.refusal, added.message);
    done.push_back(*added.value);
  }
  return Answer<std::vector<ProxyView>>::ok(done);
}

Answer<ProxyView> StandingProxies::get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Entry* entry = find_locked(name);
  if (!entry) return refuse<ProxyView>(Refusal::kNotFound, "proxy not found");
  return Answer<ProxyView>::ok(view_locked(*entry));
}

std::vector<ProxyView> StandingProxies::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ProxyView> out;
  for (const auto& [name, entry] : proxies_) out.push_back(view_locked(entry));
  return out;
}

Answer<ProxyView> StandingProxies::update(const std::string& name, const json::value& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = find_locked(name);
  if (!entry) return refuse<ProxyView>(Refusal::kNotFound, "proxy not found");
  if (!body.is_object())
    return refuse<ProxyView>(Refusal::kBadRequest, "bad request body: expected a JSON object");
  const json::object& o = body.as_object();
  ProxySpec next = entry->spec;
  for (const char* field : {"listen", "upstream"}) {
    if (const json::value* v = o.if_contains(field)) {
      if (!v->is_string())
        return refuse<ProxyView>(Refusal::kBadRequest,
                                 std::string("bad request body: ") + field + ": expected a string");
      (field[0] == 'l' ? next.listen : next.upstream) = std::string(v->as_string());
    }
  }
  bool enabled = entry->spec.enabled;
  if (const json::value* v = o.if_contains("enabled")) {
    if (!v->is_bool())
      return refuse<ProxyView>(Refusal::kBadRequest,
                               "bad request body: enabled: expected true or false");
    enabled = v->as_bool();
  }
  if (next.listen != entry->spec.listen || next.upstream != entry->spec.upstream) {
    // New addresses: a new proxy, with the same toxics.
    std::vector<Toxic> toxics;
    for (const ToxicEntry& t : entry->toxics) toxics.push_back(t.toxic);
    stop_proxy_locked(*entry, "addresses changed");
    proxies_.erase(name);
    next.enabled = enabled;
    auto added = add_locked(next);
    if (!added) return added;
    Entry* fresh = find_locked(name);
    for (const Toxic& t : toxics) {
      ToxicEntry te{t, {}};
      if (auto started = start_toxic_locked(*fresh, te); !started)
        return refuse<ProxyView>(started.refusal, started.message);
      fresh->toxics.push_back(std::move(te));
    }
    return Answer<ProxyView>::ok(view_locked(*fresh));
  }
  if (Status st = set_enabled_locked(*entry, enabled); !st)
    return refuse<ProxyView>(Refusal::kFailed, st.message());
  return Answer<ProxyView>::ok(view_locked(*entry));
}

Answer<bool> StandingProxies::remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = find_locked(name);
  if (!entry) return refuse<bool>(Refusal::kNotFound, "proxy not found");
  stop_proxy_locked(*entry, "deleted");
  proxies_.erase(name);
  return Answer<bool>::ok(true);
}

Answer<bool> StandingProxies::start_toxic_locked(Entry& entry, ToxicEntry& te) {
  const ToxicFault f = toxic_fault(te.toxic);
  if (f.kind.empty()) return Answer<bool>::ok(true);  // does nothing: no fault to run
  auto fault = start_fault_locked(entry, f.kind, entry.spec.name + "/" + te.toxic.name, f.params,
                                  json::object{{"toxic", te.toxic.to_json()}});
  if (!fault) {
    const bool bad = fault.status().code() == Status::Code::kInvalidArgument;
    return refuse<bool>(bad ? Refusal::kBadRequest : Refusal::kFailed, fault.status().message());
  }
  te.fault = std::move(fault.value());
  return Answer<bool>::ok(true);
}

Answer<Toxic> StandingProxies::add_toxic(const std::string& proxy, const json::value& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = find_locked(proxy);
  if (!entry) return refuse<Toxic>(Refusal::kNotFound, "proxy not found");
  auto toxic = parse_toxic(body);
  if (!toxic) return refuse<Toxic>(Refusal::kBadRequest, toxic.status().message());
  for (const ToxicEntry& t : entry->toxics) {
    if (t.toxic.name == toxic.value().name)
      return refuse<Toxic>(Refusal::kConflict, "toxic already exists");
  }
  ToxicEntry te{toxic.value(), {}};
  if (auto started = start_toxic_locked(*entry, te); !started)
    return refuse<Toxic>(started.refusal, started.message);
  entry->toxics.push_back(std::move(te));
  return Answer<Toxic>::ok(toxic.value());
}

Answer<Toxic> StandingProxies::update_toxic(const std::string& proxy, const std::string& name,
                                            const json::value& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = find_locked(proxy);
  if (!entry) return refuse<Toxic>(Refusal::kNotFound, "proxy not found");
  for (ToxicEntry& t : entry->toxics) {
    if (t.toxic.name != name) continue;
    auto updated = proxies::update_toxic(t.toxic, body);
    if (!updated) return refuse<Toxic>(Refusal::kBadRequest, updated.status().message());
    const ToxicFault before = toxic_fault(t.toxic);
    const ToxicFault after = toxic_fault(updated.value());
    const bool same_fault = before.kind == after.kind &&
                            text_of(before.params, "mode") == text_of(after.params, "mode");
    if (t.fault.instance && same_fault) {
      json::object params = after.params;
      params["listen"] = entry->spec.listen;
      params["upstream"] = entry->spec.upstream;
      auto validated = registry_.validate_params(after.kind, params);
      if (!validated) return refuse<Toxic>(Refusal::kBadRequest, validated.status().message());
      json::object detail = json::parse(t.fault.detail_json).as_object();
      detail["params"] = validated.value();
      detail["toxic"] = updated.value().to_json();
      // Journal first, as for a start: an update the store cannot record is not made.
      if (Status st = journal_.write(EventKind::kFaultUpdate, "update " + t.fault.instance->name(),
                                     json::serialize(detail));
          !st)
        return refuse<Toxic>(Refusal::kFailed, st.message());
      if (Status st = t.fault.instance->update(validated.value()); !st)
        return refuse<Toxic>(Refusal::kBadRequest, st.message());
      t.fault.detail_json = json::serialize(detail);
    } else {
      // Another mode (a timeout of 0 is a blackhole): a new fault in its place.
      stop_fault_locked(t.fault, "toxic changed");
      ToxicEntry next{updated.value(), {}};
      if (auto started = start_toxic_locked(*entry, next); !started)
        return refuse<Toxic>(started.refusal, started.message);
      t.fault = std::move(next.fault);
    }
    t.toxic = updated.value();
    return Answer<Toxic>::ok(t.toxic);
  }
  return refuse<Toxic>(Refusal::kNotFound, "toxic not found");
}

Answer<Toxic> StandingProxies::get_toxic(const std::string& proxy, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Entry* entry = find_locked(proxy);
  if (!entry) return refuse<Toxic>(Refusal::kNotFound, "proxy not found");
  for (const ToxicEntry& t : entry->toxics) {
    if (t.toxic.name == name) return Answer<Toxic>::ok(t.toxic);
  }
  return refuse<Toxic>(Refusal::kNotFound, "toxic not found");
}

Answer<bool> StandingProxies::remove_toxic(const std::string& proxy, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = find_locked(proxy);
  if (!entry) return refuse<bool>(Refusal::kNotFound, "proxy not found");
  for (auto it = entry->toxics.begin(); it != entry->toxics.end(); ++it) {
    if (it->toxic.name != name) continue;
    stop_fault_locked(it->fault, "toxic deleted");
    entry->toxics.erase(it);
    return Answer<bool>::ok(true);
  }
  return refuse<bool>(Refusal::kNotFound, "toxic not found");
}

void StandingProxies::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, leased] : leased_) stop_fault_locked(leased.fault, "reset");
  leased_.clear();
  for (auto& [name, entry] : proxies_) {
    for (ToxicEntry& t : entry.toxics) stop_fault_locked(t.fault, "reset");
    entry.toxics.clear();
    warn_if_failed(set_enabled_locked(entry, true), "re-enabling proxy '" + name + "'");
  }
}

Answer<LeasedFaultView> StandingProxies::add_leased(
    const std::string& proxy, const std::string& kind, const json::value& params,
    std::chrono::milliseconds ttl, const std::string& owner, const std::string& chosen_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Entry* entry = find_locked(proxy);
  if (!entry) return refuse<LeasedFaultView>(Refusal::kNotFound, "proxy not found");
  if (ttl.count() <= 0 || ttl > kMaxLease)
    return refuse<LeasedFaultView>(Refusal::kBadRequest, "ttl_ms: must be from 1 to 600000");
  if (!params.is_object())
    return refuse<LeasedFaultView>(Refusal::kBadRequest, "params: expected an object");
  const plugin_host::FaultKind* k = registry_.find_kind(kind);
  if (!k || !k->acts_on_proxy())
    return refuse<LeasedFaultView>(Refusal::kBadRequest,
                                   "kind: '" + kind + "' is not a kind that acts on a proxy");
  json::object given = params.as_object();
  for (const char* field : {"listen", "upstream", "proxy"}) given.erase(field);
  if (!chosen_id.empty()) {
    if (Status st = check_proxy_name(chosen_id); !st)
      return refuse<LeasedFaultView>(Refusal::kBadRequest,
                                     "id: " + st.message().substr(st.message().find(':') + 2));
    if (leased_.count(chosen_id))
      return refuse<LeasedFaultView>(Refusal::kConflict,
                                     "a fault with id '" + chosen_id + "' exists");
  }
  const std::string id = chosen_id.empty() ? "lease-" + std::to_string(next_lease_++) : chosen_id;
  Leased leased;
  leased.view = LeasedFaultView{id, proxy, kind, given, owner, clock_.unix_ms() + ttl.count()};
  leased.expires = clock_.now() + ttl;
  auto fault = start_fault_locked(*entry, kind, proxy + "/" + id, given,
                                  json::object{{"lease", id}, {"owner", owner}});
  if (!fault) {
    const bool bad = fault.status().code() == Status::Code::kInvalidArgument;
    return refuse<LeasedFaultView>(bad ? Refusal::kBadRequest : Refusal::kFailed,
                                   fault.status().message());
  }
  leased.fault = std::move(fault.value());
  LeasedFaultView view = leased.view;
  leased_.emplace(id, std::move(leased));
  return Answer<LeasedFaultView>::ok(view);
}

Answer<LeasedFaultView> StandingProxies::renew(const std::string& id,
                                               std::chrono::milliseconds ttl) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = leased_.find(id);
  if (it == leased_.end())
    return refuse<LeasedFaultView>(Refusal::kNotFound,
                                   "fault not found (its lease may have run out)");
  if (ttl.count() <= 0 || ttl > kMaxLease)
    return refuse<LeasedFaultView>(Refusal::kBadRequest, "ttl_ms: must be from 1 to 600000");
  it->second.expires = clock_.now() + ttl;
  it->second.view.expires_unix_ms = clock_.unix_ms() + ttl.count();
  return Answer<LeasedFaultView>::ok(it->second.view);
}

Answer<LeasedFaultView> StandingProxies::update_leased(const std::string& id,
                                                       const json::value& params) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = leased_.find(id);
  if (it == leased_.end()) return refuse<LeasedFaultView>(Refusal::kNotFound, "fault not found");
  if (!params.is_object())
    return refuse<LeasedFaultView>(Refusal::kBadRequest, "params: expected an object");
  const Entry* entry = find_locked(it->second.view.proxy);
  json::object given = params.as_object();
  for (const char* field : {"listen", "upstream", "proxy"}) given.erase(field);
  json::object full = given;
  full["listen"] = entry->spec.listen;
  full["upstream"] = entry->spec.upstream;
  auto validated = registry_.validate_params(it->second.view.kind, full);
  if (!validated)
    return refuse<LeasedFaultView>(Refusal::kBadRequest, validated.status().message());
  Fault& fault = it->second.fault;
  json::object detail = json::parse(fault.detail_json).as_object();
  detail["params"] = validated.value();
  if (Status st = journal_.write(
          EventKind::kFaultUpdate, "update " + fault.instance->name(),
          json::serialize(json::object{{"id", detail.at("id")}, {"params", validated.value()}}));
      !st) {
    return refuse<LeasedFaultView>(Refusal::kFailed, st.message());
  }
  if (Status st = fault.instance->update(validated.value()); !st)
    return refuse<LeasedFaultView>(Refusal::kBadRequest, st.message());
  fault.detail_json = json::serialize(detail);
  it->second.view.params = given;
  return Answer<LeasedFaultView>::ok(it->second.view);
}

Answer<bool> StandingProxies::remove_leased(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = leased_.find(id);
  if (it == leased_.end()) return refuse<bool>(Refusal::kNotFound, "fault not found");
  stop_fault_locked(it->second.fault, "deleted by its owner");
  leased_.erase(it);
  return Answer<bool>::ok(true);
}

std::vector<LeasedFaultView> StandingProxies::leased() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LeasedFaultView> out;
  for (const auto& [id, l] : leased_) out.push_back(l.view);
  return out;
}

size_t StandingProxies::expire() {
  std::lock_guard<std::mutex> lock(mutex_);
  const SteadyTime now = clock_.now();
  size_t n = 0;
  for (auto it = leased_.begin(); it != leased_.end();) {
    if (it->second.expires > now) {
      ++it;
      continue;
    }
    stop_fault_locked(it->second.fault, "its lease ran out (owner '" + it->second.view.owner +
                                            "' stopped renewing it)");
    it = leased_.erase(it);
    ++n;
  }
  return n;
}

std::optional<json::object> StandingProxies::proxy_params(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Entry* entry = find_locked(name);
  if (!entry) return std::nullopt;
  return json::object{{"listen", entry->spec.listen}, {"upstream", entry->spec.upstream}};
}

}  // namespace chaos::proxies
