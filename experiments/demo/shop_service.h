#pragma once
// The shop's routes: GET /checkout, /health, /metrics; 404 for anything else. Every request
// is counted in shop_http_requests_total.
// Thread-safety: runs on the pool's executor (see ConnectionPool).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>

#include "connection_pool.h"
#include "http_message.h"
#include "shop_metrics.h"

namespace chaos::demo {

class ShopService {
 public:
  // REQUIRES: `metrics` outlives the service.
  ShopService(std::shared_ptr<ConnectionPool> pool, ShopMetrics& metrics)
      : pool_(std::move(pool)), metrics_(metrics) {}

  // Never throws; every outcome is a response.
  boost::asio::awaitable<HttpResponse> handle(HttpRequest request);

 private:
  std::shared_ptr<ConnectionPool> pool_;
  ShopMetrics& metrics_;
  uint64_t checkouts_ = 0;
};

}  // namespace chaos::demo
