// The pool and the db client against an in-process db server on the same event loop: the
// waiting, hand-over and give-up rules with real sockets but no child processes.

#include "connection_pool.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "db_server.h"

namespace chaos::demo {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class ConnectionPoolTest : public ::testing::Test {
 protected:
  // Starts an in-process db on `port` (0 = any) and returns its endpoint.
  net::ip::tcp::endpoint start_db(std::chrono::microseconds work, unsigned short port = 0) {
    auto server = DbServer::listen(ioc_, {net::ip::make_address("127.0.0.1"), port}, work);
    EXPECT_TRUE(server) << server.status().message();
    if (!server) return {};
    db_ = std::move(server).value();
    db_->start();
    return {net::ip::make_address("127.0.0.1"), db_->port()};
  }

  std::shared_ptr<ConnectionPool> make_pool(net::ip::tcp::endpoint db, size_t size,
                                            std::chrono::microseconds wait) {
    return ConnectionPool::create(ioc_.get_executor(), PoolOptions{db, size, wait, 1s});
  }

  // Spawns a coroutine on the loop; an exception escaping it fails the test via run().
  template <typename F>
  void spawn(F body) {
    net::co_spawn(ioc_, std::move(body), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  }

  // Runs the loop until every spawned coroutine is done, bounded so a hang fails instead.
  void run() {
    ioc_.run_for(5s);
    EXPECT_TRUE(ioc_.stopped()) << "coroutines still pending after 5 s";
  }

  net::awaitable<void> sleep(std::chrono::milliseconds d) {
    net::steady_timer timer(ioc_, d);
    co_await timer.async_wait(net::use_awaitable);
  }

  net::io_context ioc_{1};
  std::unique_ptr<DbServer> db_;
};

TEST_F(ConnectionPoolTest, ConnectsLazilyAndReusesTheConnection) {
  auto pool = make_pool(start_db(0us), 1, 100ms);
  spawn([&]() -> net::awaitable<void> {
    {
      auto lease = co_await pool->acquire();
      EXPECT_TRUE(lease.has_value());
      EXPECT_FALSE(lease->connection().is_open());  // not opened until first used
      auto reply = co_await lease->connection().query("PING");
      EXPECT_EQ(reply.outcome, DbOutcome::kOk);
      EXPECT_EQ(reply.text, "PONG");
      EXPECT_EQ(pool->stats().in_use, 1u);
    }
    EXPECT_EQ(pool->stats().in_use, 0u);
    auto again = co_await pool->acquire();
    EXPECT_TRUE(again->connection().is_open());
    auto reply = co_await again->connection().query("PRICE sku-1");
    EXPECT_EQ(reply.outcome, DbOutcome::kOk);
    again->connection().close();  // lets the server's connection coroutine end
    db_->stop();
  });
  run();
}

TEST_F(ConnectionPoolTest, WaiterGetsTheConnectionReleasedBeforeItsDeadline) {
  auto pool = make_pool(start_db(0us), 1, 2s);
  std::optional<Clock::duration> waited;
  spawn([&]() -> net::awaitable<void> {
    auto lease = co_await pool->acquire();
    co_await sleep(50ms);  // the second request queues meanwhile
    EXPECT_EQ(pool->stats().waiting, 1u);
  });
  spawn([&]() -> net::awaitable<void> {
    const auto start = Clock::now();
    auto lease = co_await pool->acquire();
    EXPECT_TRUE(lease.has_value());
    waited = Clock::now() - start;
    EXPECT_EQ(pool->stats().waiting, 0u);
    db_->stop();
  });
  run();
  ASSERT_TRUE(waited);
  EXPECT_GE(*waited, 40ms);
  EXPECT_LT(*waited, 1s);
}

TEST_F(ConnectionPoolTest, AcquireGivesUpAfterPoolWait) {
  auto pool = make_pool(start_db(0us), 1, 50ms);
  std::optional<Clock::duration> waited;
  spawn([&]() -> net::awaitable<void> {
    auto lease = co_await pool->acquire();
    co_await sleep(300ms);
  });
  spawn([&]() -> net::awaitable<void> {
    const auto start = Clock::now();
    auto lease = co_await pool->acquire();
    EXPECT_FALSE(lease.has_value());
    waited = Clock::now() - start;
    EXPECT_EQ(pool->stats().waiting, 0u);
    EXPECT_EQ(pool->stats().in_use, 1u);
    db_->stop();
  });
  run();
  ASSERT_TRUE(waited);
  EXPECT_GE(*waited, 50ms);
  EXPECT_LT(*waited, 300ms);
}

TEST_F(ConnectionPoolTest, TimedOutQueryClosesTheConnection) {
  const auto db = start_db(300ms);
  spawn([&]() -> net::awaitable<void> {
    DbConnection connection(ioc_.get_executor(), db, 50ms);
    auto reply = co_await connection.query("PING");
    EXPECT_EQ(reply.outcome, DbOutcome::kTimeout) << reply.text;
    EXPECT_FALSE(connection.is_open());  // a late reply must not answer the next query
    db_->stop();
  });
  run();
}

TEST_F(ConnectionPoolTest, ConnectionReconnectsOnceTheDbIsUp) {
  unsigned short port = 0;
  {
    net::ip::tcp::acceptor probe(ioc_, {net::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }  // closed again: nothing listens on `port` now
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  spawn([&]() -> net::awaitable<void> {
    DbConnection connection(ioc_.get_executor(), endpoint, 1s);
    auto down = co_await connection.query("PING");
    EXPECT_EQ(down.outcome, DbOutcome::kError);
    EXPECT_NE(down.text.find("connect"), std::string::npos) << down.text;

    start_db(0us, port);
    auto up = co_await connection.query("PING");
    EXPECT_EQ(up.outcome, DbOutcome::kOk) << up.text;
    db_->stop();
  });
  run();
}

}  // namespace
}  // namespace chaos::demo
