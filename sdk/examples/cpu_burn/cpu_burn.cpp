// cpu_burn — an example chaosctl plugin in C++, written with the SDK's wrapper (chaos/plugin.hpp).
//
// The "cpu_burn" fault keeps CPU cores busy: `threads` threads each spin for `load` percent of
// every 100 ms period, so a service on the same host competes for CPU (noisy neighbours, a
// runaway batch job). Its effect dies with the process, so it needs no recover.
//
// Safety caps: at most 64 threads and never more than the machine's CPUs; the burn ends itself
// after `max_duration` (at most 10 minutes; the burners check it every period) even if nobody
// stops it; stop returns within one period (100 ms).
//
// Threading: start/stop/update/status run on the host's thread for this instance. The burner
// threads and the SDK's PeriodicReporter (metrics every second) share only atomics; all of them
// are joined in stop(), before destroy returns.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chaos/plugin.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using chaos::sdk::Host;
using chaos::sdk::InvalidParams;
using chaos::sdk::Params;
using Clock = std::chrono::steady_clock;

constexpr int kMaxThreads = 64;
constexpr auto kPeriod = std::chrono::milliseconds(100);
// max_duration's bounds, written once: the schema below carries them as "formatExclusiveMinimum"
// and "formatMaximum" (so chaosctl refuses "11m" before create), create as kMaxDurationBounds.
#define CPU_BURN_MAX_DURATION "10m"
constexpr auto kMaxDurationBounds = chaos::sdk::DurationBounds::between("1us", CPU_BURN_MAX_DURATION);

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
                     "formatExclusiveMinimum": "0s", "formatMaximum": ")JSON" CPU_BURN_MAX_DURATION R"JSON(",
                     "description": "Safety cap: the burn ends itself after this long."}
  },
  "additionalProperties": false
})JSON";

  static std::unique_ptr<CpuBurn> create(Host& host, const Params& params) {
    params.expect_only({"threads", "load", "max_duration"});
    auto burn = std::unique_ptr<CpuBurn>(new CpuBurn(host));
    burn->threads_ = static_cast<int>(params.get_int_or("threads", 1, 1, kMaxThreads));
    burn->load_ = static_cast<int>(params.get_int_or("load", 100, 1, 100));
    burn->max_duration_us_ = params.get_duration_us("max_duration", "60s", kMaxDurationBounds);
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
    if (reporter_.running()) throw chaos::sdk::StateError("already started");
    burning_ = true;
    capped_ = false;
    deadline_ = Clock::now() + std::chrono::microseconds(max_duration_us_);
    for (int i = 0; i < threads_; ++i) burners_.emplace_back([this] { burn(); });
    reporter_.start(
        [this](chaos::sdk::PeriodicReporter::Clock::duration) {
          host_.metric("burn_threads", burning_ ? threads_ : 0);
          host_.metric("cpu_seconds", cpu_ns_.load() / 1e9);
          return true;
        },
        {std::chrono::seconds(1), /*tick_at_start=*/true});
    host_.info("burning " + std::to_string(threads_) + " thread(s) at " +
               std::to_string(load_.load()) + "%");
  }

  void stop() override {
    if (!reporter_.running()) return;  // never started, or already stopped
    halt();
    host_.metric("cpu_seconds", cpu_ns_.load() / 1e9);
    host_.info("stopped burning");
  }

  std::string status_json() override {
    const bool running = reporter_.running() && burning_.load();
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
    if (threads != threads_ && reporter_.running()) {
      throw InvalidParams("threads", "cannot change while the fault runs");
    }
    load_ = static_cast<int>(params.get_int_or("load", load_, 1, 100));
  }

 private:
  explicit CpuBurn(Host& host) : host_(host) {}

  // One burner: spins for load% of each period and sleeps the rest. Checks burning_ as it
  // spins, and the max_duration deadline once a period.
  void burn() {
    while (burning_) {
      const auto period_start = Clock::now();
      if (period_start >= deadline_) return cap();
      const int64_t cpu_before = thread_cpu_ns();
      const auto busy = kPeriod * load_.load() / 100;
      volatile uint64_t sink = 0;
      while (burning_ && Clock::now() - period_start < busy) {
        for (int i = 0; i < 10000; ++i) sink = sink + static_cast<uint64_t>(i) * 2654435761u;
      }
      cpu_ns_ += thread_cpu_ns() - cpu_before;
      std::this_thread::sleep_until(std::min(period_start + kPeriod, deadline_));
    }
  }

  // The deadline passed: the first burner to see it ends the burn and says so, once.
  void cap() {
    bool was_burning = true;
    if (!burning_.compare_exchange_strong(was_burning, false)) return;
    capped_ = true;
    host_.warn("max_duration reached; the burn ended itself");
    host_.event("burn_capped",
                chaos::sdk::JsonObject().add("max_duration_us", max_duration_us_).str());
  }

  // Stops every thread and joins it. Idempotent.
  void halt() {
    burning_ = false;
    for (auto& t : burners_) t.join();
    burners_.clear();
    reporter_.stop();
  }

  Host& host_;
  int threads_ = 1;
  std::atomic<int> load_{100};
  int64_t max_duration_us_ = 0;
  Clock::time_point deadline_;  // set by start before the burners begin; read-only after
  std::atomic<bool> burning_{false};
  std::atomic<bool> capped_{false};
  std::atomic<int64_t> cpu_ns_{0};
  std::vector<std::thread> burners_;
  chaos::sdk::PeriodicReporter reporter_;  // runs from start to stop: "running"
};

}  // namespace

CHAOS_PLUGIN("cpu", "0.1.0", "Faults on CPU time (an example plugin in C++).", CpuBurn)
