// chaos-demo-shop: the demo's HTTP shop. Its checkout borrows a connection from a bounded
// pool to the demo db; README.md explains the failure this makes visible.

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <cstdio>

#include "common/duration.h"
#include "connection_pool.h"
#include "flags.h"
#include "http_server.h"
#include "listen_address.h"
#include "port_file.h"
#include "shop_metrics.h"
#include "shop_service.h"

namespace {

using namespace chaos::demo;

// Parses the flags into pool options and the listen address; the error names the flag.
chaos::Status parse_config(const Flags& flags, boost::asio::ip::tcp::endpoint& listen,
                           PoolOptions& pool) {
  auto endpoint = parse_loopback_address(flags.get("listen"));
  if (!endpoint) return endpoint.status().with_context("--listen");
  listen = *endpoint;
  auto db = parse_loopback_address(flags.get("db"));
  if (!db) return db.status().with_context("--db");
  pool.db = *db;

  const std::string& size_text = flags.get("pool-size");
  unsigned size = 0;
  auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size);
  if (ec != std::errc() || end != size_text.data() + size_text.size() || size == 0 || size > 1000) {
    return chaos::Status::invalid_argument("--pool-size: '" + size_text +
                                           "' is not a number from 1 to 1000");
  }
  pool.size = size;

  auto wait = chaos::parse_duration(flags.get("pool-wait"));
  if (!wait) return wait.status().with_context("--pool-wait");
  pool.wait = *wait;
  auto timeout = chaos::parse_duration(flags.get("db-timeout"));
  if (!timeout) return timeout.status().with_context("--db-timeout");
  if (timeout->count() <= 0) return chaos::Status::invalid_argument("--db-timeout must be > 0");
  pool.query_timeout = *timeout;
  return chaos::Status::ok();
}

int run(int argc, char** argv) {
  Flags flags;
  flags.declare("listen", "127.0.0.1:18080",
                "HTTP address to serve on (loopback only; port 0 = any)");
  flags.declare("db", "127.0.0.1:15432",
                "address of the db (in the demo: the chaos proxy before it)");
  flags.declare("pool-size", "4", "db connections the pool may hold");
  flags.declare("pool-wait", "100ms", "how long a request waits for a free connection before 503");
  flags.declare("db-timeout", "1s", "per connect and per query; on expiry 504 and reconnect");
  flags.declare("port-file", "", "write the bound HTTP port to this file once listening");
  if (auto st = flags.parse(argc, argv); !st) {
    spdlog::error("{} (see --help)", st.message());
    return 2;
  }
  if (flags.help_requested()) {
    std::fputs(
        flags.usage("chaos-demo-shop", "An HTTP shop whose checkout needs a pooled db connection.")
            .c_str(),
        stdout);
    return 0;
  }
  boost::asio::ip::tcp::endpoint listen;
  PoolOptions pool_options;
  if (auto st = parse_config(flags, listen, pool_options); !st) {
    spdlog::error("{}", st.message());
    return 2;
  }

  // One event-loop thread serves everything. Concurrency comes from coroutines: a request
  // waiting for the pool or the db holds no thread, so the only limit on in-flight checkouts
  // is the pool itself — the behaviour this demo exists to show.
  boost::asio::io_context ioc(1);
  ShopMetrics metrics;
  auto pool = ConnectionPool::create(ioc.get_executor(), pool_options);
  ShopService service(pool, metrics);
  auto server = HttpServer::listen(
      ioc, listen, [&service](HttpRequest request) { return service.handle(std::move(request)); });
  if (!server) {
    spdlog::error("{}", server.status().message());
    return 1;
  }
  (*server)->start();
  if (const auto& path = flags.get("port-file"); !path.empty()) {
    if (auto st = write_port_file(path, (*server)->port()); !st) {
      spdlog::error("{}", st.message());
      return 1;
    }
  }
  spdlog::info(
      "chaos-demo-shop listening on {}:{}, db at {}:{} (pool {} conns, wait {}, "
      "db timeout {})",
      listen.address().to_string(), (*server)->port(), pool_options.db.address().to_string(),
      pool_options.db.port(), pool_options.size, chaos::format_duration(pool_options.wait),
      chaos::format_duration(pool_options.query_timeout));

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signo) {
    spdlog::info("signal {}: stopping", signo);
    (*server)->stop();
    ioc.stop();
  });
  ioc.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("shop"));
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
