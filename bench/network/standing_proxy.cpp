#include "standing_proxy.h"

#include <fcntl.h>
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

#include "haproxy.h"
#include "peers.h"

namespace chaos::bench {

StandingProxy::StandingProxy(const std::string& chaosctl, const std::vector<uint16_t>& upstreams) {
  if (access(chaosctl.c_str(), X_OK) != 0) {
    error_ = chaosctl + " is missing: build the chaosctl target";
    return;
  }
  char tmpl[] = "/tmp/chaos-bench-standing-XXXXXX";
  dir_ = mkdtemp(tmpl);
  std::ostringstream conf;
  conf << "{\"proxies\": [";
  for (size_t i = 0; i < upstreams.size(); ++i) {
    ports_.push_back(free_port());
    conf << (i ? ", " : "") << "{\"name\": \"p" << i << "\", \"listen\": \"127.0.0.1:" << ports_.back()
         << "\", \"upstream\": \"127.0.0.1:" << upstreams[i] << "\"}";
  }
  conf << "]}\n";
  std::ofstream(dir_ + "/proxies.json") << conf.str();
  api_port_ = free_port();
  const std::string api = "127.0.0.1:" + std::to_string(api_port_);
  const std::string log_path = dir_ + "/proxy.log";
  const std::string db = dir_ + "/chaos.db";
  const std::string config = dir_ + "/proxies.json";
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execl(chaosctl.c_str(), chaosctl.c_str(), "--db", db.c_str(), "proxy", "--config",
          config.c_str(), "--api-listen", api.c_str(), nullptr);
    _exit(127);
  }
  std::vector<uint16_t> ready = ports_;
  ready.push_back(api_port_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (uint16_t port : ready) {
    int fd;
    while ((fd = connect_loopback(port)) < 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (fd < 0) {
      std::ifstream in(log_path);
      std::stringstream log;
      log << in.rdbuf();
      error_ = "chaosctl proxy did not start: " + log.str();
      return;
    }
    ::close(fd);
  }
}

StandingProxy::~StandingProxy() {
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

int StandingProxy::request(const std::string& method, const std::string& path,
                           const std::string& body) {
  const int fd = connect_loopback(api_port_);
  if (fd < 0) return -1;
  const std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                          "Content-Type: application/json\r\nConnection: close\r\n" +
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const size_t sp = reply.find(' ');
  if (sp == std::string::npos) return -1;
  if (reply.compare(sp + 1, 3, "200") != 0 && reply.compare(sp + 1, 3, "204") != 0)
    error_ = method + " " + path + ": " + reply;
  return std::atoi(reply.c_str() + sp + 1);
}

bool StandingProxy::add_latency(size_t i, int ms) {
  return request("POST", "/proxies/p" + std::to_string(i) + "/toxics",
                 "{\"type\": \"latency\", \"attributes\": {\"latency\": " + std::to_string(ms) +
                     "}}") == 200;
}

bool StandingProxy::reset() { return request("POST", "/reset", "") == 204; }

}  // namespace chaos::bench
