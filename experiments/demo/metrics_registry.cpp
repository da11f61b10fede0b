#include "metrics_registry.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <type_traits>

namespace chaos::demo {

namespace {

std::string escape(const std::string& text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += quotes ? "\\\"" : "\"";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// `{a="1",b="2"}`, with an optional extra label appended (the histogram's "le").
std::string render_labels(const Labels& labels, const char* extra_name = nullptr,
                          const std::string& extra_value = {}) {
  if (labels.empty() && !extra_name) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"" + escape(value, true) + "\"";
  }
  if (extra_name) {
    if (out.size() > 1) out += ',';
    out += std::string(extra_name) + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

[[maybe_unused]] bool valid_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 1; i < bounds_.size(); ++i) assert(bounds_[i - 1] < bounds_[i]);
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;  // "le": a value on a bound counts in it
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snap.cumulative.push_back(running);
  }
  // _count is the +Inf bucket by definition, so the two always agree in one scrape.
  snap.count = running;
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

template <typename Metric>
Metric& MetricsRegistry::Family<Metric>::with(const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = series_[labels];
  if (!slot) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      slot = std::make_unique<Histogram>(bounds_);
    } else {
      slot = std::make_unique<Metric>();
    }
  }
  return *slot;
}

template class MetricsRegistry::Family<Counter>;
template class MetricsRegistry::Family<Gauge>;
template class MetricsRegistry::Family<Histogram>;

MetricsRegistry::Entry& MetricsRegistry::add_entry(const std::string& name, const std::string& help,
                                                   const char* type) {
  assert(valid_name(name) && "invalid metric name");
  std::lock_guard lock(mutex_);
  for ([[maybe_unused]] const auto& entry : entries_) {
    assert(entry->name != name && "metric declared twice");
  }
  entries_.push_back(std::make_unique<Entry>());
  Entry& entry = *entries_.back();
  entry.name = name;
  entry.help = help;
  entry.type = type;
  return entry;
}

MetricsRegistry::Family<Counter>& MetricsRegistry::counter(const std::string& name,
                                                           const std::string& help) {
  Entry& entry = add_entry(name, help, "counter");
  entry.counter.reset(new Family<Counter>(mutex_, {}));
  return *entry.counter;
}

MetricsRegistry::Family<Gauge>& MetricsRegistry::gauge(const std::string& name,
                                                       const std::string& help) {
  Entry& entry = add_entry(name, help, "gauge");
  entry.gauge.reset(new Family<Gauge>(mutex_, {}));
  return *entry.gauge;
}

MetricsRegistry::Family<Histogram>& MetricsRegistry::histogram(const std::string& name,
                                                               const std::string& help,
                                                               std::vector<double> bounds) {
  Entry& entry = add_entry(name, help, "histogram");
  entry.histogram.reset(new Family<Histogram>(mutex_, std::move(bounds)));
  return *entry.histogram;
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& entry : entries_) {
    out += "# HELP " + entry->name + " " + escape(entry->help, false) + "\n";
    out += "# TYPE " + entry->name + " " + entry->type + "\n";
    auto simple = [&](const auto& series) {
      for (const auto& [labels, metric] : series) {
        out +=
            entry->name + render_labels(labels) + " " + format_metric_value(metric->value()) + "\n";
      }
    };
    if (entry->counter) simple(entry->counter->series_);
    if (entry->gauge) simple(entry->gauge->series_);
    if (entry->histogram) {
      for (const auto& [labels, histogram] : entry->histogram->series_) {
        const auto snap = histogram->snapshot();
        const auto& bounds = histogram->bounds();
        for (size_t i = 0; i <= bounds.size(); ++i) {
          const std::string le = i < bounds.size() ? format_metric_value(bounds[i]) : "+Inf";
          out += entry->name + "_bucket" + render_labels(labels, "le", le) + " " +
                 std::to_string(snap.cumulative[i]) + "\n";
        }
        out += entry->name + "_sum" + render_labels(labels) + " " + format_metric_value(snap.sum) +
               "\n";
        out += entry->name + "_count" + render_labels(labels) + " " + std::to_string(snap.count) +
               "\n";
      }
    }
  }
  return out;
}

}  // namespace chaos::demo
