#pragma once
// A bounded pool of database connections, the resource this demo exists to exhaust.
//
// A request borrows a connection with acquire(); when all `size` connections are borrowed it
// waits, first come first served, for up to `wait`, and then gives up. That wait is where a
// slow dependency turns into shop latency, and the give-up is where it turns into errors.
//
// Ownership: the pool is shared (create()) because every Lease keeps it alive; a Lease may
// outlive the code that created the pool while coroutines are torn down at shutdown.
// Thread-safety: not thread-safe. Everything — acquire, Lease destruction, stats — must run on
// the pool's single-threaded executor.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "db_connection.h"

namespace chaos::demo {

struct PoolOptions {
  boost::asio::ip::tcp::endpoint db;
  std::size_t size = 4;
  std::chrono::microseconds wait{100'000};             // how long acquire() waits
  std::chrono::microseconds query_timeout{1'000'000};  // per connect and per query
};

struct PoolStats {
  std::size_t size = 0;
  std::size_t in_use = 0;
  std::size_t waiting = 0;
};

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  // Connections are created closed and connect on first use (see DbConnection).
  // REQUIRES: options.size > 0.
  static std::shared_ptr<ConnectionPool> create(boost::asio::any_io_executor executor,
                                                PoolOptions options);

  // Exclusive use of one connection; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    DbConnection& connection() { return *connection_; }

   private:
    friend class ConnectionPool;
    Lease(std::shared_ptr<ConnectionPool> pool, std::unique_ptr<DbConnection> connection)
        : pool_(std::move(pool)), connection_(std::move(connection)) {}
    std::shared_ptr<ConnectionPool> pool_;
    std::unique_ptr<DbConnection> connection_;
  };

  // A connection, or nullopt if none became free within options.wait.
  boost::asio::awaitable<std::optional<Lease>> acquire();

  PoolStats stats() const;

 private:
  struct Waiter;
  explicit ConnectionPool(PoolOptions options) : options_(std::move(options)) {}
  void release(std::unique_ptr<DbConnection> connection);

  const PoolOptions options_;
  std::vector<std::unique_ptr<DbConnection>> idle_;  // most recently used last (warm first)
  std::deque<std::shared_ptr<Waiter>> waiters_;      // oldest first
  std::size_t in_use_ = 0;
};

}  // namespace chaos::demo
