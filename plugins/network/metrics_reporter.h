#pragma once
// MetricsReporter: samples counters through one fault's host, once at start and then every
// interval, on its own thread, until stop().
//
// Thread-safety: start/stop from the fault's control thread; the host's metric callback is
// thread-safe by contract.

#include <atomic>
#include <chaos/plugin.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace chaos::network {

// One named series: a counter, or a value computed at each sample (nullopt: no sample this
// time, e.g. a window with nothing in it). What either refers to must outlive the reporter's
// next stop(). The computed form runs on the reporter's thread only, so it may keep state.
struct Series {
  Series(const char* name, const std::atomic<uint64_t>* counter);
  Series(const char* name, std::function<std::optional<double>()> read)
      : name(name), read(std::move(read)) {}

  const char* name;
  std::function<std::optional<double>()> read;
};

class MetricsReporter {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval{1000};

  // `host` must outlive the reporter.
  explicit MetricsReporter(const sdk::Host& host,
                           std::chrono::milliseconds interval = kDefaultInterval)
      : host_(host), interval_(interval) {}
  ~MetricsReporter() { stop(); }
  MetricsReporter(const MetricsReporter&) = delete;
  MetricsReporter& operator=(const MetricsReporter&) = delete;

  // A second start while running is ignored.
  void start(std::vector<Series> series);
  // Emits a last sample and joins the thread. Idempotent; returns within one sample's time.
  void stop();

  // One sample of every series, now.
  static void emit(const sdk::Host& host, const std::vector<Series>& series);

 private:
  void run();

  const sdk::Host& host_;
  const std::chrono::milliseconds interval_;
  std::vector<Series> series_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace chaos::network
