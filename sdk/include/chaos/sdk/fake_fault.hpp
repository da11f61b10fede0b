// chaos/sdk/fake_fault.hpp — one fault instance driven through the C ABI by the fake host, and
// what the fake host records. Include chaos/fake_host.hpp rather than this file.
//
// Threading: a FakeFault is used from one thread (the test's), as the real host does. The
// Recorder takes the callbacks from any thread (the plugin's own threads too) under its mutex.
#pragma once

#include <chaos/plugin.h>

#include <atomic>
#include <chaos/sdk/errors.hpp>
#include <chaos/sdk/json.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chaos::sdk {

inline const char* status_name(chaos_status s) noexcept {
  switch (s) {
    case CHAOS_OK:
      return "CHAOS_OK";
    case CHAOS_ERR_INVALID_PARAMS:
      return "CHAOS_ERR_INVALID_PARAMS";
    case CHAOS_ERR_FAILED:
      return "CHAOS_ERR_FAILED";
    case CHAOS_ERR_UNSUPPORTED:
      return "CHAOS_ERR_UNSUPPORTED";
    case CHAOS_ERR_STATE:
      return "CHAOS_ERR_STATE";
  }
  return "an unknown chaos_status";
}

// What one call into the plugin returned.
struct CallResult {
  chaos_status status = CHAOS_OK;
  std::string message;  // what the plugin wrote to the error writer
  std::string output;   // what status() wrote to out_json (empty for other calls)

  bool ok() const noexcept { return status == CHAOS_OK; }
  // "CHAOS_ERR_STATE: already started", for assertion messages.
  std::string describe() const { return std::string(status_name(status)) + ": " + message; }
  // Whether `output` is one JSON object, as status must write.
  bool output_is_object() const noexcept {
    try {
      return Json::parse(output).is_object();
    } catch (...) {
      return false;
    }
  }
};

inline std::ostream& operator<<(std::ostream& out, const CallResult& r) {
  return out << r.describe();
}

// Everything the plugin reported through the host callbacks, in arrival order.
struct Records {
  struct LogLine {
    std::string fault;  // the fault's name given to FakeHost::create
    chaos_log_level level;
    std::string message;
  };
  struct MetricSample {
    std::string fault;
    std::string name;
    double value;
    int64_t unix_ms;  // as the plugin gave it: 0 means "now"
  };
  struct Event {
    std::string fault;
    std::string kind;
    std::string detail_json;  // "{}" when the plugin gave none
  };
  std::vector<LogLine> logs;
  std::vector<MetricSample> metrics;
  std::vector<Event> events;
  // Contract violations seen at the boundary, e.g. a callback after destroy returned, an event
  // detail that is not a JSON object. A conforming plugin leaves this empty.
  std::vector<std::string> problems;
};

namespace fake_detail {

struct Recorder;

// What the plugin gets as chaos_host_ctx*. Owned by the Recorder, so a late callback from a
// plugin thread after destroy lands here (and is reported) instead of in freed memory.
struct Context {
  Recorder* recorder = nullptr;
  std::string fault;
  std::atomic<bool> closed{false};  // set when destroy (or recover) has returned
};

struct Recorder {
  std::mutex mutex;
  std::condition_variable changed;
  Records records;                                // guarded by mutex
  std::deque<std::unique_ptr<Context>> contexts;  // guarded by mutex; never shrinks

  Context* open(std::string fault) {
    auto ctx = std::make_unique<Context>();
    ctx->recorder = this;
    ctx->fault = std::move(fault);
    std::lock_guard<std::mutex> lock(mutex);
    contexts.push_back(std::move(ctx));
    return contexts.back().get();
  }

  // Runs `add` under the mutex, then wakes waiters. noexcept: a callback must not throw into
  // the plugin (std::bad_alloc would end the test, which is what we want anyway).
  template <typename Fn>
  static void record(chaos_host_ctx* handle, const char* what, Fn&& add) noexcept {
    if (!handle) return;
    Context& ctx = *reinterpret_cast<Context*>(handle);
    Recorder& r = *ctx.recorder;
    {
      std::lock_guard<std::mutex> lock(r.mutex);
      if (ctx.closed.load()) {
        r.records.problems.push_back(std::string(what) + " from fault '" + ctx.fault +
                                     "' after destroy returned");
      }
      add(r.records, ctx.fault);
    }
    r.changed.notify_all();
  }

  static void on_log(chaos_host_ctx* ctx, chaos_log_level level, const char* msg, size_t len) {
    record(ctx, "log", [&](Records& r, const std::string& fault) {
      r.logs.push_back({fault, level, msg ? std::string(msg, len) : std::string()});
    });
  }
  static void on_metric(chaos_host_ctx* ctx, const char* name, size_t len, double value,
                        int64_t unix_ms) {
    record(ctx, "metric", [&](Records& r, const std::string& fault) {
      r.metrics.push_back({fault, name ? std::string(name, len) : std::string(), value, unix_ms});
    });
  }
  static void on_event(chaos_host_ctx* ctx, const char* kind, size_t kind_len, const char* detail,
                       size_t detail_len) {
    std::string json = detail && detail_len ? std::string(detail, detail_len) : "{}";
    bool is_object = false;
    try {
      is_object = Json::parse(json).is_object();
    } catch (...) {
    }
    record(ctx, "event", [&](Records& r, const std::string& fault) {
      std::string k = kind ? std::string(kind, kind_len) : std::string();
      if (!is_object) r.problems.push_back("event '" + k + "': detail is not a JSON object");
      r.events.push_back({fault, std::move(k), std::move(json)});
    });
  }

  // No check_target: to a plugin, the fake host is one without an allowlist (loopback only).
  const chaos_host_api api{sizeof(chaos_host_api), &on_log, &on_metric, &on_event, nullptr};
};

inline void append(void* ctx, const char* data, size_t len) {
  if (data && len) static_cast<std::string*>(ctx)->append(data, len);
}

}  // namespace fake_detail

// One fault instance, created by FakeHost::create. Destroying the handle destroys the fault
// (which stops it, as the ABI requires). Movable, not copyable. Use from one thread.
// OWNERSHIP: holds the Recorder it reports to, so it may outlive its FakeHost; the plugin
// library stays loaded for the life of the process.
class FakeFault {
 public:
  FakeFault(FakeFault&& other) noexcept { *this = std::move(other); }
  FakeFault& operator=(FakeFault&& other) noexcept {
    if (this != &other) {
      destroy();
      kind_ = other.kind_;
      fault_ = std::exchange(other.fault_, nullptr);
      ctx_ = other.ctx_;
      recorder_ = std::move(other.recorder_);
      created_ = std::move(other.created_);
    }
    return *this;
  }
  FakeFault(const FakeFault&) = delete;
  FakeFault& operator=(const FakeFault&) = delete;
  ~FakeFault() { destroy(); }

  // What create returned (or why the fake host refused the parameters before calling it).
  const CallResult& created() const noexcept { return created_; }
  // True from a successful create until destroy.
  bool ok() const noexcept { return fault_ != nullptr; }

  CallResult start() { return call(kind_ ? kind_->start : nullptr); }
  CallResult stop() { return call(kind_ ? kind_->stop : nullptr); }
  CallResult status() {
    CallResult r = precheck("status");
    if (!fault_) return r;
    chaos_writer out{&r.output, &fake_detail::append};
    chaos_writer error{&r.message, &fake_detail::append};
    r.status = kind_->status(fault_, &out, &error);
    return r;
  }
  // `params_json` goes to the plugin as given: pass a complete parameter object.
  CallResult update(std::string_view params_json) {
    CallResult r = precheck("update");
    if (!fault_) return r;
    if (kind_->struct_size < offsetof(chaos_fault_kind, update) + sizeof(void*) || !kind_->update) {
      return {CHAOS_ERR_UNSUPPORTED, "this kind has no update", ""};
    }
    chaos_writer error{&r.message, &fake_detail::append};
    r.status = kind_->update(fault_, params_json.data(), params_json.size(), &error);
    return r;
  }
  // Releases the instance; idempotent. Afterwards the plugin must not call the host for it.
  void destroy() noexcept {
    if (!fault_) return;
    kind_->destroy(std::exchange(fault_, nullptr));
    if (ctx_) ctx_->closed.store(true);
  }

 private:
  friend class FakeHost;
  FakeFault() = default;

  CallResult precheck(const char* what) const {
    if (fault_) return {};
    return {CHAOS_ERR_STATE, std::string(what) + ": no fault (create failed or destroyed)", ""};
  }
  CallResult call(chaos_status (*fn)(chaos_fault*, chaos_writer*)) {
    CallResult r = precheck("call");
    if (!fault_) return r;
    chaos_writer error{&r.message, &fake_detail::append};
    r.status = fn(fault_, &error);
    return r;
  }

  const chaos_fault_kind* kind_ = nullptr;  // owned by the plugin library
  chaos_fault* fault_ = nullptr;            // the plugin's; released by destroy
  fake_detail::Context* ctx_ = nullptr;     // owned by recorder_
  std::shared_ptr<fake_detail::Recorder> recorder_;
  CallResult created_;
};

}  // namespace chaos::sdk
