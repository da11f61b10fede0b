// chaos/fake_host.hpp — runs a plugin in a unit test, without chaosctl. Header-only, C++17.
//
//   chaos::sdk::FakeHost host(PLUGIN_PATH);              // dlopen, as chaosctl loads it
//   ASSERT_TRUE(host.loaded()) << host.load_error();
//   chaos::sdk::FakeFault fault = host.create("cpu_burn", R"({"threads":1})");
//   ASSERT_TRUE(fault.ok()) << fault.created();
//   EXPECT_TRUE(fault.start().ok());
//   EXPECT_TRUE(host.wait_for_metric("threads_busy", std::chrono::seconds(2)));
//   EXPECT_TRUE(fault.stop().ok());
//   EXPECT_TRUE(host.records().problems.empty());
//
// What it does like chaosctl: checks the ABI stamp and the tables before calling anything;
// steps through the kind table by its struct_size; before create, fills each top-level
// property's "default", replaces a "seed" of 0 with the run seed (set_run_seed), and refuses
// a missing "required" property, an unknown one when "additionalProperties" is false, and a
// top-level value of the wrong "type" — with CHAOS_ERR_INVALID_PARAMS naming the field, without
// calling the plugin. What it does not: the rest of JSON Schema (nested schemas, bounds,
// patterns, formats). `chaosctl plugin check` runs the real validator.
//
// It records every log line, metric sample and event (thread-safe: plugin threads may report
// while the test waits on wait_for), and notes contract violations in records().problems.
//
// Threading: create, recover and FakeFault's calls from the test's thread; records(),
// wait_for and friends from any thread.
// OWNERSHIP: a library opened by path stays loaded for the life of the process (a test gains
// nothing from unloading it, and a plugin thread that outlives its fault would crash).
#pragma once

#include <chaos/plugin.h>
#include <dlfcn.h>

#include <chaos/sdk/fake_fault.hpp>
#include <chaos/sdk/json.hpp>
#include <chaos/sdk/json_writer.hpp>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace chaos::sdk {

class FakeHost {
 public:
  // A plugin linked into the test binary: FakeHost host(chaos_plugin_entry(), &chaos_plugin_stamp).
  // The stamp may be omitted; the table's own ABI version is checked either way.
  explicit FakeHost(const chaos_plugin* plugin, const chaos_abi_stamp* stamp = nullptr) {
    if (stamp && !check_stamp(*stamp, "the plugin")) return;
    adopt(plugin, "the plugin");
  }

  // A plugin library, opened as chaosctl opens it: RTLD_NOW | RTLD_LOCAL, stamp checked first.
  explicit FakeHost(const std::string& library_path) {
    void* handle = dlopen(library_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      error_ = "cannot load " + library_path + ": " + (why ? why : "unknown error");
      return;
    }
    const auto* stamp =
        static_cast<const chaos_abi_stamp*>(dlsym(handle, CHAOS_PLUGIN_STAMP_SYMBOL));
    if (!stamp) {
      error_ =
          library_path + " has no " + CHAOS_PLUGIN_STAMP_SYMBOL + " (use CHAOS_PLUGIN_STAMP())";
      return;
    }
    if (!check_stamp(*stamp, library_path)) return;
    auto entry = reinterpret_cast<chaos_plugin_entry_fn>(dlsym(handle, CHAOS_PLUGIN_ENTRY_SYMBOL));
    if (!entry) {
      error_ = library_path + " has no " + CHAOS_PLUGIN_ENTRY_SYMBOL + " function";
      return;
    }
    adopt(entry(), library_path);
  }

  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  bool loaded() const noexcept { return plugin_ != nullptr; }
  // Why loading failed, naming both ABI versions on a mismatch; empty when loaded().
  const std::string& load_error() const noexcept { return error_; }
  const chaos_plugin* plugin() const noexcept { return plugin_; }
  const std::vector<const chaos_fault_kind*>& kinds() const noexcept { return kinds_; }
  const chaos_fault_kind* kind(std::string_view name) const noexcept {
    for (const chaos_fault_kind* k : kinds_) {
      if (name == k->name) return k;
    }
    return nullptr;
  }

  // The seed a "seed": 0 parameter becomes (0 leaves it 0). chaosctl uses a per-run seed.
  void set_run_seed(int64_t seed) noexcept { run_seed_ = seed; }

  // The parameter object the host would hand to create, or an error naming the field.
  // REQUIRES: loaded().
  CallResult prepare_params(std::string_view kind_name, std::string_view params_json) const {
    const chaos_fault_kind* k = kind(kind_name);
    if (!k)
      return {CHAOS_ERR_INVALID_PARAMS, "unknown fault kind '" + std::string(kind_name) + "'", ""};
    try {
      return {CHAOS_OK, "", fill_params(Json::parse(k->params_schema), Json::parse(params_json))};
    } catch (const InvalidParams& e) {
      return {CHAOS_ERR_INVALID_PARAMS, e.what(), ""};
    }
  }

  // prepare_params, then the kind's create. On refusal, the FakeFault is not ok() and
  // created() says why. `fault_name` is what records show (default: the kind's name).
  FakeFault create(std::string_view kind_name, std::string_view params_json = "{}",
                   std::string fault_name = "") {
    CallResult params = prepare_params(kind_name, params_json);
    if (!params.ok()) return refused(std::move(params));
    return create_raw(kind_name, params.output, std::move(fault_name));
  }

  // Calls create with exactly `params_json`: no defaults, no checks (what a buggy host would do;
  // for testing the plugin's own parameter checks).
  FakeFault create_raw(std::string_view kind_name, std::string_view params_json,
                       std::string fault_name = "") {
    const chaos_fault_kind* k = kind(kind_name);
    if (!k)
      return refused(
          {CHAOS_ERR_INVALID_PARAMS, "unknown fault kind '" + std::string(kind_name) + "'", ""});
    FakeFault f;
    f.kind_ = k;
    f.recorder_ = recorder_;
    f.ctx_ = recorder_->open(fault_name.empty() ? std::string(kind_name) : std::move(fault_name));
    chaos_writer error{&f.created_.message, &fake_detail::append};
    chaos_fault* out = nullptr;
    f.created_.status = k->create(&recorder_->api, handle(f.ctx_), params_json.data(),
                                  params_json.size(), &out, &error);
    if (f.created_.ok() && !out)
      f.created_ = {CHAOS_ERR_FAILED, "create returned CHAOS_OK but no fault", ""};
    if (f.created_.ok()) f.fault_ = out;
    if (!f.fault_) f.ctx_->closed.store(true);
    return f;
  }

  // The kind's CHAOS_KIND_* capabilities as chaosctl reads them: 0 for a kind built against
  // ABI 1.0 (its table ends before the field) or an unknown kind.
  uint64_t capabilities(std::string_view kind_name) const noexcept {
    const chaos_fault_kind* k = kind(kind_name);
#ifdef CHAOS_KIND_ACTS_ON_PROXY
    if (k && k->struct_size >= offsetof(chaos_fault_kind, capabilities) + sizeof(uint64_t)) {
      return k->capabilities;
    }
#endif
    (void)k;
    return 0;
  }

  // The kind's recover, as the next chaosctl run calls it for a fault a dead controller left.
  // Parameters are prepared as for create. CHAOS_ERR_UNSUPPORTED if the kind has no recover.
  CallResult recover(std::string_view kind_name, std::string_view params_json,
                     std::string fault_name = "") {
    CallResult params = prepare_params(kind_name, params_json);
    if (!params.ok()) return params;
    const chaos_fault_kind* k = kind(kind_name);
    if (k->struct_size < offsetof(chaos_fault_kind, recover) + sizeof(void*) || !k->recover) {
      return {CHAOS_ERR_UNSUPPORTED, "this kind has no recover", ""};
    }
    fake_detail::Context* ctx =
        recorder_->open(fault_name.empty() ? std::string(kind_name) : std::move(fault_name));
    CallResult r;
    chaos_writer error{&r.message, &fake_detail::append};
    r.status = k->recover(&recorder_->api, handle(ctx), params.output.data(), params.output.size(),
                          &error);
    ctx->closed.store(true);
    return r;
  }

  // A copy of everything recorded so far.
  Records records() const {
    std::lock_guard<std::mutex> lock(recorder_->mutex);
    return recorder_->records;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(recorder_->mutex);
    recorder_->records = Records();
  }

  // Waits until `done(records)` holds (it runs under the recorder's mutex: do not call back
  // into the FakeHost from it) or `timeout` passes. Returns whether it held.
  bool wait_for(const std::function<bool(const Records&)>& done,
                std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(recorder_->mutex);
    return recorder_->changed.wait_for(lock, timeout, [&] { return done(recorder_->records); });
  }
  bool wait_for_metric(std::string_view name, std::chrono::milliseconds timeout) {
    return wait_for(
        [&](const Records& r) {
          for (const auto& m : r.metrics)
            if (m.name == name) return true;
          return false;
        },
        timeout);
  }
  bool wait_for_event(std::string_view kind, std::chrono::milliseconds timeout) {
    return wait_for(
        [&](const Records& r) {
          for (const auto& e : r.events)
            if (e.kind == kind) return true;
          return false;
        },
        timeout);
  }
  // True once a log line contains `part`.
  bool wait_for_log(std::string_view part, std::chrono::milliseconds timeout) {
    return wait_for(
        [&](const Records& r) {
          for (const auto& l : r.logs)
            if (l.message.find(part) != std::string::npos) return true;
          return false;
        },
        timeout);
  }
  bool has_log(std::string_view part) { return wait_for_log(part, std::chrono::milliseconds(0)); }

 private:
  static chaos_host_ctx* handle(fake_detail::Context* ctx) {
    return reinterpret_cast<chaos_host_ctx*>(ctx);
  }
  static FakeFault refused(CallResult why) {
    FakeFault f;
    f.created_ = std::move(why);
    return f;
  }

  static std::string version(unsigned major, unsigned minor) {
    return std::to_string(major) + "." + std::to_string(minor);
  }
  bool check_stamp(const chaos_abi_stamp& stamp, const std::string& who) {
    const std::string ours = version(CHAOS_ABI_MAJOR, CHAOS_ABI_MINOR);
    const std::string theirs = version(stamp.abi_major, stamp.abi_minor);
    if (stamp.magic != CHAOS_ABI_MAGIC) {
      error_ = who + " has a bad ABI stamp (wrong magic)";
    } else if (stamp.abi_major != CHAOS_ABI_MAJOR) {
      error_ = who + " was built for plugin ABI " + theirs + ", but this SDK speaks ABI " + ours;
    } else if (stamp.abi_minor > CHAOS_ABI_MINOR) {
      error_ = who + " needs plugin ABI " + theirs + ", newer than this SDK's " + ours;
    }
    return error_.empty();
  }

  // The same table checks as chaosctl's loader.
  void adopt(const chaos_plugin* p, const std::string& who) {
    if (!p || p->struct_size < offsetof(chaos_plugin, kinds) + sizeof(void*)) {
      error_ = who + " returned no valid plugin description";
      return;
    }
    if (p->abi_major != CHAOS_ABI_MAJOR) {
      error_ = who + "'s table says ABI " + version(p->abi_major, p->abi_minor) +
               ", but this SDK speaks ABI " + version(CHAOS_ABI_MAJOR, CHAOS_ABI_MINOR);
      return;
    }
    if (!p->name || p->kind_count == 0 || !p->kinds) {
      error_ = who + " has no name or no fault kinds";
      return;
    }
    const size_t stride = p->kinds[0].struct_size;  // an older minor's smaller struct
    constexpr size_t kMinKind = offsetof(chaos_fault_kind, destroy) + sizeof(void*);
    for (uint32_t i = 0; i < p->kind_count; ++i) {
      const auto* k = reinterpret_cast<const chaos_fault_kind*>(
          reinterpret_cast<const char*>(p->kinds) + i * stride);
      if (k->struct_size < kMinKind || !k->name || !k->params_schema || !k->create || !k->start ||
          !k->stop || !k->status || !k->destroy) {
        error_ = who + ": kind #" + std::to_string(i + 1) + " is incomplete";
        kinds_.clear();
        return;
      }
      kinds_.push_back(k);
    }
    plugin_ = p;
  }

  static bool has_type(const Json& value, const std::string& type) {
    if (type == "integer") {
      return value.is_number() && std::isfinite(value.as_number()) &&
             std::floor(value.as_number()) == value.as_number();
    }
    if (type == "number") return value.is_number();
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_bool();
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "null") return value.is_null();
    return true;  // not a type this subset knows: leave it to chaosctl
  }

  // Throws InvalidParams naming the field.
  std::string fill_params(const Json& schema, const Json& params) const {
    if (!params.is_object()) throw InvalidParams("", "parameters must be a JSON object");
    const Json* props = schema.find("properties");
    const Json* extra = schema.find("additionalProperties");
    const bool closed = extra && extra->is_bool() && !extra->as_bool();
    std::string out;
    auto add = [&](const std::string& key, const std::string& json) {
      out += (out.empty() ? "" : ",") + json_quote(key) + ":" + json;
    };
    auto value_text = [&](const std::string& key, const Json& value) {
      const bool zero_seed = key == "seed" && value.is_number() && value.as_number() == 0;
      return zero_seed && run_seed_ != 0 ? std::to_string(run_seed_) : to_json(value);
    };
    for (size_t i = 0; i < params.keys().size(); ++i) {
      const std::string& key = params.keys()[i];
      const Json* prop = props ? props->find(key) : nullptr;
      if (!prop && closed) throw InvalidParams(key, "unknown parameter");
      const Json* type = prop ? prop->find("type") : nullptr;
      if (type && type->is_string() && !has_type(params.items()[i], type->as_string())) {
        throw InvalidParams(key, "expected " + type->as_string());
      }
      add(key, value_text(key, params.items()[i]));
    }
    if (props && props->is_object()) {
      for (size_t i = 0; i < props->keys().size(); ++i) {
        const Json* dflt = props->items()[i].find("default");
        if (dflt && !params.find(props->keys()[i]))
          add(props->keys()[i], value_text(props->keys()[i], *dflt));
      }
    }
    if (const Json* required = schema.find("required")) {
      for (const Json& name : required->items()) {
        if (!name.is_string() || params.find(name.as_string())) continue;
        const Json* prop = props ? props->find(name.as_string()) : nullptr;
        if (!prop || !prop->find("default")) throw InvalidParams(name.as_string(), "is required");
      }
    }
    return "{" + out + "}";
  }

  std::shared_ptr<fake_detail::Recorder> recorder_ = std::make_shared<fake_detail::Recorder>();
  const chaos_plugin* plugin_ = nullptr;        // owned by the plugin
  std::vector<const chaos_fault_kind*> kinds_;  // in plugin_'s table
  std::string error_;
  int64_t run_seed_ = 1;
};

}  // namespace chaos::sdk
