// open_loop: an independent open-loop HTTP/1.1 client, the reference bench/load/run compares
// the flood's whole-run percentiles with. It shares no code with the load plugin: its own
// schedule, connections, response framing and exact percentiles (every latency kept, sorted).
//   open_loop HOST PORT PATH RATE SECONDS MAX_CONNECTIONS
// Sends GET PATH at RATE/s at evenly spaced intended times for SECONDS, on kept-alive
// connections (a new one while all are busy, up to MAX_CONNECTIONS; past that, sends wait in a
// queue). Latency is measured from the intended time, so a stalled server shows as users saw
// it. Waits up to 10 s for what is in flight, then prints one JSON line:
//   {"count":N,"errors":E,"p50_ms":..,"p90_ms":..,"p99_ms":..,"p999_ms":..,"max_ms":..,
//    "start_unix_ms":..}
// Loopback only: HOST must be in 127.0.0.0/8. Used by bench/load/run; not a test.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  bool connected = false;
  bool busy = false;
  Clock::time_point intended;  // of the request in progress
  std::string in;
  size_t sent = 0;
};

// Bytes of the whole response at the front of `in` (headers + Content-Length body), 0 if not all
// there yet, SIZE_MAX if it cannot be framed (no Content-Length: this client does not do chunked).
size_t response_size(const std::string& in) {
  const size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  size_t length = SIZE_MAX;
  for (size_t at = in.find("\r\n"); at < end; at = in.find("\r\n", at + 2)) {
    if (strncasecmp(in.c_str() + at + 2, "content-length:", 15) == 0) {
      length = std::strtoull(in.c_str() + at + 17, nullptr, 10);
      break;
    }
  }
  if (length == SIZE_MAX) return SIZE_MAX;
  return in.size() >= end + 4 + length ? end + 4 + length : 0;
}

double percentile_ms(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest value with at least q of all at or below it.
  size_t rank = static_cast<size_t>(q * sorted.size() + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: open_loop HOST PORT PATH RATE SECONDS MAX_CONNECTIONS\n");
    return 2;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 ||
      (ntohl(addr.sin_addr.s_addr) >> 24) != 127) {
    std::fprintf(stderr, "open_loop: %s is not a 127.0.0.0/8 address\n", argv[1]);
    return 2;
  }
  const std::string request =
      std::string("GET ") + argv[3] + " HTTP/1.1\r\nHost: " + argv[1] + ":" + argv[2] + "\r\n\r\n";
  const double rate = std::atof(argv[4]);
  const double seconds = std::atof(argv[5]);
  const size_t max_connections = std::strtoul(argv[6], nullptr, 10);
  const auto gap =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
  const long total = static_cast<long>(rate * seconds);

  const int ep = epoll_create1(0);
  const int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  epoll_event tev{EPOLLIN, {.u64 = UINT64_MAX}};
  epoll_ctl(ep, EPOLL_CTL_ADD, timer, &tev);

  std::vector<Conn> conns;
  conns.reserve(max_connections);
  std::vector<size_t> idle;
  std::deque<Clock::time_point> queue;  // intended times waiting for a connection
  std::vector<double> latencies_ms;
  latencies_ms.reserve(total);
  long errors = 0, issued = 0, in_flight = 0;

  auto close_conn = [&](size_t i) {
    idle.erase(std::remove(idle.begin(), idle.end(), i), idle.end());
    epoll_ctl(ep, EPOLL_CTL_DEL, conns[i].fd, nullptr);
    close(conns[i].fd);
    conns[i] = Conn{};
  };
  auto write_some = [&](size_t i) {
    Conn& c = conns[i];
    while (c.sent < request.size()) {
      const ssize_t n = send(c.fd, request.data() + c.sent, request.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN;
      c.sent += static_cast<size_t>(n);
    }
    return true;
  };
  auto fail = [&](size_t i) {
    if (conns[i].busy) {
      ++errors;
      --in_flight;
    }
    close_conn(i);
  };
  auto begin = [&](size_t i, Clock::time_point intended) {
    Conn& c = conns[i];
    c.busy = true;
    c.intended = intended;
    c.sent = 0;
    ++in_flight;
    if (c.connected && !write_some(i)) fail(i);
  };
  // A send whose time has come: an idle connection, a new one, or the queue.
  auto dispatch = [&](Clock::time_point intended) {
    if (!idle.empty()) {
      const size_t i = idle.back();
      idle.pop_back();
      begin(i, intended);
      return;
    }
    size_t slot = conns.size();
    for (size_t i = 0; i < conns.size(); ++i) {
      if (conns[i].fd < 0) {
        slot = i;
        break;
      }
    }
    const size_t open = conns.size() - std::count_if(conns.begin(), conns.end(),
                                                     [](const Conn& c) { return c.fd < 0; });
    if (open >= max_connections) {
      queue.push_back(intended);
      return;
    }
    if (slot == conns.size()) conns.emplace_back();
    Conn& c = conns[slot];
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.u64 = slot}};
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    const int rc = connect(c.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    c.connected = rc == 0;
    if (rc != 0 && errno != EINPROGRESS) {
      c.busy = true;
      ++in_flight;
      fail(slot);
      return;
    }
    begin(slot, intended);
  };
  auto finished = [&](size_t i) {
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - conns[i].intended).count());
    conns[i].busy = false;
    --in_flight;
    if (!queue.empty()) {
      const auto next = queue.front();
      queue.pop_front();
      begin(i, next);
    } else {
      idle.push_back(i);
    }
  };

  const auto start = Clock::now();
  const long long start_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
  const auto arm = [&](Clock::time_point at) {
    itimerspec spec{};
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
    spec.it_value.tv_sec = ns / 1000000000;
    spec.it_value.tv_nsec = std::max<long long>(ns % 1000000000, 1);
    timerfd_settime(timer, TFD_TIMER_ABSTIME, &spec, nullptr);
  };
  arm(start);
  const auto drain_deadline = start + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(seconds + 10));
  epoll_event events[256];
  while (issued < total || in_flight > 0 || !queue.empty()) {
    if (Clock::now() > drain_deadline) break;
    const int n = epoll_wait(ep, events, 256, 100);
    for (int k = 0; k < n; ++k) {
      if (events[k].data.u64 == UINT64_MAX) {
        uint64_t expirations;
        (void)!read(timer, &expirations, sizeof expirations);
        const auto now = Clock::now();
        while (issued < total && start + gap * issued <= now) dispatch(start + gap * issued++);
        if (issued < total) arm(start + gap * issued);
        continue;
      }
      const size_t i = events[k].data.u64;
      Conn& c = conns[i];
      if (c.fd < 0) continue;
      if (!c.connected && (events[k].events & EPOLLOUT)) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          fail(i);
          continue;
        }
        c.connected = true;
      }
      if (c.connected && c.busy && c.sent < request.size() && !write_some(i)) {
        fail(i);
        continue;
      }
      if (events[k].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        char buf[16384];
        bool closed = false;
        for (;;) {
          const ssize_t got = recv(c.fd, buf, sizeof buf, 0);
          if (got > 0) {
            c.in.append(buf, static_cast<size_t>(got));
            continue;
          }
          closed = got == 0 || errno != EAGAIN;
          break;
        }
        const size_t size = response_size(c.in);
        if (size == SIZE_MAX) {
          fail(i);
          continue;
        }
        if (size > 0 && c.busy) {
          c.in.erase(0, size);
          finished(i);
        }
        if (closed) fail(i);
      }
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf(
      "{\"count\":%zu,\"errors\":%ld,\"unfinished\":%ld,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
      "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"start_unix_ms\":%lld}\n",
      latencies_ms.size(), errors, in_flight + static_cast<long>(queue.size()),
      percentile_ms(latencies_ms, 0.5), percentile_ms(latencies_ms, 0.9),
      percentile_ms(latencies_ms, 0.99), percentile_ms(latencies_ms, 0.999),
      latencies_ms.empty() ? 0 : latencies_ms.back(), start_unix_ms);
  return 0;
}
