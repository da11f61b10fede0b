// `chaosctl serve` out of file descriptors (issue 17.7): with RLIMIT_NOFILE at 64 and more idle
// connections than it can hold, the accept loop used to retry at once on EMFILE, a full core
// spent until the connections closed. It now waits between tries, says so once, and answers
// again once descriptors free up.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "server_fixture.h"

namespace chaos::server {
namespace {

using namespace std::chrono_literals;

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";

// utime + stime of every thread of `pid`, in seconds (/proc/PID/stat fields 14 and 15).
double cpu_seconds(pid_t pid) {
  const std::string stat = test::read_file("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A connection to 127.0.0.1:port that sends nothing; -1 if connect failed.
int idle_connection(unsigned short port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (fd >= 0) close(fd);
  return -1;
}

TEST(OutOfDescriptorsTest, ServeBacksOffOnEmfileAndAnswersOnceConnectionsClose) {
  test::TempDir dir;
  test::write_file(dir.file("ok.lua"), "experiment { title = 'ok', method = function() end }\n");
  test::ChildProcess serve("/bin/bash",
                           {"-c",
                            "ulimit -n 64 && exec \"$0\" --db \"$1\" serve --listen 127.0.0.1:0 "
                            "--token t0123456789 \"$2\"",
                            kChaosctl, dir.file("chaos.db"), dir.file("ok.lua")},
                           dir.file("serve.log"));
  const auto port = served_port(serve);
  ASSERT_TRUE(port) << serve.log();
  ASSERT_EQ(http(*port, "GET", "/api/v1/runs").status, 200);

  std::vector<int> idle;
  for (int i = 0; i < 120; ++i) {
    const int fd = idle_connection(*port);
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  const std::string kOut = "cannot accept connections: Too many open files";
  ASSERT_TRUE(test::wait_for([&] { return serve.log().find(kOut) != std::string::npos; }, 10s))
      << serve.log();

  // A measurement, not a wait: the CPU serve spends over 2 s while it cannot accept.
  const double cpu_before = cpu_seconds(serve.pid());
  const auto wall_before = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(2s);
  const double cpu = cpu_seconds(serve.pid()) - cpu_before;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  EXPECT_LT(cpu / wall, 0.10) << "serve spent " << cpu << " s of CPU in " << wall << " s";
  const std::string log = serve.log();
  const size_t first = log.find(kOut);
  EXPECT_EQ(log.find(kOut, first + 1), std::string::npos) << "logged more than once:\n" << log;

  for (int fd : idle) close(fd);
  EXPECT_TRUE(test::wait_for([&] { return http(*port, "GET", "/api/v1/runs").status == 200; }, 20s))
      << serve.log();
  EXPECT_TRUE(test::wait_for(
      [&] { return serve.log().find("accepting connections again") != std::string::npos; }, 5s))
      << serve.log();
  serve.stop();
}

}  // namespace
}  // namespace chaos::server
