#include "metrics_reporter.h"

namespace chaos::network {

Series::Series(const char* name, const std::atomic<uint64_t>* counter)
    : name(name), read([counter]() -> std::optional<double> {
        return static_cast<double>(counter->load(std::memory_order_relaxed));
      }) {}

void MetricsReporter::emit(const sdk::Host& host, const std::vector<Series>& series) {
  for (const Series& s : series) {
    if (const std::optional<double> value = s.read()) host.metric(s.name, *value);
  }
}

void MetricsReporter::start(std::vector<Series> series) {
  if (thread_.joinable()) return;
  series_ = std::move(series);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void MetricsReporter::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  emit(host_, series_);  // the last window, so a chart does not end one interval early
}

void MetricsReporter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    emit(host_, series_);
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace chaos::network
