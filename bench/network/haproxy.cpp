#include "haproxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "peers.h"

namespace chaos::bench {

uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

Haproxy::Haproxy(const std::string& binary, const std::vector<uint16_t>& upstreams) {
  if (access(binary.c_str(), X_OK) != 0) {
    error_ = binary + " is missing: install the Debian package 'haproxy'";
    return;
  }
  char tmpl[] = "/tmp/chaos-bench-haproxy-XXXXXX";
  dir_ = mkdtemp(tmpl);
  // One thread, like our proxy's one io thread per proxy; TCP mode, no logging.
  std::ostringstream conf;
  conf << "global\n  nbthread 1\n  maxconn 4096\n\n"
       << "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 120s\n"
       << "  timeout server 120s\n\n";
  for (size_t i = 0; i < upstreams.size(); ++i) {
    ports_.push_back(free_port());
    conf << "listen path" << i << "\n  bind 127.0.0.1:" << ports_.back()
         << "\n  server up 127.0.0.1:" << upstreams[i] << "\n\n";
  }
  const std::string conf_path = dir_ + "/haproxy.cfg";
  std::ofstream(conf_path) << conf.str();
  const std::string log_path = dir_ + "/haproxy.log";

  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execl(binary.c_str(), binary.c_str(), "-db", "-f", conf_path.c_str(), nullptr);
    _exit(127);
  }
  // Ready once every frontend accepts.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (uint16_t port : ports_) {
    int fd;
    while ((fd = connect_loopback(port)) < 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (fd < 0) {
      std::ifstream in(log_path);
      std::stringstream log;
      log << in.rdbuf();
      error_ = "haproxy did not start: " + log.str();
      return;
    }
    ::close(fd);
  }
  FILE* v = popen((binary + " -v 2>&1").c_str(), "r");
  char line[256] = {0};
  if (v && fgets(line, sizeof line, v)) version_ = line;
  if (v) pclose(v);
  while (!version_.empty() && version_.back() == '\n') version_.pop_back();
}

Haproxy::~Haproxy() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 250 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace chaos::bench
