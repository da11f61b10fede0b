#include "connection_pool.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <cassert>

#include "spawn.h"

namespace chaos::demo {

namespace net = boost::asio;

// A request parked in acquire(). release() hands a connection over by filling `granted` and
// cancelling the timer; the waiter checks `granted` whatever the timer said, because the
// timer may already have expired (its completion queued) when the hand-over happens.
struct ConnectionPool::Waiter {
  explicit Waiter(net::any_io_executor executor) : timer(std::move(executor)) {}
  net::steady_timer timer;
  std::unique_ptr<DbConnection> granted;
};

std::shared_ptr<ConnectionPool> ConnectionPool::create(net::any_io_executor executor,
                                                       PoolOptions options) {
  assert(options.size > 0);
  std::shared_ptr<ConnectionPool> pool(new ConnectionPool(std::move(options)));
  for (std::size_t i = 0; i < pool->options_.size; ++i) {
    pool->idle_.push_back(
        std::make_unique<DbConnection>(executor, pool->options_.db, pool->options_.query_timeout));
  }
  return pool;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ && connection_) pool_->release(std::move(connection_));
}

net::awaitable<std::optional<ConnectionPool::Lease>> ConnectionPool::acquire() {
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    ++in_use_;
    co_return Lease(shared_from_this(), std::move(connection));
  }

  auto waiter = std::make_shared<Waiter>(co_await net::this_coro::executor);
  waiter->timer.expires_after(options_.wait);
  waiters_.push_back(waiter);
  co_await waiter->timer.async_wait(kAwaitTuple);  // expiry or hand-over; both checked below

  if (waiter->granted) co_return Lease(shared_from_this(), std::move(waiter->granted));
  std::erase(waiters_, waiter);
  co_return std::nullopt;
}

void ConnectionPool::release(std::unique_ptr<DbConnection> connection) {
  if (!waiters_.empty()) {
    // Straight to the oldest waiter: it stays counted in in_use_.
    auto waiter = std::move(waiters_.front());
    waiters_.pop_front();
    waiter->granted = std::move(connection);
    waiter->timer.cancel();
    return;
  }
  --in_use_;
  idle_.push_back(std::move(connection));
}

PoolStats ConnectionPool::stats() const {
  return PoolStats{options_.size, in_use_, waiters_.size()};
}

}  // namespace chaos::demo
