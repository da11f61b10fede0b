// chaosctl plugins
#include <boost/json.hpp>
#include <cstdio>

#include "cli/commands.h"

namespace chaos::cli {

namespace {

std::string type_of(const boost::json::object& prop) {
  std::string type;
  if (const auto* t = prop.if_contains("type")) {
    type = t->is_string() ? std::string(t->as_string()) : boost::json::serialize(*t);
  }
  if (const auto* f = prop.if_contains("format"); f && f->is_string()) {
    type += " (" + std::string(f->as_string()) + ")";
  }
  if (const auto* e = prop.if_contains("enum")) type += " one of " + boost::json::serialize(*e);
  return type;
}

std::string bounds_of(const boost::json::object& prop) {
  std::string out;
  if (const auto* v = prop.if_contains("minimum")) out += " >= " + boost::json::serialize(*v);
  if (const auto* v = prop.if_contains("maximum")) out += " <= " + boost::json::serialize(*v);
  // Duration bounds are duration texts ("10m"): shown as written.
  const std::pair<const char*, const char*> durations[] = {
      {"formatMinimum", " >= "},
      {"formatExclusiveMinimum", " > "},
      {"formatMaximum", " <= "},
      {"formatExclusiveMaximum", " < "}};
  for (auto [key, sign] : durations) {
    if (const auto* v = prop.if_contains(key); v && v->is_string()) {
      out += sign + std::string(v->as_string());
    }
  }
  return out;
}

void print_params(const boost::json::value& schema) {
  if (!schema.is_object()) return;
  const auto& s = schema.as_object();
  const auto* props = s.if_contains("properties");
  if (!props || !props->is_object()) return;
  std::vector<std::string> required;
  if (const auto* r = s.if_contains("required"); r && r->is_array()) {
    for (const auto& name : r->as_array()) {
      if (name.is_string()) required.emplace_back(name.as_string());
    }
  }
  for (const auto& [name, value] : props->as_object()) {
    if (!value.is_object()) continue;
    const auto& prop = value.as_object();
    std::string when = std::find(required.begin(), required.end(), std::string(name)) !=
                               required.end()
                           ? "required"
                           : "optional";
    if (const auto* d = prop.if_contains("default")) when = "default " + boost::json::serialize(*d);
    std::string description;
    if (const auto* d = prop.if_contains("description"); d && d->is_string()) {
      description = d->as_string();
    }
    std::printf("      %-12s %-28s %-18s %s\n", std::string(name).c_str(),
                (type_of(prop) + bounds_of(prop)).c_str(), when.c_str(), description.c_str());
  }
}

}  // namespace

int cmd_plugins(const Options& options) {
  auto registry = load_plugins(options);
  if (!registry) return complain(registry.status().message(), 1);
  const auto& plugins = registry->plugins();
  if (options.json) {
    boost::json::array out;
    for (const auto& p : plugins) {
      boost::json::array kinds;
      for (const auto& k : p->kinds()) {
        kinds.push_back({{"name", k.name}, {"summary", k.summary},
                         {"params_schema", k.params_schema.json()},
                         {"can_update", k.has_update()}, {"can_recover", k.has_recover()}});
      }
      out.push_back({{"name", p->name()}, {"version", p->version()},
                     {"description", p->description()}, {"path", p->path()},
                     {"abi", std::to_string(p->abi_major()) + "." + std::to_string(p->abi_minor())},
                     {"kinds", std::move(kinds)}});
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return 0;
  }
  if (plugins.empty()) {
    std::printf("no plugins loaded (looked in %s%s)\n", plugin_host::builtin_plugin_dir().c_str(),
                options.plugin_dirs.empty() ? "" : " and the --plugin-dir directories");
    return 0;
  }
  for (const auto& p : plugins) {
    std::printf("%s %s (plugin ABI %d.%d) — %s\n  %s\n", p->name().c_str(), p->version().c_str(),
                p->abi_major(), p->abi_minor(), p->description().c_str(), p->path().c_str());
    for (const auto& k : p->kinds()) {
      std::printf("\n  fault kind: %s — %s%s\n", k.name.c_str(), k.summary.c_str(),
                  k.has_update() ? " (can change while running)" : "");
      print_params(k.params_schema.json());
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace chaos::cli
