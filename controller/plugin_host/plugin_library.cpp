#include "plugin_host/plugin_library.h"

#include <dlfcn.h>

#include <cstddef>

#include "plugin_host/step_keys.h"

namespace chaos::plugin_host {

namespace {

std::string text_or_empty(const char* s) { return s ? s : ""; }

// A kind table entry is usable only if the plugin's struct reaches the fields we call.
constexpr size_t kMinKindSize = offsetof(chaos_fault_kind, destroy) + sizeof(void*);

// The first reserved step key the schema declares as a parameter, or empty.
std::string reserved_key_declared(const boost::json::value& schema) {
  const auto* props = schema.is_object() ? schema.as_object().if_contains("properties") : nullptr;
  if (!props || !props->is_object()) return "";
  for (std::string_view key : kReservedStepKeys) {
    if (props->as_object().contains(key)) return std::string(key);
  }
  return "";
}

}  // namespace

bool FaultKind::has_update() const {
  return abi->struct_size >= offsetof(chaos_fault_kind, update) + sizeof(void*) &&
         abi->update != nullptr;
}

boost::json::value FaultKind::redacted(const boost::json::value& params) const {
  const auto& schema = params_schema.json();
  const auto* props = schema.is_object() ? schema.as_object().if_contains("properties") : nullptr;
  if (!props || !props->is_object() || !params.is_object()) return params;
  boost::json::value out = params;
  for (auto& [key, value] : out.as_object()) {
    const auto* prop = props->as_object().if_contains(key);
    const auto* write_only = prop && prop->is_object() ? prop->as_object().if_contains("writeOnly")
                                                       : nullptr;
    if (write_only && write_only->is_bool() && write_only->as_bool()) value = "<redacted>";
  }
  return out;
}

bool FaultKind::has_recover() const {
  return abi->struct_size >= offsetof(chaos_fault_kind, recover) + sizeof(void*) &&
         abi->recover != nullptr;
}

uint64_t FaultKind::capabilities() const {
  return abi->struct_size >= offsetof(chaos_fault_kind, capabilities) + sizeof(uint64_t)
             ? abi->capabilities
             : 0;
}

Result<std::unique_ptr<PluginLibrary>> PluginLibrary::load(const std::string& path) {
  std::unique_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->path_ = path;
  lib->handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle_) {
    return Status::failed("cannot load plugin " + path + ": " + text_or_empty(dlerror()));
  }

  const auto* stamp =
      static_cast<const chaos_abi_stamp*>(dlsym(lib->handle_, CHAOS_PLUGIN_STAMP_SYMBOL));
  if (!stamp || stamp->magic != CHAOS_ABI_MAGIC) {
    return Status::failed("plugin " + path + " is not a chaosctl plugin (no " +
                          CHAOS_PLUGIN_STAMP_SYMBOL + " stamp; use CHAOS_PLUGIN_STAMP())");
  }
  const std::string ours =
      std::to_string(CHAOS_ABI_MAJOR) + "." + std::to_string(CHAOS_ABI_MINOR);
  const std::string theirs =
      std::to_string(stamp->abi_major) + "." + std::to_string(stamp->abi_minor);
  if (stamp->abi_major != CHAOS_ABI_MAJOR) {
    return Status::failed("plugin " + path + " was built for plugin ABI " + theirs +
                          ", but this chaosctl speaks ABI " + ours +
                          "; rebuild the plugin against this SDK");
  }
  if (stamp->abi_minor > CHAOS_ABI_MINOR) {
    return Status::failed("plugin " + path + " needs plugin ABI " + theirs +
                          ", newer than this chaosctl's " + ours + "; upgrade chaosctl");
  }

  auto entry = reinterpret_cast<chaos_plugin_entry_fn>(
      dlsym(lib->handle_, CHAOS_PLUGIN_ENTRY_SYMBOL));
  if (!entry) {
    return Status::failed("plugin " + path + " has no " + CHAOS_PLUGIN_ENTRY_SYMBOL +
                          " function");
  }
  const chaos_plugin* plugin = entry();
  if (!plugin || plugin->struct_size < offsetof(chaos_plugin, kinds) + sizeof(void*)) {
    return Status::failed("plugin " + path + " returned no valid plugin description");
  }
  if (plugin->abi_major != stamp->abi_major) {
    return Status::failed("plugin " + path + ": its description says ABI major " +
                          std::to_string(plugin->abi_major) + " but its stamp says " +
                          std::to_string(stamp->abi_major));
  }
  lib->name_ = text_or_empty(plugin->name);
  lib->version_ = text_or_empty(plugin->version);
  lib->description_ = text_or_empty(plugin->description);
  lib->abi_major_ = stamp->abi_major;
  lib->abi_minor_ = stamp->abi_minor;
  if (lib->name_.empty()) return Status::failed("plugin " + path + " has no name");

  if (plugin->kind_count > 0 && !plugin->kinds) {
    return Status::failed("plugin " + lib->name_ + " declares kinds but no kind table");
  }
  const size_t stride = plugin->kind_count ? plugin->kinds[0].struct_size : 0;
  for (uint32_t i = 0; i < plugin->kind_count; ++i) {
    const auto* abi = reinterpret_cast<const chaos_fault_kind*>(
        reinterpret_cast<const char*>(plugin->kinds) + i * stride);
    const std::string where = "plugin " + lib->name_ + ", kind #" + std::to_string(i + 1);
    if (abi->struct_size < kMinKindSize || !abi->name || !abi->params_schema || !abi->create ||
        !abi->start || !abi->stop || !abi->status || !abi->destroy) {
      return Status::failed(where + ": incomplete kind table (name, schema and create, start, "
                                    "stop, status, destroy are required)");
    }
    auto schema = schema::JsonSchema::parse(std::string_view(abi->params_schema));
    if (!schema) {
      return Status::failed(where + " (" + abi->name + "): invalid parameter schema: " +
                            schema.status().message());
    }
    if (std::string key = reserved_key_declared(schema.value().json()); !key.empty()) {
      return Status::failed(where + " (" + abi->name + "): its parameter schema declares '" + key +
                            "', a step key the engine keeps for itself (reserved: duration, "
                            "after, name), so the kind would never see it; rename the parameter");
    }
    lib->kinds_.push_back(FaultKind{abi->name, text_or_empty(abi->summary),
                                    std::move(schema.value()), abi, lib->name_,
                                    lib->version_});
  }
  return lib;
}

PluginLibrary::~PluginLibrary() {
  if (handle_) dlclose(handle_);
}

}  // namespace chaos::plugin_host
