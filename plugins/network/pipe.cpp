#include "pipe.h"

#include <algorithm>
#include <boost/asio/write.hpp>

#include "session.h"

namespace chaos::network {

namespace asio = boost::asio;
using boost::system::error_code;

Pipe::Pipe(Session& session, Direction direction, asio::ip::tcp::socket& from,
           asio::ip::tcp::socket& to, ProxyState& state)
    : session_(session),
      direction_(direction),
      from_(from),
      to_(to),
      state_(state),
      timer_(from.get_executor()),
      read_buffer_(kReadSize) {}

void Pipe::start() {
  started_ = true;
  read();
}

void Pipe::reseed(uint64_t seed, uint64_t session_id) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(session_id), static_cast<uint32_t>(direction_)};
  rng_.seed(seq);
}

void Pipe::apply_limits() {
  const Effects& e = session_.effects();
  const uint64_t rate = e.rate[static_cast<int>(direction_)];
  bucket_.set_rate(rate, Clock::now());
  if (rate == 0) {
    queue_.set_capacity(kQueueCapacity);
    return;
  }
  // Under a bandwidth limit the proxy buffers about a quarter second plus the delay's worth of
  // bytes, so the sender feels the limit instead of filling 4 MiB at full speed.
  const auto delay = e.delay[static_cast<int>(direction_)].delay;
  const double seconds = 0.25 + std::chrono::duration<double>(delay).count();
  const auto wanted = static_cast<size_t>(static_cast<double>(rate) * seconds);
  queue_.set_capacity(std::clamp(wanted, kMinLimitedCapacity, kQueueCapacity));
}

void Pipe::reschedule() {
  apply_limits();
  if (waiting_) {
    timer_.cancel();  // the wait handler runs pump() again
  } else {
    pump();
  }
  read();  // a larger buffer may let a reader stopped by backpressure go on
}

void Pipe::cancel() { timer_.cancel(); }

void Pipe::push_read(size_t n) {
  if (n < kReadSize / 2) return push(read_buffer_.data(), n, std::chrono::microseconds(0));
  // A large read is handed over whole instead of copied; the next read gets a new buffer.
  // Small reads are copied, so a queue of small chunks does not hold 64 KiB each.
  read_buffer_.resize(n);
  Chunk chunk;
  chunk.bytes = std::move(read_buffer_);
  read_buffer_ = Bytes(kReadSize);
  chunk.arrival = Clock::now();
  chunk.jitter_unit = unit_(rng_);
  queue_.push(std::move(chunk));
  pump();
}

void Pipe::push(const char* data, size_t n, std::chrono::microseconds extra) {
  if (n == 0) return;
  Chunk chunk;
  chunk.bytes.assign(data, data + n);
  chunk.arrival = Clock::now();
  chunk.jitter_unit = unit_(rng_);
  chunk.extra = extra;
  queue_.push(std::move(chunk));
  pump();
}

void Pipe::push_answer(std::string bytes, std::chrono::microseconds extra, bool close_after) {
  Chunk chunk;
  chunk.bytes.assign(bytes.begin(), bytes.end());
  chunk.arrival = Clock::now();
  chunk.jitter_unit = unit_(rng_);
  chunk.extra = extra;
  chunk.close_after = close_after;
  queue_.push(std::move(chunk));
  pump();
}

void Pipe::read() {
  if (!started_ || reading_ || eof_ || queue_.full() || session_.closed()) return;
  reading_ = true;
  from_.async_read_some(
      asio::buffer(read_buffer_),
      [this, self = session_.keep_alive()](const error_code& ec, size_t n) { on_read(ec, n); });
}

void Pipe::on_read(const error_code& ec, size_t n) {
  reading_ = false;
  if (session_.closed()) return;
  if (n > 0) session_.on_read(direction_, read_buffer_.data(), n);
  if (session_.closed()) return;
  if (ec == asio::error::eof) {
    eof_ = true;
    session_.on_eof(direction_);
    if (session_.closed()) return;
  } else if (ec) {
    session_.fail(direction_, "read", ec);
    return;
  }
  pump();
  read();
}

void Pipe::wait_until(Clock::time_point when) {
  // Expiry and cancellation (reschedule) both lead back to pump() to re-evaluate.
  waiting_ = true;
  timer_.expires_at(when);
  timer_.async_wait([this, self = session_.keep_alive()](const error_code&) {
    waiting_ = false;
    pump();
  });
}

void Pipe::pump() {
  if (writing_ || waiting_ || session_.closed() || !session_.may_write(direction_)) return;
  if (queue_.empty()) {
    if (eof_ && !finished_) finish();
    return;
  }
  const Effects& e = session_.effects();
  const auto now = Clock::now();
  if (front_offset_ == 0) {
    const Clock::time_point release = queue_.release_time(e.delay[static_cast<int>(direction_)]);
    if (release > now) return wait_until(release);
    writing_release_ = release;
  }
  const Chunk& front = queue_.front();
  size_t n = front.bytes.size() - front_offset_;
  if (bucket_.limited()) {
    const size_t need = std::min(n, bucket_.burst());
    if (bucket_.available(now) < need) {
      if (e.bandwidth_rule) e.bandwidth_rule->stats->throttled_writes.fetch_add(1);
      return wait_until(bucket_.time_until(need, now));
    }
    n = std::min(n, bucket_.available(now));
    bucket_.spend(n);
  }
  writing_ = true;
  asio::async_write(
      to_, asio::buffer(front.bytes.data() + front_offset_, n),
      [this, self = session_.keep_alive()](const error_code& ec, size_t k) { on_written(ec, k); });
}

void Pipe::finish() {
  const Effects& e = session_.effects();
  if (e.close_delay.count() > 0) {
    const auto now = Clock::now();
    if (!close_held_) {
      close_held_ = true;
      close_hold_from_ = now;
      if (e.close_delay_rule) e.close_delay_rule->stats->closes_delayed.fetch_add(1);
    }
    // Re-read on every pass: a stopped slow_close lets the close go at once.
    if (now < close_hold_from_ + e.close_delay) return wait_until(close_hold_from_ + e.close_delay);
  }
  finished_ = true;
  error_code ignored;
  to_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  session_.on_pipe_finished();
}

void Pipe::on_written(const error_code& ec, size_t n) {
  writing_ = false;
  if (session_.closed()) return;
  if (ec) {
    session_.fail(direction_, "write", ec);
    return;
  }
  ProxyStats& stats = state_.stats;
  auto& bytes =
      direction_ == Direction::kUpstream ? stats.bytes_to_upstream : stats.bytes_from_upstream;
  bytes.fetch_add(n, std::memory_order_relaxed);
  front_offset_ += n;
  if (front_offset_ < queue_.front().bytes.size()) return pump();
  front_offset_ = 0;
  const Chunk chunk = queue_.pop(writing_release_);
  if (writing_release_ > chunk.arrival)
    stats.chunks_delayed.fetch_add(1, std::memory_order_relaxed);
  if (chunk.close_after) {
    session_.end_after_answer();
    return;
  }
  pump();
  read();  // resumes a reader stopped by backpressure
}

}  // namespace chaos::network
