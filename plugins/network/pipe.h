#pragma once
// Pipe: one direction of a proxied connection. Reads from `from`, holds the chunks in a
// DelayQueue until their release time (see delay_queue.h for the semantics), and writes them
// to `to` in order. At end of stream it half-closes `to` once every byte is written.
//
// Lives inside a Session and runs on the proxy's io thread only. Every handler holds the
// session alive (Session::keep_alive) and does nothing once the session is closed.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "delay_queue.h"
#include "proxy_state.h"

namespace chaos::network {

class Session;

class Pipe {
 public:
  static constexpr size_t kReadSize = 64 * 1024;
  static constexpr size_t kQueueCapacity = 4 * 1024 * 1024;  // then backpressure

  Pipe(Session& session, Direction direction, boost::asio::ip::tcp::socket& from,
       boost::asio::ip::tcp::socket& to, ProxyState& state);

  void start();
  // The delay in force changed: re-evaluate the head chunk's release time now.
  void reschedule();
  // Seeds the jitter draws from the proxy seed, the session id and the direction.
  void reseed(uint64_t seed, uint64_t session_id);
  void cancel();  // stops the timer; the session closes the sockets
  // End of stream seen and every byte written (and `to` half-closed).
  bool finished() const { return finished_; }

 private:
  void read();
  void on_read(const boost::system::error_code& ec, size_t n);
  void pump();
  void on_written(const boost::system::error_code& ec, size_t n);

  Session& session_;
  const Direction direction_;
  boost::asio::ip::tcp::socket& from_;
  boost::asio::ip::tcp::socket& to_;
  ProxyState& state_;
  DelayQueue queue_{kQueueCapacity};
  boost::asio::steady_timer timer_;
  std::vector<char> read_buffer_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{-1.0, 1.0};

  bool reading_ = false;
  bool writing_ = false;
  bool waiting_ = false;
  bool eof_ = false;
  bool finished_ = false;
  Clock::time_point writing_release_{};  // the release time of the chunk being written
};

}  // namespace chaos::network
