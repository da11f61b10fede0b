#pragma once
// LoadedPlugin: a plugin opened with dlopen and used only through the C ABI, as the host does.
// FaultHandle: one fault instance, destroyed with the handle.

#include <chaos/plugin.h>
#include <dlfcn.h>

#include <string>
#include <string_view>

#include "recording_host.h"

namespace chaos::testing {

inline void append_to_string(void* ctx, const char* data, size_t len) {
  static_cast<std::string*>(ctx)->append(data, len);
}

struct CallResult {
  chaos_status status = CHAOS_OK;
  std::string message;
};

class LoadedPlugin {
 public:
  explicit LoadedPlugin(const char* path) {
    handle_ = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      error_ = dlerror();
      return;
    }
    stamp_ = static_cast<const chaos_abi_stamp*>(dlsym(handle_, CHAOS_PLUGIN_STAMP_SYMBOL));
    auto entry = reinterpret_cast<chaos_plugin_entry_fn>(dlsym(handle_, CHAOS_PLUGIN_ENTRY_SYMBOL));
    if (stamp_ && stamp_->magic == CHAOS_ABI_MAGIC && stamp_->abi_major == CHAOS_ABI_MAJOR && entry)
      plugin_ = entry();
  }
  ~LoadedPlugin() {
    if (handle_) dlclose(handle_);
  }
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  void* handle() const { return handle_; }
  const std::string& error() const { return error_; }
  const chaos_abi_stamp* stamp() const { return stamp_; }
  const chaos_plugin* plugin() const { return plugin_; }

  // Steps through the kinds by kinds[0].struct_size, as the ABI says a host must.
  const chaos_fault_kind* kind(std::string_view name) const {
    if (!plugin_ || plugin_->kind_count == 0) return nullptr;
    const auto* bytes = reinterpret_cast<const char*>(plugin_->kinds);
    const size_t stride = plugin_->kinds[0].struct_size;
    for (uint32_t i = 0; i < plugin_->kind_count; ++i) {
      const auto* k = reinterpret_cast<const chaos_fault_kind*>(bytes + i * stride);
      if (name == k->name) return k;
    }
    return nullptr;
  }

 private:
  void* handle_ = nullptr;
  std::string error_;
  const chaos_abi_stamp* stamp_ = nullptr;
  const chaos_plugin* plugin_ = nullptr;
};

class FaultHandle {
 public:
  FaultHandle(const chaos_fault_kind* kind, RecordingHost& host, const std::string& params)
      : kind_(kind) {
    chaos_writer error{&created_.message, &append_to_string};
    created_.status =
        kind->create(host.api(), host.ctx(), params.data(), params.size(), &fault_, &error);
  }
  ~FaultHandle() { destroy(); }
  FaultHandle(const FaultHandle&) = delete;
  FaultHandle& operator=(const FaultHandle&) = delete;

  const CallResult& created() const { return created_; }
  bool ok() const { return fault_ != nullptr; }

  CallResult start() { return call(kind_->start); }
  CallResult stop() { return call(kind_->stop); }
  CallResult update(const std::string& params) {
    CallResult r;
    chaos_writer error{&r.message, &append_to_string};
    r.status = kind_->update(fault_, params.data(), params.size(), &error);
    return r;
  }
  std::string status() {
    std::string json, message;
    chaos_writer out{&json, &append_to_string};
    chaos_writer error{&message, &append_to_string};
    return kind_->status(fault_, &out, &error) == CHAOS_OK ? json : "error: " + message;
  }
  void destroy() {
    if (fault_) kind_->destroy(fault_);
    fault_ = nullptr;
  }

 private:
  CallResult call(chaos_status (*fn)(chaos_fault*, chaos_writer*)) {
    CallResult r;
    chaos_writer error{&r.message, &append_to_string};
    r.status = fn(fault_, &error);
    return r;
  }

  const chaos_fault_kind* kind_;
  chaos_fault* fault_ = nullptr;
  CallResult created_;
};

}  // namespace chaos::testing
