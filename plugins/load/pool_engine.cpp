#include "pool_engine.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace chaos::load {
namespace {

int64_t now_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000LL + ts.tv_nsec / 1000;
}

constexpr int64_t kRefusalBackoffUs = 250'000;
constexpr int kMaxConnectsPerTick = 500;

void put32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

uint32_t get32(const std::string& s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

std::string startup_message(const PoolConfig& c) {
  std::string body;
  put32(body, 196608);  // protocol 3.0
  for (const auto& [k, v] : {std::pair<std::string, std::string>{"user", c.pg_user},
                             {"database", c.pg_database},
                             {"application_name", "chaosctl-pool-exhaustion"}}) {
    body += k;
    body.push_back('\0');
    body += v;
    body.push_back('\0');
  }
  body.push_back('\0');
  std::string msg;
  put32(msg, static_cast<uint32_t>(body.size() + 4));
  return msg + body;
}

}  // namespace

void PoolEngine::start() {
  if (thread_.joinable()) return;
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_ < 0) throw std::runtime_error("eventfd failed");
  stop_.store(false);
  thread_ = std::thread([this] { run(); });
}

void PoolEngine::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  uint64_t one = 1;
  (void)!write(wake_, &one, sizeof one);
  thread_.join();
  close(wake_);
  wake_ = -1;
}

PoolSnapshot PoolEngine::snapshot() const {
  PoolSnapshot s;
  s.attempted = attempted_.load();
  s.refused = refused_.load();
  s.dropped_by_peer = dropped_.load();
  s.timeouts = timeouts_.load();
  s.reopened = reopened_.load();
  s.held = held_.load();
  s.pending = pending_.load();
  std::lock_guard<std::mutex> lock(mutex_);
  s.last_refusal = last_refusal_;
  return s;
}

void PoolEngine::run() {
  enum class State { kConnecting, kHandshake, kHeld };
  struct Conn {
    int fd;
    State state;
    int64_t deadline_us;
    std::string in;  // postgres: bytes not yet parsed
  };
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) return;
  epoll_event wev{};
  wev.events = EPOLLIN;
  wev.data.u64 = ~uint64_t{0};
  epoll_ctl(epoll, EPOLL_CTL_ADD, wake_, &wev);

  std::vector<Conn> conns;  // slot index = epoll tag
  std::vector<size_t> free_slots;
  const std::string startup = startup_message(config_);
  const std::string slow_head = "GET / HTTP/1.1\r\nHost: " + config_.target.host_header + "\r\n";
  const int64_t started = now_us();
  int64_t retry_after = 0;
  int64_t next_trickle = started + config_.trickle_every_us;
  uint64_t lost = 0;  // dropped or refused, not to be replaced when !reopen
  uint64_t trickle_n = 0;

  auto close_slot = [&](size_t i) {
    Conn& c = conns[i];
    if (c.fd < 0) return;
    close(c.fd);
    if (c.state == State::kHeld)
      held_.fetch_sub(1);
    else
      pending_.fetch_sub(1);
    c.fd = -1;
    c.in.clear();
    free_slots.push_back(i);
  };
  auto refuse = [&](size_t i, const std::string& why) {
    refused_.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last_refusal_ = why;
    }
    retry_after = now_us() + kRefusalBackoffUs;
    ++lost;
    close_slot(i);
  };
  auto become_held = [&](size_t i) {
    conns[i].state = State::kHeld;
    pending_.fetch_sub(1);
    held_.fetch_add(1);
  };
  auto on_connected = [&](size_t i) {
    Conn& c = conns[i];
    if (config_.mode == PoolConfig::Mode::kPostgres) {
      c.state = State::kHandshake;
      (void)!send(c.fd, startup.data(), startup.size(), MSG_NOSIGNAL);
    } else {
      if (config_.mode == PoolConfig::Mode::kHttpSlow)
        (void)!send(c.fd, slow_head.data(), slow_head.size(), MSG_NOSIGNAL);
      become_held(i);
    }
  };
  // Postgres backend messages during start-up. Returns false when the slot was closed.
  auto parse_pg = [&](size_t i) {
    Conn& c = conns[i];
    while (c.in.size() >= 5) {
      const uint32_t len = get32(c.in, 1);
      if (len < 4 || len > (1u << 20)) {
        refuse(i, "malformed PostgreSQL message");
        return false;
      }
      if (c.in.size() < 1 + len) return true;
      const char type = c.in[0];
      if (type == 'R' && len >= 8 && get32(c.in, 5) != 0) {
        refuse(i, "the server asks for authentication method " + std::to_string(get32(c.in, 5)) +
                      "; only trust is supported");
        return false;
      }
      if (type == 'E') {
        std::string message = "ErrorResponse";
        for (size_t p = 5; p < 1 + len && c.in[p] != '\0';) {
          const char field = c.in[p];
          const size_t end = c.in.find('\0', p + 1);
          if (end == std::string::npos) break;
          if (field == 'M') message = c.in.substr(p + 1, end - p - 1);
          p = end + 1;
        }
        refuse(i, message);
        return false;
      }
      if (type == 'Z' && c.state == State::kHandshake) become_held(i);
      c.in.erase(0, 1 + len);
    }
    return true;
  };
  auto open_one = [&]() {
    const int fd = socket(config_.target.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      retry_after = now_us() + kRefusalBackoffUs;
      return;
    }
    size_t i;
    if (!free_slots.empty()) {
      i = free_slots.back();
      free_slots.pop_back();
    } else {
      i = conns.size();
      conns.push_back({});
    }
    conns[i] = Conn{fd, State::kConnecting, now_us() + config_.connect_timeout_us, {}};
    attempted_.fetch_add(1);
    pending_.fetch_add(1);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = i;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&config_.target.addr),
                config_.target.addr_len) == 0) {
      on_connected(i);
    } else if (errno != EINPROGRESS) {
      refuse(i, std::string("connect: ") + std::strerror(errno));
    }
  };

  epoll_event events[256];
  uint64_t opened_before = 0;
  while (!stop_.load()) {
    const int64_t now = now_us();
    if (now - started >= config_.max_duration_us) break;
    // How many we want now (the ramp), minus what was lost if we do not re-open.
    double fraction = config_.ramp_us > 0 ? std::min(1.0, double(now - started) / config_.ramp_us) : 1.0;
    int64_t want = static_cast<int64_t>(config_.connections * fraction);
    if (!config_.reopen) want -= static_cast<int64_t>(std::min<uint64_t>(lost, want));
    int budget = kMaxConnectsPerTick;
    if (now >= retry_after) {
      while (held_.load() + pending_.load() < want && budget-- > 0 && now >= retry_after) {
        if (attempted_.load() >= static_cast<uint64_t>(config_.connections)) reopened_.fetch_add(1);
        open_one();
      }
    }
    (void)opened_before;
    for (size_t i = 0; i < conns.size(); ++i) {
      Conn& c = conns[i];
      if (c.fd >= 0 && c.state != State::kHeld && now > c.deadline_us) {
        timeouts_.fetch_add(1);
        refuse(i, "no connection (or no ReadyForQuery) within connect_timeout");
      }
    }
    if (config_.mode == PoolConfig::Mode::kHttpSlow && now >= next_trickle) {
      const std::string line = "X-Chaos-" + std::to_string(trickle_n++ % 1000) + ": a\r\n";
      for (Conn& c : conns)
        if (c.fd >= 0 && c.state == State::kHeld)
          (void)!send(c.fd, line.data(), line.size(), MSG_NOSIGNAL);
      next_trickle = now + config_.trickle_every_us;
    }
    const int n = epoll_wait(epoll, events, 256, 10);
    for (int e = 0; e < n; ++e) {
      const uint64_t tag = events[e].data.u64;
      if (tag == ~uint64_t{0}) continue;
      const size_t i = static_cast<size_t>(tag);
      if (i >= conns.size() || conns[i].fd < 0) continue;
      Conn& c = conns[i];
      if (c.state == State::kConnecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          refuse(i, std::string("connect: ") + std::strerror(err));
          continue;
        }
        if (!(events[e].events & EPOLLOUT)) continue;
        on_connected(i);
      }
      char buf[4096];
      while (conns[i].fd >= 0) {
        const ssize_t r = recv(conns[i].fd, buf, sizeof buf, 0);
        if (r > 0) {
          if (config_.mode == PoolConfig::Mode::kPostgres) {
            conns[i].in.append(buf, static_cast<size_t>(r));
            if (!parse_pg(i)) break;
            if (conns[i].in.size() > (1u << 20)) conns[i].in.clear();
          }
          continue;
        }
        if (r < 0 && errno == EAGAIN) break;
        // Closed by the peer (or reset).
        if (conns[i].state == State::kHeld) {
          dropped_.fetch_add(1);
          ++lost;
          retry_after = now_us() + kRefusalBackoffUs;  // a full server closes at once: no churn
          close_slot(i);
        } else {
          refuse(i, r == 0 ? "closed by the server during start-up" : std::strerror(errno));
        }
        break;
      }
    }
  }
  for (size_t i = 0; i < conns.size(); ++i) close_slot(i);
  close(epoll);
}

}  // namespace chaos::load
