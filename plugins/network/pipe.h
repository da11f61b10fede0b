#pragma once
// Pipe: one direction of a proxied connection. Reads from `from`, holds the chunks in a
// DelayQueue until their release time (see delay_queue.h), paces them through a TokenBucket when
// a bandwidth limit is in force, and writes them to `to` in order. At end of stream it
// half-closes `to` once every byte is written (later, when a slow_close holds the close).
//
// What the pipe obeys comes from its Session (Session::effects, Session::may_write); reschedule()
// re-reads it, so every change applies to bytes already waiting.
//
// Lives inside a Session and runs on the proxy's io thread only. Every handler holds the
// session alive (Session::keep_alive) and does nothing once the session is closed.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "delay_queue.h"
#include "proxy_state.h"
#include "token_bucket.h"

namespace chaos::network {

class Session;

class Pipe {
 public:
  static constexpr size_t kReadSize = 64 * 1024;
  // Bytes held per direction before the pipe stops reading (backpressure). With a delay d this
  // caps one connection's throughput at kQueueCapacity / d, as a TCP window would.
  static constexpr size_t kQueueCapacity = 4 * 1024 * 1024;
  static constexpr size_t kMinLimitedCapacity = 64 * 1024;

  Pipe(Session& session, Direction direction, boost::asio::ip::tcp::socket& from,
       boost::asio::ip::tcp::socket& to, ProxyState& state);

  // Starts reading `from`.
  void start();
  // Queues bytes for `to`, stamped now. `extra`: an additional hold (an HTTP delay).
  void push(const char* data, size_t n, std::chrono::microseconds extra);
  // Queues the `n` bytes of the last read as they are (the fast path of a passthrough).
  // Only from Session::on_read, before anything else reads the buffer.
  void push_read(size_t n);
  // Queues bytes the proxy made up (an HTTP answer); `close_after` ends the connection after it.
  void push_answer(std::string bytes, std::chrono::microseconds extra, bool close_after);
  // What the session asks changed (delay, rate, stall, close hold): apply it now.
  void reschedule();
  // Seeds the jitter draws from a seed, the session id and the direction.
  void reseed(uint64_t seed, uint64_t session_id);
  void cancel();  // stops the timer; the session closes the sockets
  // End of stream seen and every byte written (and `to` half-closed).
  bool finished() const { return finished_; }
  bool started() const { return started_; }
  size_t queued_bytes() const { return queue_.bytes(); }

 private:
  void read();
  void on_read(const boost::system::error_code& ec, size_t n);
  void pump();
  void wait_until(Clock::time_point when);
  // The end of stream, once everything is written: now, or after a slow_close hold.
  void finish();
  void on_written(const boost::system::error_code& ec, size_t n);
  void apply_limits();

  Session& session_;
  const Direction direction_;
  boost::asio::ip::tcp::socket& from_;
  boost::asio::ip::tcp::socket& to_;
  ProxyState& state_;
  DelayQueue queue_{kQueueCapacity};
  TokenBucket bucket_;
  boost::asio::steady_timer timer_;
  Bytes read_buffer_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{-1.0, 1.0};

  bool started_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool waiting_ = false;
  bool eof_ = false;
  bool finished_ = false;
  size_t front_offset_ = 0;              // bytes of the front chunk already written
  Clock::time_point writing_release_{};  // the release time of the front chunk
  bool close_held_ = false;              // a slow_close hold has begun
  Clock::time_point close_hold_from_{};
};

}  // namespace chaos::network
