#pragma once
// A small Prometheus metrics registry rendering the text exposition format 0.0.4: counters,
// gauges and histograms, each a named family with optional labels.
//
// Families are declared once at start-up; the returned references stay valid for the
// registry's lifetime, so hot paths update a metric without any lookup.
// Thread-safety: updating a Counter/Gauge/Histogram and render() are safe from any thread;
// mutex_ guards the family and series maps, series values are atomics.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace chaos::demo {

// Label pairs, rendered in the given order. Values are escaped on render.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // REQUIRES: `bounds` strictly increasing; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);

  // A consistent-enough snapshot for rendering: cumulative bucket counts, then sum and count.
  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket (not cumulative), +Inf last
  std::atomic<double> sum_{0};
};

class MetricsRegistry {
 public:
  template <typename Metric>
  class Family {
   public:
    // The series for `labels`, created on first use. Keep label values few: each distinct
    // set is a series forever.
    Metric& with(const Labels& labels = {});

   private:
    friend class MetricsRegistry;
    Family(std::mutex& mutex, std::vector<double> bounds)
        : mutex_(mutex), bounds_(std::move(bounds)) {}
    std::mutex& mutex_;                                 // the registry's
    std::vector<double> bounds_;                        // histograms only
    std::map<Labels, std::unique_ptr<Metric>> series_;  // guarded by mutex_
  };

  // Declaring a name twice is a programming error (asserts). Names must match
  // [a-zA-Z_:][a-zA-Z0-9_:]*; counters should end in _total.
  Family<Counter>& counter(const std::string& name, const std::string& help);
  Family<Gauge>& gauge(const std::string& name, const std::string& help);
  Family<Histogram>& histogram(const std::string& name, const std::string& help,
                               std::vector<double> bounds);

  // The whole registry in text format 0.0.4, families in declaration order.
  std::string render() const;

 private:
  struct Entry {
    std::string name;
    std::string help;
    std::string type;  // "counter", "gauge", "histogram"
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Gauge>> gauge;
    std::unique_ptr<Family<Histogram>> histogram;
  };
  Entry& add_entry(const std::string& name, const std::string& help, const char* type);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;  // guarded by mutex_
};

// Formats a sample value the way Prometheus parses it: shortest round-trip form, "+Inf",
// "-Inf", "NaN".
std::string format_metric_value(double v);

}  // namespace chaos::demo
