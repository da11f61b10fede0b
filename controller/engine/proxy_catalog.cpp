#include "engine/proxy_catalog.h"

#include <boost/json.hpp>

namespace chaos::engine {

namespace {

// "{ listen = ..., upstream = ... }": a proxy's declaration as its kind's schema requires it.
std::string hint_for(const plugin_host::FaultKind* kind) {
  std::string fields;
  const auto& schema = kind ? kind->params_schema.json() : boost::json::value();
  const auto* required = schema.is_object() ? schema.as_object().if_contains("required") : nullptr;
  if (required && required->is_array()) {
    for (const auto& f : required->as_array()) {
      if (f.is_string()) fields += (fields.empty() ? "" : ", ") + std::string(f.as_string()) + " = ...";
    }
  }
  return fields.empty() ? "{ ... }" : "{ " + fields + " }";
}

std::vector<const plugin_host::FaultKind*> providers(const plugin_host::PluginRegistry& registry) {
  std::vector<const plugin_host::FaultKind*> out;
  for (const auto& plugin : registry.plugins()) {
    for (const auto& kind : plugin->kinds()) {
      if (kind.provides_proxy()) out.push_back(&kind);
    }
  }
  return out;
}

// The kind a declaration uses: the one named by `kind = "..."`, or the only provider loaded.
Result<const plugin_host::FaultKind*> provider_for(const ProxySpec& spec,
                                                   const plugin_host::PluginRegistry& registry) {
  auto all = providers(registry);
  std::string names;
  for (const auto* k : all) names += (names.empty() ? "" : ", ") + k->name;
  if (!spec.kind.empty()) {
    const auto* k = registry.find_kind(spec.kind);
    if (!k) return registry.validate_params(spec.kind, boost::json::object()).status();
    if (!k->provides_proxy()) {
      return Status::invalid_argument("kind: '" + spec.kind + "' does not provide proxies" +
                                      (names.empty() ? "" : " (these do: " + names + ")"));
    }
    return k;
  }
  if (all.empty()) {
    return Status::not_found("no loaded plugin provides proxies (is the plugin directory "
                             "right? `chaosctl plugins` lists what is loaded)");
  }
  if (all.size() > 1) {
    return Status::invalid_argument("several kinds provide proxies (" + names +
                                    "): say which with kind = \"...\"");
  }
  return all.front();
}

}  // namespace

Result<DeclaredProxies> DeclaredProxies::resolve(const std::vector<ProxySpec>& specs,
                                                 const plugin_host::PluginRegistry& registry) {
  DeclaredProxies out;
  if (auto all = providers(registry); all.size() == 1) out.hint_ = hint_for(all.front());
  for (const auto& spec : specs) {
    const std::string where = spec.where + ": proxies." + spec.name + ": ";
    auto kind = provider_for(spec, registry);
    if (!kind) return Status::invalid_argument(where + kind.status().message());
    auto filled = registry.validate_params(kind.value()->name, spec.params);
    if (!filled) return Status::invalid_argument(where + filled.status().message());
    out.proxies_.push_back(ProxyBinding{spec.name, kind.value(), filled->as_object(), /*remote_url=*/{}});
  }
  return out;
}

const ProxyBinding* DeclaredProxies::find(const std::string& name) const {
  for (const auto& p : proxies_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const ProxyBinding* ProxyCatalogs::find(const std::string& name) const {
  for (const ProxyCatalog* catalog : catalogs_) {
    if (!catalog) continue;
    if (const ProxyBinding* p = catalog->find(name)) return p;
  }
  return nullptr;
}

Result<boost::json::value> attach_to_proxy(const plugin_host::FaultKind& kind,
                                           boost::json::value params, const ProxyCatalog& proxies) {
  if (!kind.acts_on_proxy() || !params.is_object()) return params;
  auto& given = params.as_object();
  const auto* name = given.if_contains("proxy");
  if (!name) return params;
  if (!name->is_string()) {
    return Status::invalid_argument("proxy: expected the name of a proxy the experiment declares");
  }
  const std::string proxy_name(name->as_string());
  const ProxyBinding* proxy = proxies.find(proxy_name);
  if (!proxy) {
    return Status::not_found("unknown proxy '" + proxy_name +
                             "' (declare it in experiment { proxies = { name = " +
                             proxies.declaration_hint() +
                             " } }, or keep it standing with `chaosctl proxy` and point "
                             "--proxy-api at it)");
  }
  boost::json::object out;
  for (const auto& [key, value] : given) {
    if (key != "proxy") out[key] = value;
  }
  const auto& schema = kind.params_schema.json();
  const auto* props = schema.is_object() ? schema.as_object().if_contains("properties") : nullptr;
  for (const auto& [key, value] : proxy->params) {
    const bool declared = props && props->is_object() && props->as_object().contains(key);
    if (declared && !out.contains(key)) out[key] = value;
  }
  return boost::json::value(std::move(out));
}

}  // namespace chaos::engine
