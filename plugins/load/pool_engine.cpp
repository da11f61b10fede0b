#include "pool_engine.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string_view>
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

}  // namespace

void PoolEngine::start() {
  if (thread_.joinable()) return;
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_ < 0) throw std::runtime_error("eventfd failed");
  stop_.store(false);
  connections_.store(config_.connections);
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

void PoolEngine::set_connections(int connections) {
  connections_.store(connections);
  generation_.fetch_add(1);
  uint64_t one = 1;
  if (wake_ >= 0) (void)!write(wake_, &one, sizeof one);
}

PoolSnapshot PoolEngine::snapshot() const {
  PoolSnapshot s;
  s.requested = connections_.load();
  s.closed_surplus = closed_surplus_.load();
  s.attempted = attempted_.load();
  s.refused = refused_.load();
  s.dropped_by_peer = dropped_.load();
  s.timeouts = timeouts_.load();
  s.reopened = reopened_.load();
  s.held = held_.load();
  s.pending = pending_.load();
  s.wanted = wanted_.load();
  s.held_peak = held_peak_.load();
  s.full_after_us = full_after_us_.load();
  std::lock_guard<std::mutex> lock(mutex_);
  s.last_refusal = last_refusal_;
  s.auth_method = auth_method_;
  return s;
}

void PoolEngine::run() {
  enum class State { kConnecting, kHandshake, kHeld };
  struct Conn {
    int fd;
    State state;
    int64_t deadline_us;
    std::unique_ptr<PgStartup> pg;  // postgres mode only
  };
  const int epoll = epoll_create1(EPOLL_CLOEXEC);
  if (epoll < 0) return;
  epoll_event wev{};
  wev.events = EPOLLIN;
  wev.data.u64 = ~uint64_t{0};
  epoll_ctl(epoll, EPOLL_CTL_ADD, wake_, &wev);

  ScramKeyCache scram_keys;  // shared by every connection (PBKDF2 once per run); outlives conns
  std::vector<Conn> conns;   // slot index = epoll tag
  std::vector<size_t> free_slots;
  const std::string startup = pg_startup_message(config_.pg);
  const std::string slow_head = "GET / HTTP/1.1\r\nHost: " + config_.target.host_header + "\r\n";
  const int64_t started = now_us();
  int64_t changed_at = started;  // start, or the last set_connections: full_after counts from it
  uint64_t generation = generation_.load();
  int64_t retry_after = 0;
  int64_t next_trickle = started + config_.trickle_every_us;
  uint64_t lost = 0;        // dropped or refused, not to be replaced when !reopen
  uint64_t to_replace = 0;  // lost and not yet re-opened: the next opens count as reopened
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
    c.pg.reset();
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
    ++to_replace;
    close_slot(i);
  };
  auto become_held = [&](size_t i) {
    conns[i].state = State::kHeld;
    pending_.fetch_sub(1);
    const int64_t held = held_.fetch_add(1) + 1;
    if (held > held_peak_.load()) held_peak_.store(held);  // only this thread writes it
    if (held >= connections_.load() && full_after_us_.load() < 0)
      full_after_us_.store(now_us() - changed_at);
  };
  // The number was lowered: end the surplus, those still connecting first, then held ones. A
  // postgres session gets Terminate, so the server logs a clean exit, not an EOF.
  auto close_surplus = [&](int64_t surplus) {
    for (int held_too = 0; held_too < 2 && surplus > 0; ++held_too) {
      for (size_t i = conns.size(); i-- > 0 && surplus > 0;) {
        Conn& c = conns[i];
        if (c.fd < 0 || (c.state == State::kHeld) != (held_too == 1)) continue;
        if (c.state == State::kHeld && config_.mode == PoolConfig::Mode::kPostgres) {
          static constexpr char kTerminate[] = {'X', 0, 0, 0, 4};
          (void)!send(c.fd, kTerminate, sizeof kTerminate, MSG_NOSIGNAL);
        }
        close_slot(i);
        closed_surplus_.fetch_add(1);
        --surplus;
      }
    }
  };
  // A short write here is practically impossible (a few hundred bytes on a fresh socket), so
  // it refuses rather than queueing.
  auto send_all = [&](size_t i, const std::string& bytes) {
    const ssize_t n = send(conns[i].fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(bytes.size())) return true;
    refuse(i, n < 0 ? std::string("send: ") + std::strerror(errno) : "send: short write");
    return false;
  };
  auto on_connected = [&](size_t i) {
    Conn& c = conns[i];
    if (config_.mode == PoolConfig::Mode::kPostgres) {
      c.state = State::kHandshake;
      c.pg = std::make_unique<PgStartup>(config_.pg, scram_keys);
      (void)send_all(i, startup);
    } else {
      if (config_.mode == PoolConfig::Mode::kHttpSlow)
        (void)!send(c.fd, slow_head.data(), slow_head.size(), MSG_NOSIGNAL);
      become_held(i);
    }
  };
  // Postgres backend bytes: answers authentication requests, and holds the session at
  // ReadyForQuery. Returns false when the slot was closed.
  auto on_pg_bytes = [&](size_t i, std::string_view bytes) {
    Conn& c = conns[i];
    std::string reply;
    const PgStartup::Outcome outcome = c.pg->feed(bytes, &reply);
    if (!c.pg->auth_method().empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (auth_method_ != c.pg->auth_method()) auth_method_ = c.pg->auth_method();
    }
    if (outcome == PgStartup::Outcome::kRefused) {
      refuse(i, c.pg->reason());
      return false;
    }
    if (!reply.empty() && !send_all(i, reply)) return false;
    if (outcome == PgStartup::Outcome::kReady && c.state == State::kHandshake) become_held(i);
    return true;
  };
  auto open_one = [&]() {
    const int fd =
        socket(config_.target.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
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
    conns[i] = Conn{fd, State::kConnecting, now_us() + config_.connect_timeout_us, nullptr};
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
    const int connections = connections_.load();
    if (const uint64_t g = generation_.load(); g != generation) {
      generation = g;
      changed_at = now;
      full_after_us_.store(held_.load() >= connections ? 0 : -1);
    }
    // How many we want now (the ramp), minus what was lost if we do not re-open.
    double fraction =
        config_.ramp_us > 0 ? std::min(1.0, double(now - started) / config_.ramp_us) : 1.0;
    int64_t want = static_cast<int64_t>(connections * fraction);
    if (!config_.reopen) want -= static_cast<int64_t>(std::min<uint64_t>(lost, want));
    wanted_.store(want);
    if (fraction >= 1 && held_.load() + pending_.load() > want) {
      close_surplus(held_.load() + pending_.load() - want);
      if (full_after_us_.load() < 0 && held_.load() >= want && want == connections)
        full_after_us_.store(now_us() - changed_at);
    }
    int budget = kMaxConnectsPerTick;
    if (now >= retry_after) {
      while (held_.load() + pending_.load() < want && budget-- > 0 && now >= retry_after) {
        if (to_replace > 0 && config_.reopen) {
          --to_replace;
          reopened_.fetch_add(1);
        }
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
          if (config_.mode == PoolConfig::Mode::kPostgres &&
              !on_pg_bytes(i, std::string_view(buf, static_cast<size_t>(r))))
            break;
          continue;
        }
        if (r < 0 && errno == EAGAIN) break;
        // Closed by the peer (or reset).
        if (conns[i].state == State::kHeld) {
          dropped_.fetch_add(1);
          ++lost;
          ++to_replace;
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
