#include "metrics_reporter.h"

namespace chaos::network {

void MetricsReporter::emit(const sdk::Host& host, const ProxyStats& stats) {
  auto sample = [&](const char* name, const std::atomic<uint64_t>& value) {
    host.metric(name, static_cast<double>(value.load(std::memory_order_relaxed)));
  };
  sample("connections_opened", stats.connections_opened);
  sample("connections_active", stats.connections_active);
  sample("bytes_to_upstream", stats.bytes_to_upstream);
  sample("bytes_from_upstream", stats.bytes_from_upstream);
  sample("chunks_delayed", stats.chunks_delayed);
  sample("upstream_errors", stats.upstream_errors);
}

void MetricsReporter::start(const ProxyStats* stats) {
  if (thread_.joinable()) return;
  stats_ = stats;
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
  emit(host_, *stats_);  // the last window, so a chart does not end one interval early
}

void MetricsReporter::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    emit(host_, *stats_);
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace chaos::network
