// cpu_burn — an example chaosctl plugin in C++, written with the SDK's wrapper (chaos/plugin.hpp).
//
// The "cpu_burn" fault keeps CPU cores busy: `threads` threads each spin for `load` percent of
// every 100 ms period, so a service on the same host competes for CPU (noisy neighbours, a
// runaway batch job). Its effect dies with the process, so it needs no recover.
//
// Safety caps: at most 64 threads and never more than the machine's CPUs; the burn ends itself
// after `max_duration` (at most 10 minutes) even if nobody stops it; stop returns within one
// period (100 ms).
//
// Threading: start/stop/update/status run on the host's thread for this instance. The burner
// threads and one supervisor thread (metrics every second, the max_duration cap) share only
// atomics and `mutex_`; all of them are joined in stop(), before destroy returns.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chaos/plugin.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using chaos::sdk::Host;
using chaos::sdk::InvalidParams;
using chaos::sdk::Params;
using Clock = std::chrono::steady_clock;

constexpr int kMaxThreads = 64;
constexpr int64_t kMaxDurationUs = 10LL * 60 * 1000 * 1000;
constexpr auto kPeriod = std::chrono::milliseconds(100);

int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

class CpuBurn : public chaos::sdk::Fault {
 public:
  static constexpr const char* kName = "cpu_burn";
  static constexpr const char* kSummary =
      "Keeps CPU cores busy: N threads spin for a share of every 100 ms, for a capped time.";
  static constexpr const char* kSchema = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "cpu_burn",
  "description": "Keeps CPU cores busy so the system under test competes for CPU. Ends itself after max_duration.",
  "type": "object",
  "properties": {
    "threads": {"type": "integer", "minimum": 1, "maximum": 64, "default": 1,
                "description": "Threads that burn; never more than the machine's CPUs."},
    "load": {"type": "integer", "minimum": 1, "maximum": 100, "default": 100,
             "description": "Percent of each 100 ms period a thread spins; can change while running."},
    "max_duration": {"type": "string", "format": "duration", "default": "60s",
                     "description": "Safety cap: the burn ends itself after this long. At most 10m."}
  },
  "additionalProperties": false
})JSON";

  static std::unique_ptr<CpuBurn> create(Host& host, const Params& params) {
    params.expect_only({"threads", "load", "max_duration"});
    auto burn = std::unique_ptr<CpuBurn>(new CpuBurn(host));
    burn->threads_ = static_cast<int>(params.get_int_or("threads", 1, 1, kMaxThreads));
    burn->load_ = static_cast<int>(params.get_int_or("load", 100, 1, 100));
    burn->max_duration_us_ = params.get_duration_us("max_duration", "60s");
    if (burn->max_duration_us_ <= 0 || burn->max_duration_us_ > kMaxDurationUs) {
      throw InvalidParams("max_duration", "must be more than 0 and at most 10m");
    }
    const int cpus = static_cast<int>(std::thread::hardware_concurrency());
    if (cpus > 0 && burn->threads_ > cpus) {
      host.warn("threads: " + std::to_string(burn->threads_) + " is more than the " +
                std::to_string(cpus) + " CPUs here; burning " + std::to_string(cpus));
      burn->threads_ = cpus;
    }
    return burn;
  }

  ~CpuBurn() override { halt(); }

  void start() override {
    if (supervisor_.joinable()) throw chaos::sdk::StateError("already started");
    burning_ = true;
    capped_ = false;
    started_ = Clock::now();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      running_ = true;
    }
    for (int i = 0; i < threads_; ++i) burners_.emplace_back([this] { burn(); });
    supervisor_ = std::thread([this] { supervise(); });
    host_.info("burning " + std::to_string(threads_) + " thread(s) at " +
               std::to_string(load_.load()) + "%");
  }

  void stop() override {
    if (!supervisor_.joinable()) return;  // never started, or already stopped
    halt();
    host_.metric("cpu_seconds", cpu_ns_.load() / 1e9);
    host_.info("stopped burning");
  }

  std::string status_json() override {
    const bool running = supervisor_.joinable() && burning_.load();
    return chaos::sdk::JsonObject()
        .add("running", running)
        .add("threads", threads_)
        .add("load", load_.load())
        .add("capped", capped_.load())
        .add("cpu_seconds", cpu_ns_.load() / 1e9)
        .str();
  }

  void update(const Params& params) override {
    params.expect_only({"threads", "load", "max_duration"});
    const int threads = static_cast<int>(params.get_int_or("threads", threads_, 1, kMaxThreads));
    if (threads != threads_ && supervisor_.joinable()) {
      throw InvalidParams("threads", "cannot change while the fault runs");
    }
    load_ = static_cast<int>(params.get_int_or("load", load_, 1, 100));
  }

 private:
  explicit CpuBurn(Host& host) : host_(host) {}

  // One burner: spins for load% of each period and sleeps the rest. Checks burning_ as it spins.
  void burn() {
    while (burning_) {
      const auto period_start = Clock::now();
      const int64_t cpu_before = thread_cpu_ns();
      const auto busy = kPeriod * load_.load() / 100;
      volatile uint64_t sink = 0;
      while (burning_ && Clock::now() - period_start < busy) {
        for (int i = 0; i < 10000; ++i) sink = sink + static_cast<uint64_t>(i) * 2654435761u;
      }
      cpu_ns_ += thread_cpu_ns() - cpu_before;
      std::this_thread::sleep_until(period_start + kPeriod);
    }
  }

  // Reports once a second, and ends the burn at max_duration.
  void supervise() {
    const auto deadline = started_ + std::chrono::microseconds(max_duration_us_);
    std::unique_lock<std::mutex> lock(mutex_);
    while (running_) {
      host_.metric("burn_threads", burning_ ? threads_ : 0);
      host_.metric("cpu_seconds", cpu_ns_.load() / 1e9);
      if (burning_ && Clock::now() >= deadline) {
        burning_ = false;
        capped_ = true;
        host_.warn("max_duration reached; the burn ended itself");
        host_.event("burn_capped",
                    chaos::sdk::JsonObject().add("max_duration_us", max_duration_us_).str());
      }
      auto wake_at = Clock::now() + std::chrono::seconds(1);
      if (burning_) wake_at = std::min(wake_at, deadline);
      wake_.wait_until(lock, wake_at, [&] { return !running_; });
    }
  }

  // Stops every thread and joins it. Idempotent.
  void halt() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      running_ = false;
    }
    burning_ = false;
    wake_.notify_all();
    for (auto& t : burners_) t.join();
    burners_.clear();
    if (supervisor_.joinable()) supervisor_.join();
  }

  Host& host_;
  int threads_ = 1;
  std::atomic<int> load_{100};
  int64_t max_duration_us_ = 0;
  Clock::time_point started_;
  std::atomic<bool> burning_{false};
  std::atomic<bool> capped_{false};
  std::atomic<int64_t> cpu_ns_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;  // guarded by mutex_: the supervisor runs while true
  std::vector<std::thread> burners_;
  std::thread supervisor_;
};

}  // namespace

CHAOS_PLUGIN("cpu", "0.1.0", "Faults on CPU time (an example plugin in C++).", CpuBurn)
