#pragma once
// RecordingHost: a chaos_host_api whose callbacks store every log line, metric sample and event
// under a mutex, with waits on conditions (with deadlines) for tests.

#include <chaos/plugin.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace chaos::testing {

class RecordingHost {
 public:
  struct Log {
    chaos_log_level level;
    std::string message;
  };
  struct Metric {
    std::string name;
    double value;
  };
  struct Event {
    std::string kind;
    std::string detail;
  };

  RecordingHost() {
    api_.struct_size = sizeof(chaos_host_api);
    api_.log = &on_log;
    api_.metric = &on_metric;
    api_.event = &on_event;
  }
  RecordingHost(const RecordingHost&) = delete;
  RecordingHost& operator=(const RecordingHost&) = delete;

  const chaos_host_api* api() const { return &api_; }
  chaos_host_ctx* ctx() { return reinterpret_cast<chaos_host_ctx*>(this); }

  std::vector<Log> logs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return logs_;
  }
  std::vector<Metric> metrics() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return metrics_;
  }
  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }

  // Waits until `done` (called under the mutex) holds, or the timeout passes.
  bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, done);
  }
  bool wait_for_log(chaos_log_level level, const std::string& part,
                    std::chrono::milliseconds timeout) {
    return wait_until([&] { return has_log_locked(level, part); }, timeout);
  }
  bool wait_for_metric(const std::string& name, std::chrono::milliseconds timeout) {
    return wait_until(
        [&] {
          for (const Metric& m : metrics_) {
            if (m.name == name) return true;
          }
          return false;
        },
        timeout);
  }
  // REQUIRES: called inside a wait_until predicate (the mutex is held).
  size_t count_metric_locked(const std::string& name) const {
    size_t n = 0;
    for (const Metric& m : metrics_) n += m.name == name;
    return n;
  }
  bool has_log(chaos_log_level level, const std::string& part) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return has_log_locked(level, part);
  }

 private:
  bool has_log_locked(chaos_log_level level, const std::string& part) const {
    for (const Log& l : logs_) {
      if (l.level == level && l.message.find(part) != std::string::npos) return true;
    }
    return false;
  }
  static RecordingHost& self(chaos_host_ctx* ctx) { return *reinterpret_cast<RecordingHost*>(ctx); }

  static void on_log(chaos_host_ctx* ctx, chaos_log_level level, const char* msg, size_t len) {
    RecordingHost& h = self(ctx);
    {
      std::lock_guard<std::mutex> lock(h.mutex_);
      h.logs_.push_back({level, std::string(msg, len)});
    }
    h.changed_.notify_all();
  }
  static void on_metric(chaos_host_ctx* ctx, const char* name, size_t len, double value, int64_t) {
    RecordingHost& h = self(ctx);
    {
      std::lock_guard<std::mutex> lock(h.mutex_);
      h.metrics_.push_back({std::string(name, len), value});
    }
    h.changed_.notify_all();
  }
  static void on_event(chaos_host_ctx* ctx, const char* kind, size_t kind_len, const char* detail,
                       size_t detail_len) {
    RecordingHost& h = self(ctx);
    {
      std::lock_guard<std::mutex> lock(h.mutex_);
      h.events_.push_back({std::string(kind, kind_len), std::string(detail, detail_len)});
    }
    h.changed_.notify_all();
  }

  chaos_host_api api_{};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Log> logs_;        // guarded by mutex_
  std::vector<Metric> metrics_;  // guarded by mutex_
  std::vector<Event> events_;    // guarded by mutex_
};

}  // namespace chaos::testing
