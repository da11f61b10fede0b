#include "flood_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <stdexcept>

#include "response_parser.h"

namespace chaos::load {
namespace {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

constexpr uint64_t kTimerTag = ~uint64_t{0};
constexpr uint64_t kWakeTag = ~uint64_t{0} - 1;
constexpr int64_t kScanEveryNs = 5'000'000;  // timeout checks; also the longest sleep

// Worker `index`'s share of `total` connections.
int share_of(int total, int workers, int index) {
  return total / workers + (index < total % workers ? 1 : 0);
}

}  // namespace

class FloodEngine::Worker {
 public:
  Worker(FloodEngine& engine, int index, int workers)
      : engine_(engine), cfg_(engine.config_), c_(engine.counters_), index_(index),
        worker_count_(workers), schedule_(cfg_.seed, static_cast<uint64_t>(index)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_ < 0 || timer_ < 0 || wake_ < 0) throw std::runtime_error("epoll/timerfd/eventfd failed");
    add(timer_, kTimerTag, EPOLLIN);
    add(wake_, kWakeTag, EPOLLIN);
    for (const std::string& p : cfg_.paths) requests_.push_back(cfg_.request_for(p));
    set_limit(share_of(cfg_.connections, worker_count_, index_));
  }
  ~Worker() {
    request_stop();
    join();
    if (thread_.joinable()) thread_.detach();  // only when destroyed on its own thread
    close(epoll_);
    close(timer_);
    close(wake_);
  }

  void start(int64_t start_ns) {
    start_ns_ = start_ns;
    thread_ = std::thread([this] { run(); });
  }
  void request_stop() {
    stop_.store(true);
    wake();
  }
  void wake() {
    uint64_t one = 1;
    (void)!write(wake_, &one, sizeof one);
  }
  // REQUIRES: the engine's stop_mutex_ held (or the engine being destroyed), so that no two
  // threads join the same std::thread. Never joins the calling thread itself.
  void join() {
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }
  int64_t queued() const { return queued_.load(std::memory_order_relaxed); }
  const SendTimeline& timeline() const { return timeline_; }

  std::mutex mutex_;
  LatencyHistogram interval_;  // guarded by mutex_
  LatencyHistogram total_;     // guarded by mutex_

 private:
  enum class State { kFree, kConnecting, kIdle, kBusy };
  struct Conn {
    int fd = -1;
    State state = State::kFree;
    bool has_request = false;
    int64_t intended_ns = 0;
    int64_t deadline_ns = 0;  // connect or request timeout
    const std::string* request = nullptr;
    size_t written = 0;
    ResponseParser parser;
  };

  void add(int fd, uint64_t tag, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }

  bool closed_model() const { return cfg_.model == FloodConfig::Model::kClosed; }
  int open_count() const { return static_cast<int>(conns_.size() - free_.size()); }
  // A send may open a new connection.
  bool can_open() const { return !free_.empty() && open_count() < limit_; }

  void refresh_live() {
    const uint64_t gen = engine_.live_generation_.load(std::memory_order_acquire);
    if (gen == live_gen_) return;
    int connections;
    {
      std::lock_guard<std::mutex> lock(engine_.live_mutex_);
      shape_ = engine_.live_.shape;
      arrivals_ = engine_.live_.arrivals;
      connections = engine_.live_.connections;
      live_gen_ = gen;
    }
    set_limit(share_of(connections, worker_count_, index_));
  }

  // This worker may hold `n` connections from now on. Closed model: also `n` request loops;
  // a cut first takes loops waiting to send, then retires busy ones as their requests end.
  void set_limit(int n) {
    if (!closed_model()) n = std::max(1, n);  // an open worker must be able to send
    const auto old_size = static_cast<int>(conns_.size());
    if (n > old_size) {
      conns_.resize(static_cast<size_t>(n));
      for (int i = n - 1; i >= old_size; --i) free_.push_back(i);
    }
    if (closed_model()) {
      const int delta = n - (need_ + busy_ - retire_after_);
      if (delta > 0) {
        const int kept = std::min(delta, retire_after_);
        retire_after_ -= kept;
        need_ += delta - kept;
      } else if (delta < 0) {
        const int idle_loops = std::min(-delta, need_);
        need_ -= idle_loops;
        retire_after_ += -delta - idle_loops;
      }
    }
    limit_ = n;
    while (open_count() > limit_ && !idle_.empty()) retire(idle_.back());
  }

  // Claims one request slot under max_requests; false when the budget is spent.
  bool claim_request() {
    if (cfg_.max_requests == 0) return true;
    return engine_.issued_.fetch_add(1, std::memory_order_relaxed) < cfg_.max_requests;
  }

  const std::string* next_request() {
    const std::string* r = &requests_[next_path_];
    if (++next_path_ == requests_.size()) next_path_ = 0;
    return r;
  }

  void run() {
    const bool open = !closed_model();
    refresh_live();
    if (open) {
      const double rate = shape_.rate_at(0) / worker_count_;
      if (rate <= 0)
        next_due_ = start_ns_ + 10'000'000;
      else if (arrivals_ == ArrivalKind::kUniform)  // stagger the workers' even beats
        next_due_ = start_ns_ + static_cast<int64_t>(1e9 / rate * index_ / worker_count_);
      else
        next_due_ = start_ns_ + std::llround(schedule_.gap_ns(arrivals_, rate));
    }
    epoll_event events[256];
    int64_t next_scan = now_ns() + kScanEveryNs;
    while (!stop_.load(std::memory_order_relaxed)) {
      refresh_live();
      int64_t now = now_ns();
      if (open && !generation_done_) {
        generate(now);
        now = now_ns();
      }
      if (now >= next_scan) {
        scan_timeouts(now);
        next_scan = now + kScanEveryNs;
      }
      pump();
      int64_t wake_at = next_scan;
      if (open && !generation_done_) wake_at = std::min(wake_at, next_due_);
      arm_timer(wake_at);
      // Every send from here on is at this millisecond or later.
      timeline_.publish(ms_since_start(now_ns()));
      const int n = epoll_wait(epoll_, events, 256, -1);
      for (int i = 0; i < n; ++i) {
        const uint64_t tag = events[i].data.u64;
        if (tag == kTimerTag) {
          uint64_t expirations;
          (void)!read(timer_, &expirations, sizeof expirations);
        } else if (tag == kWakeTag) {
          uint64_t v;
          (void)!read(wake_, &v, sizeof v);
        } else {
          on_event(static_cast<int>(tag), events[i].events);
        }
      }
    }
    // Release everything. Requests still out are "in flight at stop".
    for (Conn& c : conns_) {
      if (c.fd >= 0) {
        close(c.fd);
        c.fd = -1;
        c_.open_connections.fetch_sub(1, std::memory_order_relaxed);
      }
    }
    timeline_.close();
  }

  int64_t ms_since_start(int64_t ns) const { return (ns - start_ns_) / 1'000'000; }

  void arm_timer(int64_t at_ns) {
    if (at_ns == armed_at_) return;
    armed_at_ = at_ns;
    itimerspec spec{};
    spec.it_value.tv_sec = at_ns / 1'000'000'000LL;
    spec.it_value.tv_nsec = at_ns % 1'000'000'000LL;
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    timerfd_settime(timer_, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  // Open model: issues every send whose intended time has come.
  void generate(int64_t now) {
    const double workers = static_cast<double>(worker_count_);
    while (next_due_ <= now) {
      if (next_due_ - start_ns_ >= cfg_.max_duration_us * 1000) {
        generation_done_ = true;
        return;
      }
      const double rate = shape_.rate_at((next_due_ - start_ns_) / 1000) / workers;
      if (rate <= 0) {
        next_due_ += 10'000'000;  // idle: look again in 10 ms
        continue;
      }
      if (!claim_request()) {
        generation_done_ = true;
        return;
      }
      const int64_t intended = next_due_;
      next_due_ += std::llround(schedule_.gap_ns(arrivals_, rate));
      if (queue_.empty() && (!idle_.empty() || can_open())) {
        issue(intended, false);
      } else if (queue_.size() >= cfg_.max_queue / worker_count_ + 1) {
        c_.dropped.fetch_add(1, std::memory_order_relaxed);
      } else {
        c_.late.fetch_add(1, std::memory_order_relaxed);
        queue_.push_back(intended);
        queued_.store(static_cast<int64_t>(queue_.size()), std::memory_order_relaxed);
      }
    }
  }

  // Puts one request (intended at `intended`) on an idle connection, or a new one.
  // REQUIRES: !idle_.empty() || can_open().
  void issue(int64_t intended, bool /*queued*/) {
    c_.sent.fetch_add(1, std::memory_order_relaxed);
    c_.in_flight.fetch_add(1, std::memory_order_relaxed);
    ++busy_;
    int id;
    if (!idle_.empty()) {
      id = idle_.back();
      idle_.pop_back();
    } else {
      id = free_.back();
      free_.pop_back();
    }
    Conn& c = conns_[static_cast<size_t>(id)];
    c.has_request = true;
    c.intended_ns = intended;
    c.request = next_request();
    c.written = 0;
    c.parser.reset(cfg_.method == "HEAD");
    if (c.state == State::kFree) {
      open_connection(id);
    } else {
      c.state = State::kBusy;
      c.deadline_ns = now_ns() + cfg_.request_timeout_us * 1000;
      write_request(id);
    }
  }

  void open_connection(int id) {
    Conn& c = conns_[static_cast<size_t>(id)];
    const int fd = socket(cfg_.target.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      fail(id, c_.other_error);
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.fd = fd;
    c_.open_connections.fetch_add(1, std::memory_order_relaxed);
    c_.connects.fetch_add(1, std::memory_order_relaxed);
    c.state = State::kConnecting;
    c.deadline_ns = now_ns() + cfg_.connect_timeout_us * 1000;
    add(fd, static_cast<uint64_t>(id), EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
    const int r = connect(fd, reinterpret_cast<const sockaddr*>(&cfg_.target.addr), cfg_.target.addr_len);
    if (r == 0) {
      on_connected(id);
    } else if (errno != EINPROGRESS) {
      fail(id, errno == ECONNREFUSED ? c_.connect_refused : c_.other_error);
    }
  }

  void on_connected(int id) {
    Conn& c = conns_[static_cast<size_t>(id)];
    c.state = State::kBusy;
    c.deadline_ns = now_ns() + cfg_.request_timeout_us * 1000;
    write_request(id);
  }

  void write_request(int id) {
    Conn& c = conns_[static_cast<size_t>(id)];
    while (c.written < c.request->size()) {
      const ssize_t n = send(c.fd, c.request->data() + c.written, c.request->size() - c.written,
                             MSG_NOSIGNAL);
      if (n > 0) {
        c.written += static_cast<size_t>(n);
        if (c.written == c.request->size()) timeline_.record(ms_since_start(now_ns()));
      } else if (n < 0 && errno == EAGAIN) {
        return;  // EPOLLOUT (edge) resumes us
      } else {
        fail(id, c_.reset);
        return;
      }
    }
  }

  void on_event(int id, uint32_t events) {
    Conn& c = conns_[static_cast<size_t>(id)];
    if (c.fd < 0) return;
    if (c.state == State::kConnecting) {
      if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        fail(id, err == ECONNREFUSED ? c_.connect_refused
                 : err == ETIMEDOUT  ? c_.timeout
                                     : c_.other_error);
        return;
      }
      on_connected(id);
      if (c.fd < 0 || c.state != State::kBusy) return;
    }
    if (c.state == State::kBusy && c.written < c.request->size() && (events & EPOLLOUT)) {
      write_request(id);
      if (c.fd < 0) return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_response(id);
  }

  void read_response(int id) {
    char buf[16384];
    while (true) {
      Conn& c = conns_[static_cast<size_t>(id)];
      if (c.fd < 0) return;
      const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (c.state != State::kBusy) {  // bytes nobody asked for
          retire(id);
          return;
        }
        size_t used = 0;
        const auto r = c.parser.feed(buf, static_cast<size_t>(n), used);
        if (r == ResponseParser::Result::kError) {
          fail(id, c_.other_error);
          return;
        }
        if (r == ResponseParser::Result::kComplete) {
          complete(id);
          if (conns_[static_cast<size_t>(id)].state != State::kIdle) return;
        }
      } else if (n == 0) {
        if (c.state == State::kBusy) {
          if (c.parser.on_eof() == ResponseParser::Result::kComplete) {
            complete(id);
            if (conns_[static_cast<size_t>(id)].fd >= 0) retire(id);
          } else {
            fail(id, c_.reset);
          }
        } else {
          retire(id);  // an idle keep-alive connection the server closed
        }
        return;
      } else {
        if (errno == EAGAIN) return;
        if (c.state == State::kBusy) {
          fail(id, errno == ECONNRESET ? c_.reset : c_.other_error);
        } else {
          retire(id);
        }
        return;
      }
    }
  }

  void complete(int id) {
    Conn& c = conns_[static_cast<size_t>(id)];
    const int64_t now = now_ns();
    const int status = c.parser.status();
    if (status >= 500)
      c_.status_5xx.fetch_add(1, std::memory_order_relaxed);
    else if (status >= 400)
      c_.status_4xx.fetch_add(1, std::memory_order_relaxed);
    else
      c_.ok.fetch_add(1, std::memory_order_relaxed);
    c_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    const uint64_t us = static_cast<uint64_t>(std::max<int64_t>(0, now - c.intended_ns) / 1000);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      interval_.record(us);
      total_.record(us);
    }
    c.has_request = false;
    // Past the limit (set_limit cut it) the connection closes here, after its request was
    // counted. Closed model: exactly the cut loops; a kept loop keeps its connection.
    const bool cut = end_loop();
    const bool surplus = closed_model() ? cut : open_count() > limit_;
    if (surplus || !cfg_.keep_alive || !c.parser.keep_alive()) {
      retire(id);
      return;
    }
    c.state = State::kIdle;
    idle_.push_back(id);
  }

  // Sends what is waiting for a connection: the closed model's next requests, the open
  // model's queue. Called once per loop turn (never from inside issue, so a target that
  // refuses at once cannot recurse); bounded per turn.
  void pump() {
    if (stop_.load(std::memory_order_relaxed)) return;
    int budget = std::max(1, limit_);
    if (closed_model()) {
      while (!generation_done_ && need_ > 0 && (!idle_.empty() || can_open()) && budget-- > 0) {
        if (!claim_request()) {
          generation_done_ = true;
          return;
        }
        --need_;
        issue(now_ns(), false);
      }
      return;
    }
    while (!queue_.empty() && (!idle_.empty() || can_open()) && budget-- > 0) {
      const int64_t intended = queue_.front();
      queue_.pop_front();
      queued_.store(static_cast<int64_t>(queue_.size()), std::memory_order_relaxed);
      issue(intended, true);
    }
  }

  // The request on `id` failed with `kind`; the connection is closed.
  void fail(int id, std::atomic<uint64_t>& kind) {
    Conn& c = conns_[static_cast<size_t>(id)];
    if (c.has_request) {
      kind.fetch_add(1, std::memory_order_relaxed);
      c_.in_flight.fetch_sub(1, std::memory_order_relaxed);
      c.has_request = false;
      end_loop();
    }
    retire(id);
  }

  // A request on this worker ended (counted). Closed model: its loop goes on (need_), unless
  // set_limit cut a loop that was busy; returns true for such a surplus loop.
  bool end_loop() {
    --busy_;
    if (!closed_model()) return false;
    if (retire_after_ > 0) {
      --retire_after_;
      return true;
    }
    ++need_;
    return false;
  }

  // Closes the connection and frees its slot, then lets the slot serve a waiting request.
  void retire(int id) {
    Conn& c = conns_[static_cast<size_t>(id)];
    if (c.state == State::kIdle) idle_.erase(std::find(idle_.begin(), idle_.end(), id));
    if (c.fd >= 0) {
      close(c.fd);  // also removes it from the epoll set
      c.fd = -1;
      c_.open_connections.fetch_sub(1, std::memory_order_relaxed);
    }
    c.state = State::kFree;
    c.has_request = false;
    free_.push_back(id);
  }

  void scan_timeouts(int64_t now) {
    for (size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = conns_[i];
      if ((c.state == State::kConnecting || c.state == State::kBusy) && now > c.deadline_ns) {
        fail(static_cast<int>(i), c_.timeout);
      }
    }
  }

  FloodEngine& engine_;
  const FloodConfig& cfg_;
  FloodCounters& c_;
  const int index_;
  const int worker_count_;
  int epoll_ = -1, timer_ = -1, wake_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int64_t start_ns_ = 0;
  int64_t next_due_ = 0;
  int64_t armed_at_ = -1;
  bool generation_done_ = false;
  int limit_ = 0;         // connections this worker may hold (its share of `connections`)
  int busy_ = 0;          // requests in flight on this worker
  int need_ = 0;          // closed model: loops waiting to send their next request
  int retire_after_ = 0;  // closed model: busy loops to end when their request does
  RateShape shape_;
  ArrivalKind arrivals_ = ArrivalKind::kUniform;
  ArrivalSchedule schedule_;
  uint64_t live_gen_ = ~uint64_t{0};
  SendTimeline timeline_;
  std::vector<std::string> requests_;
  size_t next_path_ = 0;
  std::vector<Conn> conns_;
  std::vector<int> free_;  // slots with no socket
  std::vector<int> idle_;  // kept-alive connections waiting for a request
  std::deque<int64_t> queue_;  // open model: intended times waiting for a connection
  std::atomic<int64_t> queued_{0};
};

FloodEngine::FloodEngine(FloodConfig config) : config_(std::move(config)) {
  live_ = {config_.shape, config_.arrivals, config_.connections};
  live_generation_.store(1);
}

FloodEngine::~FloodEngine() { stop(); }

void FloodEngine::start() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (started_) return;
  const int threads = std::max(1, config_.threads);
  for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(*this, i, threads));
  start_ns_ = now_ns();
  for (auto& w : workers_) w->start(start_ns_);
  started_ = true;
}

void FloodEngine::stop() {
  // Callers may race (the fault's reporter stops the engine once it finished or ran out of
  // time while the host stops the fault): one at a time, so each thread is joined once.
  std::lock_guard<std::mutex> lock(stop_mutex_);
  int64_t running = 0;
  if (started_) stopped_ns_.compare_exchange_strong(running, now_ns());
  for (auto& w : workers_) w->request_stop();
  for (auto& w : workers_) w->join();
}

void FloodEngine::set_live(const FloodLive& live) {
  {
    std::lock_guard<std::mutex> lock(live_mutex_);
    live_ = live;
    live_generation_.fetch_add(1, std::memory_order_release);
  }
  for (auto& w : workers_) w->wake();
}

SendsPerMs FloodEngine::sends_per_ms() {
  std::lock_guard<std::mutex> lock(spacing_mutex_);
  if (workers_.empty()) return {};
  const int64_t stopped = stopped_ns_.load();
  const int64_t end = stopped != 0 ? stopped : now_ns();
  std::vector<const SendTimeline*> timelines;
  for (const auto& w : workers_) timelines.push_back(&w->timeline());
  spacing_.fold(timelines, (end - start_ns_) / 1'000'000);
  return spacing_.summary();
}

FloodSnapshot FloodEngine::snapshot() const {
  FloodSnapshot s;
  const auto& c = counters_;
  s.sent = c.sent.load();
  s.ok = c.ok.load();
  s.status_4xx = c.status_4xx.load();
  s.status_5xx = c.status_5xx.load();
  s.connect_refused = c.connect_refused.load();
  s.timeout = c.timeout.load();
  s.reset = c.reset.load();
  s.other_error = c.other_error.load();
  s.late = c.late.load();
  s.dropped = c.dropped.load();
  s.connects = c.connects.load();
  s.in_flight = c.in_flight.load();
  s.open_connections = c.open_connections.load();
  for (const auto& w : workers_) s.queued += w->queued();
  return s;
}

void FloodEngine::take_interval(LatencyHistogram& out) {
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->mutex_);
    out.merge(w->interval_);
    w->interval_.clear();
  }
}

void FloodEngine::total(LatencyHistogram& out) const {
  for (const auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->mutex_);
    out.merge(w->total_);
  }
}

bool FloodEngine::finished() const {
  if (config_.max_requests == 0) return false;
  // Every claimed request ends exactly once: a response, an error or a drop. issued_ and
  // in_flight alone would say "finished" while a claimed request sits in a worker's queue or
  // between its claim and its send. Each counter only grows, so the sum read here is at most
  // the true one: reaching max_requests means all of them have ended.
  const FloodSnapshot s = snapshot();
  return s.ok + s.errors() + s.dropped >= config_.max_requests;
}

}  // namespace chaos::load
