#pragma once
// GET /checkout: borrow a pooled db connection, price an item and reserve it (two queries),
// answer with the order. Failures map to the status an operator would look for:
//   503 "db pool exhausted"  no connection became free within --pool-wait
//   504 "db timeout"         the db did not answer within --db-timeout
//   502 "db error: ..."      the db refused, reset, or answered with an error
// Each failure is one log line on stderr.
// Thread-safety: runs on the pool's executor (see ConnectionPool).

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "connection_pool.h"
#include "http_message.h"
#include "shop_metrics.h"

namespace chaos::demo {

// `item` picks the sku, so consecutive checkouts touch different rows.
boost::asio::awaitable<HttpResponse> run_checkout(ConnectionPool& pool, ShopMetrics& metrics,
                                                  uint64_t item);

}  // namespace chaos::demo
