#include "checkout.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <variant>

namespace chaos::demo {

namespace net = boost::asio;

namespace {

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

HttpResponse error_response(unsigned status, std::string message) {
  return HttpResponse{status, "text/plain; charset=utf-8", std::move(message) + "\n"};
}

// One query with its bookkeeping. Returns the payload, or the error response to send.
net::awaitable<std::variant<std::string, HttpResponse>> query(DbConnection& connection,
                                                              ShopMetrics& metrics,
                                                              std::string request) {
  metrics.db_queries.inc();
  DbReply reply = co_await connection.query(request);
  if (reply.outcome == DbOutcome::kOk && all_digits(reply.text)) co_return std::move(reply.text);

  metrics.db_errors.inc();
  spdlog::warn("checkout: {} failed: {}", request, reply.text);
  if (reply.outcome == DbOutcome::kTimeout) co_return error_response(504, "db timeout");
  co_return error_response(502, "db error: " + reply.text);
}

net::awaitable<HttpResponse> checkout(ConnectionPool& pool, ShopMetrics& metrics, uint64_t item) {
  auto lease = co_await pool.acquire();
  if (!lease) {
    metrics.pool_timeouts.inc();
    const PoolStats stats = pool.stats();
    spdlog::warn("checkout: db pool exhausted ({}/{} in use, {} waiting)", stats.in_use, stats.size,
                 stats.waiting);
    co_return error_response(503, "db pool exhausted");
  }
  const std::string sku = "sku-" + std::to_string(item % 100);

  auto price = co_await query(lease->connection(), metrics, "PRICE " + sku);
  if (auto* error = std::get_if<HttpResponse>(&price)) co_return std::move(*error);
  auto reservation = co_await query(lease->connection(), metrics, "RESERVE " + sku);
  if (auto* error = std::get_if<HttpResponse>(&reservation)) co_return std::move(*error);

  // Both values are validated digits, so plain concatenation is valid JSON.
  co_return HttpResponse{200, "application/json",
                         "{\"order\":\"ord-" + std::get<std::string>(reservation) +
                             "\",\"total\":" + std::get<std::string>(price) + "}\n"};
}

}  // namespace

net::awaitable<HttpResponse> run_checkout(ConnectionPool& pool, ShopMetrics& metrics,
                                          uint64_t item) {
  const auto start = std::chrono::steady_clock::now();
  HttpResponse response = co_await checkout(pool, metrics, item);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  metrics.checkout_duration.observe(elapsed.count());
  co_return response;
}

}  // namespace chaos::demo
