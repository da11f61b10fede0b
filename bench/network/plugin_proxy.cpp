#include "plugin_proxy.h"

#include <dlfcn.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace chaos::bench {

namespace {

void append(void* ctx, const char* data, size_t len) {
  static_cast<std::string*>(ctx)->append(data, len);
}
void no_log(chaos_host_ctx*, chaos_log_level, const char*, size_t) {}
void no_metric(chaos_host_ctx*, const char*, size_t, double, int64_t) {}
void no_event(chaos_host_ctx*, const char*, size_t, const char*, size_t) {}

}  // namespace

PluginProxy::PluginProxy(const std::string& path) {
  library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library_) {
    error_ = dlerror();
    return;
  }
  const auto* stamp =
      static_cast<const chaos_abi_stamp*>(dlsym(library_, CHAOS_PLUGIN_STAMP_SYMBOL));
  auto entry = reinterpret_cast<chaos_plugin_entry_fn>(dlsym(library_, CHAOS_PLUGIN_ENTRY_SYMBOL));
  if (!stamp || stamp->magic != CHAOS_ABI_MAGIC || stamp->abi_major != CHAOS_ABI_MAJOR || !entry) {
    error_ = path + " is not a chaosctl plugin of ABI " + std::to_string(CHAOS_ABI_MAJOR);
    return;
  }
  plugin_ = entry();
  host_.struct_size = sizeof host_;
  host_.log = &no_log;
  host_.metric = &no_metric;
  host_.event = &no_event;
}

PluginProxy::~PluginProxy() {
  for (int i = 0; i < count_; ++i) destroy(i);
  if (library_) dlclose(library_);
}

const chaos_fault_kind* PluginProxy::find(const std::string& name) const {
  const auto* bytes = reinterpret_cast<const char*>(plugin_->kinds);
  for (uint32_t i = 0; i < plugin_->kind_count; ++i) {
    const auto* k =
        reinterpret_cast<const chaos_fault_kind*>(bytes + i * plugin_->kinds[0].struct_size);
    if (name == k->name) return k;
  }
  return nullptr;
}

int PluginProxy::start(const std::string& kind, const std::string& params_json) {
  const chaos_fault_kind* k = plugin_ ? find(kind) : nullptr;
  if (!k || count_ == 16) {
    error_ = "no fault kind " + kind;
    return -1;
  }
  std::string message;
  chaos_writer err{&message, &append};
  Fault f{k, nullptr};
  if (k->create(&host_, nullptr, params_json.data(), params_json.size(), &f.fault, &err) !=
          CHAOS_OK ||
      k->start(f.fault, &err) != CHAOS_OK) {
    error_ = kind + ": " + message;
    if (f.fault) k->destroy(f.fault);
    return -1;
  }
  faults_[count_] = f;
  return count_++;
}

void PluginProxy::destroy(int handle) {
  Fault& f = faults_[handle];
  if (f.fault) f.kind->destroy(f.fault);
  f.fault = nullptr;
}

std::string PluginProxy::status(int handle) {
  std::string json, message;
  chaos_writer out{&json, &append};
  chaos_writer err{&message, &append};
  const Fault& f = faults_[handle];
  return f.kind->status(f.fault, &out, &err) == CHAOS_OK ? json : "";
}

uint16_t PluginProxy::port(int handle) {
  const std::string json = status(handle);
  const size_t at = json.find("\"listen\":\"");
  if (at == std::string::npos) return 0;
  const size_t start = at + std::strlen("\"listen\":\"");
  const std::string listen = json.substr(start, json.find('"', start) - start);
  return static_cast<uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
}

double json_number(const std::string& json, const std::string& key) {
  const std::string field = "\"" + key + "\":";
  const size_t at = json.find(field);
  if (at == std::string::npos) return NAN;
  return std::strtod(json.c_str() + at + field.size(), nullptr);
}

}  // namespace chaos::bench
