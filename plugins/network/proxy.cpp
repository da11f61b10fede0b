#include "proxy.h"

#include <boost/asio/post.hpp>
#include <random>
#include <utility>

namespace chaos::network {

namespace asio = boost::asio;
using boost::system::error_code;

Proxy::Proxy(const Endpoint& listen, const Endpoint& upstream)
    : work_(std::in_place, io_.get_executor()),
      acceptor_(io_),
      accept_retry_(io_),
      upstream_(upstream) {
  std::random_device entropy;
  state_.seed = (static_cast<uint64_t>(entropy()) << 32) | entropy();
  error_code ec;
  acceptor_.open(listen.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(listen, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) local_ = acceptor_.local_endpoint(ec);
  if (ec) throw sdk::Error("cannot listen on " + to_string(listen) + ": " + ec.message());
  accept();
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {  // only allocation failure can get here
      warn(std::string("proxy stopped forwarding: ") + e.what(), "{}");
    }
    io_done_.set_value();
  });
}

Proxy::~Proxy() { close(); }

void Proxy::close() {
  std::lock_guard<std::mutex> lock(close_mutex_);
  if (closed_) return;
  closed_ = true;
  asio::post(io_, [this] { close_all_on_io_thread(); });
  work_.reset();
  // Closed sockets complete every pending operation at once, so run() returns by itself; the
  // grace period only guards against a handler that does not.
  if (io_done_.get_future().wait_for(kCloseGrace) != std::future_status::ready) io_.stop();
  thread_.join();
}

void Proxy::close_all_on_io_thread() {
  error_code ignored;
  acceptor_.close(ignored);
  accept_retry_.cancel();
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [id, weak] : sessions) {
    if (auto session = weak.lock()) session->close();
  }
}

void Proxy::accept() {
  acceptor_.async_accept([this](const error_code& ec, asio::ip::tcp::socket socket) {
    if (!acceptor_.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, most likely: pause rather than spin.
      warn("proxy " + to_string(local_) + " cannot accept: " + ec.message(), "{}");
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](const error_code& wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    const uint64_t id = next_session_id_++;
    auto session =
        std::make_shared<Session>(id, std::move(socket), state_, static_cast<SessionOwner&>(*this));
    sessions_[id] = session;
    state_.stats.connections_opened.fetch_add(1, std::memory_order_relaxed);
    state_.stats.connections_active.fetch_add(1, std::memory_order_relaxed);
    session->start(upstream_);
    accept();
  });
}

void Proxy::run_on_io_thread(std::function<void()> fn) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  asio::post(io_, [fn = std::move(fn), done] {
    fn();
    done->set_value();
  });
  finished.wait_for(kCloseGrace);  // bounded: after close() the io thread never runs it
}

void Proxy::set_delay(uint64_t owner, const DelaySpec& upstream, const DelaySpec& downstream) {
  std::lock_guard<std::mutex> lock(delays_mutex_);
  delays_[owner] = {upstream, downstream};
  apply_delays_locked();
}

void Proxy::clear_delay(uint64_t owner) {
  std::lock_guard<std::mutex> lock(delays_mutex_);
  if (delays_.erase(owner) == 0) return;
  apply_delays_locked();
}

void Proxy::apply_delays_locked() {
  std::array<DelaySpec, 2> total{};
  for (const auto& [owner, spec] : delays_) {
    for (size_t d = 0; d < total.size(); ++d) {
      total[d].delay += spec[d].delay;
      total[d].jitter += spec[d].jitter;
    }
  }
  run_on_io_thread([this, total] {
    state_.delay = total;
    for (auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) session->reschedule();
    }
  });
}

void Proxy::reseed(uint64_t seed) {
  run_on_io_thread([this, seed] {
    state_.seed = seed;
    for (auto& [id, weak] : sessions_) {
      if (auto session = weak.lock()) session->reseed(seed);
    }
  });
}

void Proxy::attach(uint64_t owner, const sdk::Host* host) {
  std::lock_guard<std::mutex> lock(sinks_mutex_);
  sinks_[owner] = host;
}

void Proxy::detach(uint64_t owner) {
  std::lock_guard<std::mutex> lock(sinks_mutex_);
  sinks_.erase(owner);
}

void Proxy::warn(const std::string& message, const std::string& event_detail) {
  std::lock_guard<std::mutex> lock(sinks_mutex_);
  if (sinks_.empty()) return;
  const auto now = Clock::now();
  if (warned_ && now - last_warn_ < kWarnInterval) {
    ++suppressed_warnings_;
    return;
  }
  std::string line = message;
  if (suppressed_warnings_ > 0) {
    line += " (" + std::to_string(suppressed_warnings_) + " similar warnings suppressed)";
  }
  warned_ = true;
  last_warn_ = now;
  suppressed_warnings_ = 0;
  const sdk::Host* host = sinks_.begin()->second;  // the oldest owner: usually the proxy fault
  host->warn(line);
  host->event("upstream_error", event_detail);
}

void Proxy::on_session_closed(uint64_t id) { sessions_.erase(id); }

void Proxy::on_upstream_error(const Endpoint& upstream, const error_code& ec) {
  state_.stats.upstream_errors.fetch_add(1, std::memory_order_relaxed);
  const std::string detail = sdk::JsonObject()
                                 .add("listen", to_string(local_))
                                 .add("upstream", to_string(upstream))
                                 .add("error", ec.message())
                                 .str();
  warn("proxy " + to_string(local_) + " cannot reach upstream " + to_string(upstream) + ": " +
           ec.message() + "; closed the client connection",
       detail);
}

}  // namespace chaos::network
