#include "shop_metrics.h"

namespace chaos::demo {

ShopMetrics::ShopMetrics()
    : checkout_duration(
          registry_
              .histogram("shop_checkout_duration_seconds",
                         "Time to serve GET /checkout, including waiting for the db pool.",
                         {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5})
              .with()),
      pool_timeouts(registry_
                        .counter("shop_db_pool_timeouts_total",
                                 "Requests that gave up waiting for a free db pool connection.")
                        .with()),
      db_errors(
          registry_
              .counter("shop_db_errors_total", "Failed db connects and queries, timeouts included.")
              .with()),
      db_queries(registry_.counter("shop_db_queries_total", "Queries sent to the db.").with()),
      requests_(registry_.counter("shop_http_requests_total",
                                  "HTTP requests served, by path and status code.")),
      pool_size_(registry_.gauge("shop_db_pool_size", "Connections the db pool may hold.").with()),
      pool_in_use_(
          registry_.gauge("shop_db_pool_in_use", "Db pool connections currently borrowed.").with()),
      pool_waiting_(
          registry_
              .gauge("shop_db_pool_waiting", "Requests currently waiting for a db pool connection.")
              .with()) {}

void ShopMetrics::count_request(const std::string& path, unsigned status) {
  requests_.with({{"path", path}, {"code", std::to_string(status)}}).inc();
}

std::string ShopMetrics::render(const PoolStats& pool) {
  pool_size_.set(static_cast<double>(pool.size));
  pool_in_use_.set(static_cast<double>(pool.in_use));
  pool_waiting_.set(static_cast<double>(pool.waiting));
  return registry_.render();
}

}  // namespace chaos::demo
