#pragma once
// Pipe: one direction of a proxied connection. Reads from `from`, holds the chunks in a
// DelayQueue until their release time (see delay_queue.h), paces them through a TokenBucket when
// a bandwidth limit is in force (its own, and the proxy-wide one of a bandwidth of scope
// "proxy"), and writes them to `to` in order. While the delay is what holds the bytes its buffer
// grows from the proxy's BufferBudget (buffer_budget.h); release times are met by waking early
// and spinning the rest within the proxy's SpinBudget (spin_budget.h). At end of stream it
// half-closes `to` once every byte is written (later, when a slow_close holds the close).
//
// A pipe knows its connection only through PipeOwner (implemented by Session): what it obeys
// (effects, may_write), and what it reports (bytes read, end of stream, failure, finished).
// reschedule() re-reads the effects, so every change applies to bytes already waiting.
//
// Its state is three small machines instead of flags:
//   ReadState   kNotStarted → kIdle ⇄ kReading; kIdle → kPausedByBudget → kReading
//   WriteState  kIdle → kWaiting (a timer: release time, tokens, close hold) | kSpinning
//               (posted steps to an exact release time) | kWriting (async_write) → kIdle
//   StreamEnd   kOpen → kEndOfStream (read EOF) → [kHoldingClose (slow_close)] → kFinished
//
// Lives inside a Session and runs on the proxy's io thread only. Every handler holds the
// connection alive (PipeOwner::keep_alive) and does nothing once it is closed.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "delay_queue.h"
#include "effects.h"
#include "proxy_state.h"
#include "token_bucket.h"

namespace chaos::network {

// What a pipe needs from the connection it belongs to. Called on the io thread only.
class PipeOwner {
 public:
  // The connection's effects now (delays, rates, stall, close hold, the rules to count on).
  virtual const Effects& effects() const = 0;
  // Whether the pipe in `direction` may write now (not while stalled; upstream: not before
  // the dependency is connected).
  virtual bool may_write(Direction direction) const = 0;
  // The connection is closed: the pipe's handlers do nothing more.
  virtual bool closed() const = 0;
  // Held by every pending handler of the pipe, so the connection outlives it.
  virtual std::shared_ptr<void> keep_alive() = 0;

  // `n` bytes were read into the pipe's buffer; the owner queues them (Pipe::push_read, or
  // through the HTTP exchange).
  virtual void on_read(Direction direction, const char* data, size_t n) = 0;
  virtual void on_eof(Direction direction) = 0;
  virtual void on_failed(Direction direction, const char* operation,
                         const boost::system::error_code& ec) = 0;
  // Every byte is written and `to` half-closed.
  virtual void on_finished(Direction direction) = 0;
  // An answer queued with close_after was written.
  virtual void on_answer_written(Direction direction) = 0;

 protected:
  ~PipeOwner() = default;
};

class Pipe {
 public:
  static constexpr size_t kReadSize = 64 * 1024;
  // Bytes every direction may hold. Past it the pipe stops reading (backpressure) unless its
  // delay is what holds the bytes: then it grows from the proxy's BufferBudget, so a delay d
  // does not cap throughput at kQueueCapacity / d.
  static constexpr size_t kQueueCapacity = 4 * 1024 * 1024;
  static constexpr size_t kMinLimitedCapacity = 64 * 1024;

  Pipe(PipeOwner& owner, Direction direction, boost::asio::ip::tcp::socket& from,
       boost::asio::ip::tcp::socket& to, ProxyState& state);
  ~Pipe();  // gives its bytes and its growth back to the proxy's counts
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  // Starts reading `from`.
  void start();
  // Queues bytes for `to`, stamped now. `extra`: an additional hold (an HTTP delay).
  void push(const char* data, size_t n, std::chrono::microseconds extra);
  // Queues the `n` bytes of the last read as they are (the fast path of a passthrough).
  // Only from PipeOwner::on_read, before anything else reads the buffer.
  void push_read(size_t n);
  // Queues bytes the proxy made up (an HTTP answer); `close_after` ends the connection after it.
  void push_answer(std::string bytes, std::chrono::microseconds extra, bool close_after);
  // What the session asks changed (delay, rate, stall, close hold): apply it now.
  void reschedule();
  // Seeds the jitter draws from a seed, the session id and the direction.
  void reseed(uint64_t seed, uint64_t session_id);
  void cancel();  // stops the timer; the session closes the sockets
  // End of stream seen and every byte written (and `to` half-closed).
  bool finished() const { return end_ == StreamEnd::kFinished; }
  bool started() const { return read_state_ != ReadState::kNotStarted; }
  size_t queued_bytes() const { return queue_.bytes(); }

 private:
  enum class ReadState {
    kNotStarted,      // start() not called yet (upstream: while connecting)
    kIdle,            // no read pending: nothing to read yet, or backpressure
    kPausedByBudget,  // no read pending: the buffer is full and the proxy's budget is spent
                      // (counted once in buffer_backpressure)
    kReading,         // an async_read_some is pending
  };
  enum class WriteState {
    kIdle,      // no write pending and nothing armed: pump() decides
    kWaiting,   // timer_ armed: a release time, tokens, or a close hold
    kSpinning,  // posted steps until spin_until_
    kWriting,   // an async_write is pending
  };
  enum class StreamEnd {
    kOpen,          // `from` may send more
    kEndOfStream,   // `from` ended; the queue drains
    kHoldingClose,  // drained; a slow_close holds the half-close (since close_hold_from_)
    kFinished,      // `to` half-closed
  };
  bool waiting() const {
    return write_state_ == WriteState::kWaiting || write_state_ == WriteState::kSpinning;
  }
  bool end_of_stream() const { return end_ != StreamEnd::kOpen; }

  void read();
  void on_read(const boost::system::error_code& ec, size_t n);
  void pump();
  void wait_until(Clock::time_point when);
  // Waits for the front chunk's release time: a timer kSpinMargin early, then (on that early
  // wake-up, budget permitting) a spin to the exact time. See spin_budget.h.
  void wait_for_release(Clock::time_point release, Clock::time_point now);
  // Busy-waits until `release` one posted step at a time, so the other connections' handlers
  // and I/O still run between steps; reschedule() ends it early.
  void spin_until(Clock::time_point release);
  void spin_step();
  // How late a chunk the pipe waited for went out, for the latency rules' metrics.
  void record_lateness(Clock::duration late);
  // The end of stream, once everything is written: now, or after a slow_close hold.
  void finish();
  void on_written(const boost::system::error_code& ec, size_t n);
  void apply_limits();
  // The proxy-wide bucket of a bandwidth rule of scope "proxy" in force, or null.
  TokenBucket* shared_bucket() const;
  // Cuts `n` to what this connection's bucket and the proxy-wide one both hold now, and spends
  // it. False when either holds less than it needs (a burst, or the rest of the chunk): a wait
  // for it is armed and its rule counts a throttled write.
  bool take_tokens(size_t& n, Clock::time_point now);
  // Stamps a chunk's arrival and jitter draw, queues it and counts it.
  void enqueue(Chunk chunk);
  // The queue is full: grows it from the budget if the delay is what holds the bytes.
  bool grow();
  void give_back_growth();

  PipeOwner& owner_;
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

  ReadState read_state_ = ReadState::kNotStarted;
  WriteState write_state_ = WriteState::kIdle;
  StreamEnd end_ = StreamEnd::kOpen;
  size_t base_capacity_ = kQueueCapacity;  // this pipe's own buffer (apply_limits)
  size_t grown_ = 0;                       // granted by the proxy's BufferBudget on top
  size_t front_offset_ = 0;                // bytes of the front chunk already written
  Clock::time_point writing_release_{};    // the release time of the front chunk
  // The release time the pipe is waiting for: the front chunk's lateness is measured against it
  // only when it is still the due time on wake-up (not after a changed delay or a stall).
  Clock::time_point waited_release_{};
  // While kSpinning: the time the spin ends; reschedule() clears it to end the spin early.
  Clock::time_point spin_until_{};
  Clock::time_point spin_from_{};
  Clock::time_point close_hold_from_{};  // kHoldingClose: when the hold began
};

}  // namespace chaos::network
