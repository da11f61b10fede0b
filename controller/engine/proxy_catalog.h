#pragma once
// Proxies that faults act on by name. A fault kind that acts on a proxy (the ABI capability
// CHAOS_KIND_ACTS_ON_PROXY) may say `proxy = "db"`; the host looks the name up here and fills
// the fault's parameters from the proxy's. The engine knows no kind by name: which kinds
// provide proxies and which act on them is what the plugins declare.
//
// Today the catalog holds the proxies an experiment declares (DeclaredProxies). It is an
// interface so a controller can also offer standing proxies that outlive runs.
//
// Thread-safety: immutable once built.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/experiment.h"
#include "plugin_host/plugin_registry.h"

namespace chaos::engine {

// A named proxy: the kind that provides it and its parameters (validated, defaults filled).
struct ProxyBinding {
  std::string name;
  const plugin_host::FaultKind* kind = nullptr;
  boost::json::object params;
  // A standing proxy held by another chaosctl process: its control API ("http://127.0.0.1:8474").
  // Faults on it are created there, on a lease (engine/remote_faults.h). Empty: this process.
  std::string remote_url;
};

class ProxyCatalog {
 public:
  virtual ~ProxyCatalog() = default;
  // nullptr when no proxy has that name.
  virtual const ProxyBinding* find(const std::string& name) const = 0;
  // How a proxy is declared, for errors: "{ listen = ..., upstream = ... }".
  virtual std::string declaration_hint() const = 0;
};

// The proxies an experiment declares under `proxies = { ... }`, each resolved to the kind that
// provides proxies and validated against its schema. Nothing is started.
class DeclaredProxies final : public ProxyCatalog {
 public:
  DeclaredProxies() = default;
  // Errors read "FILE:LINE: proxies.db: ..." (the line of the experiment's definition).
  static Result<DeclaredProxies> resolve(const std::vector<ProxySpec>& specs,
                                         const plugin_host::PluginRegistry& registry);

  const ProxyBinding* find(const std::string& name) const override;
  std::string declaration_hint() const override { return hint_; }
  const std::vector<ProxyBinding>& all() const { return proxies_; }

 private:
  std::vector<ProxyBinding> proxies_;
  std::string hint_ = "{ ... }";
};

// The experiment's own proxies first, then standing ones (in this process, or another's); the
// name a fault gives is looked up in that order.
class ProxyCatalogs final : public ProxyCatalog {
 public:
  // In lookup order, the experiment's first; not owned; null entries are skipped.
  explicit ProxyCatalogs(std::vector<const ProxyCatalog*> catalogs)
      : catalogs_(std::move(catalogs)) {}
  const ProxyBinding* find(const std::string& name) const override;
  std::string declaration_hint() const override {
    return catalogs_.empty() || !catalogs_.front() ? "{ ... }" : catalogs_.front()->declaration_hint();
  }

 private:
  std::vector<const ProxyCatalog*> catalogs_;
};

// The parameters of a fault of `kind` with `proxy = "name"` replaced by the named proxy's
// parameters (those the kind's schema declares and the fault does not give itself). Kinds that
// do not act on a proxy get `params` back unchanged. Errors name the problem, not the kind
// (the caller adds it).
Result<boost::json::value> attach_to_proxy(const plugin_host::FaultKind& kind,
                                           boost::json::value params, const ProxyCatalog& proxies);

}  // namespace chaos::engine
