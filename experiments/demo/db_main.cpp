// chaos-demo-db: the demo's tiny "database". See db_protocol.h for the protocol and
// README.md for how it fits into the demo.

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>

#include "common/duration.h"
#include "db_server.h"
#include "flags.h"
#include "listen_address.h"
#include "port_file.h"

namespace {

int run(int argc, char** argv) {
  using namespace chaos::demo;
  Flags flags;
  flags.declare("listen", "127.0.0.1:15433", "address to serve on (loopback only; port 0 = any)");
  flags.declare("work", "2ms", "simulated work time per request (e.g. 300ms for a slow db)");
  flags.declare("port-file", "", "write the bound port to this file once listening");
  if (auto st = flags.parse(argc, argv); !st) {
    spdlog::error("{} (see --help)", st.message());
    return 2;
  }
  if (flags.help_requested()) {
    std::fputs(flags.usage("chaos-demo-db", "A tiny line-protocol database for the chaosctl demo.")
                   .c_str(),
               stdout);
    return 0;
  }
  auto endpoint = parse_loopback_address(flags.get("listen"));
  if (!endpoint) {
    spdlog::error("--listen: {}", endpoint.status().message());
    return 2;
  }
  auto work = chaos::parse_duration(flags.get("work"));
  if (!work) {
    spdlog::error("--work: {}", work.status().message());
    return 2;
  }

  // One thread: the server is asynchronous, and its state is single-threaded by contract.
  boost::asio::io_context ioc(1);
  auto server = DbServer::listen(ioc, *endpoint, *work);
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
  spdlog::info("chaos-demo-db listening on {}:{} (work {})", endpoint->address().to_string(),
               (*server)->port(), chaos::format_duration(*work));

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
  // Logs go to stderr so stdout stays free for --help.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("db"));
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
