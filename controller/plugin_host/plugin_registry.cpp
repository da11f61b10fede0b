#include "plugin_host/plugin_registry.h"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>

namespace chaos::plugin_host {

namespace fs = std::filesystem;

Status PluginRegistry::load_directories(const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());  // a stable order for listings
    for (const auto& file : files) {
      if (auto st = load_file(file); !st) return st;
    }
  }
  return Status::ok();
}

Status PluginRegistry::load_file(const std::string& path) {
  auto lib = PluginLibrary::load(path);
  if (!lib) return lib.status();
  for (const auto& existing : plugins_) {
    if (existing->name() == lib.value()->name()) {
      return Status::failed("plugin '" + existing->name() + "' is loaded twice: from " +
                            existing->path() + " and " + path);
    }
  }
  for (const auto& kind : lib.value()->kinds()) {
    if (const FaultKind* other = find_kind(kind.name)) {
      return Status::failed("fault kind '" + kind.name + "' is declared by two plugins: " +
                            other->plugin_name + " and " + kind.plugin_name + " (" + path + ")");
    }
  }
  plugins_.push_back(std::move(lib.value()));
  return Status::ok();
}

const FaultKind* PluginRegistry::find_kind(const std::string& kind) const {
  for (const auto& plugin : plugins_) {
    for (const auto& k : plugin->kinds()) {
      if (k.name == kind) return &k;
    }
  }
  return nullptr;
}

std::vector<std::string> PluginRegistry::kind_names() const {
  std::vector<std::string> names;
  for (const auto& plugin : plugins_) {
    for (const auto& k : plugin->kinds()) names.push_back(k.name);
  }
  return names;
}

namespace {

// Edit distance, for suggesting the kind an operator probably meant.
size_t distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

Result<boost::json::value> PluginRegistry::validate_params(const std::string& kind,
                                                           const boost::json::value& params) const {
  const FaultKind* k = find_kind(kind);
  if (!k) {
    std::string known, closest;
    size_t best = 3;  // suggest only near misses
    for (const auto& name : kind_names()) {
      known += (known.empty() ? "" : ", ") + name;
      if (size_t d = distance(kind, name); d < best) best = d, closest = name;
    }
    return Status::not_found("unknown fault kind '" + kind + "'" +
                             (closest.empty() ? "" : "; did you mean '" + closest + "'?") +
                             " (loaded kinds: " +
                             (known.empty() ? "none — is the plugin directory right?" : known) +
                             ")");
  }
  if (!params.is_object()) {
    return Status::invalid_argument(kind + ": parameters must be a table of named values");
  }
  boost::json::value filled = k->params_schema.with_defaults(params);
  if (auto st = k->params_schema.validate(filled); !st) {
    return Status::invalid_argument(kind + ": " + st.message());
  }
  return filled;
}

std::string PluginRegistry::plugins_json() const {
  boost::json::array list;
  for (const auto& plugin : plugins_) {
    list.push_back({{"name", plugin->name()},
                    {"version", plugin->version()},
                    {"abi", std::to_string(plugin->abi_major()) + "." +
                                std::to_string(plugin->abi_minor())}});
  }
  return boost::json::serialize(list);
}

std::string builtin_plugin_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "plugins";
  return (exe.parent_path() / "plugins").string();
}

}  // namespace chaos::plugin_host
