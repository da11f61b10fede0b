#pragma once
// Every metric the shop exports, declared in one place so /metrics and the code that updates
// it agree on names. README.md lists them for experiment authors.
// Thread-safety: as MetricsRegistry.

#include <string>

#include "connection_pool.h"
#include "metrics_registry.h"

namespace chaos::demo {

class ShopMetrics {
  // First member: the references below are bound to it during construction.
  MetricsRegistry registry_;

 public:
  ShopMetrics();
  ShopMetrics(const ShopMetrics&) = delete;
  ShopMetrics& operator=(const ShopMetrics&) = delete;

  // Counts one served request. `path` must be one of a fixed few (callers map unknown paths
  // to "other"), so a scanner cannot create unbounded series.
  void count_request(const std::string& path, unsigned status);

  // The text exposition, with the pool gauges refreshed from `pool` first: the pool is the
  // source of truth, so the gauges cannot drift from it.
  std::string render(const PoolStats& pool);

  Histogram& checkout_duration;  // seconds, every checkout whatever its outcome
  Counter& pool_timeouts;        // acquire() gave up after --pool-wait
  Counter& db_errors;            // connect/query failures and timeouts
  Counter& db_queries;           // queries sent (or attempted) to the db

 private:
  MetricsRegistry::Family<Counter>& requests_;
  Gauge& pool_size_;
  Gauge& pool_in_use_;
  Gauge& pool_waiting_;
};

}  // namespace chaos::demo
