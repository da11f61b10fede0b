#pragma once
// Series: one named metric a fault reports, read from a counter or computed at each sample.
// ProxyAttachment emits them through the SDK's PeriodicReporter.
//
// Thread-safety: read() runs on the reporter's thread (and, for the last sample, on the fault's
// control thread after the reporter was joined), never on two at once.

#include <atomic>
#include <chaos/plugin.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace chaos::network {

// A counter, or a value computed at each sample (nullopt: no sample this time, e.g. a window
// with nothing in it). What either refers to must outlive the reporting. The computed form
// never runs concurrently with itself, so it may keep state.
struct Series {
  Series(const char* name, const std::atomic<uint64_t>* counter)
      : name(name), read([counter]() -> std::optional<double> {
          return static_cast<double>(counter->load(std::memory_order_relaxed));
        }) {}
  Series(const char* name, std::function<std::optional<double>()> read)
      : name(name), read(std::move(read)) {}

  const char* name;
  std::function<std::optional<double>()> read;
};

// One sample of every series, now.
inline void emit_series(const sdk::Host& host, const std::vector<Series>& series) {
  for (const Series& s : series) {
    if (const std::optional<double> value = s.read()) host.metric(s.name, *value);
  }
}

}  // namespace chaos::network
