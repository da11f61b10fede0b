#include "pipe.h"

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

void Pipe::start() { read(); }

void Pipe::reseed(uint64_t seed, uint64_t session_id) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(session_id), static_cast<uint32_t>(direction_)};
  rng_.seed(seq);
}

void Pipe::reschedule() {
  if (waiting_) timer_.cancel();  // the wait handler runs pump() again
}

void Pipe::cancel() { timer_.cancel(); }

void Pipe::read() {
  if (reading_ || eof_ || queue_.full() || session_.closed()) return;
  reading_ = true;
  from_.async_read_some(
      asio::buffer(read_buffer_),
      [this, self = session_.keep_alive()](const error_code& ec, size_t n) { on_read(ec, n); });
}

void Pipe::on_read(const error_code& ec, size_t n) {
  reading_ = false;
  if (session_.closed()) return;
  if (n > 0) {
    Chunk chunk;
    chunk.bytes.assign(read_buffer_.begin(), read_buffer_.begin() + static_cast<ptrdiff_t>(n));
    chunk.arrival = Clock::now();
    chunk.jitter_unit = unit_(rng_);
    queue_.push(std::move(chunk));
  }
  if (ec == asio::error::eof) {
    eof_ = true;
  } else if (ec) {
    session_.fail(direction_, "read", ec);
    return;
  }
  pump();
  read();
}

void Pipe::pump() {
  if (writing_ || waiting_ || session_.closed()) return;
  if (queue_.empty()) {
    if (eof_ && !finished_) {
      finished_ = true;
      error_code ignored;
      to_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      session_.on_pipe_finished();
    }
    return;
  }
  const Clock::time_point release = queue_.release_time(state_.delay[static_cast<int>(direction_)]);
  if (release > Clock::now()) {
    // Expiry and cancellation (reschedule) both lead back here to re-evaluate.
    waiting_ = true;
    timer_.expires_at(release);
    timer_.async_wait([this, self = session_.keep_alive()](const error_code&) {
      waiting_ = false;
      pump();
    });
    return;
  }
  writing_ = true;
  writing_release_ = release;
  asio::async_write(
      to_, asio::buffer(queue_.front().bytes),
      [this, self = session_.keep_alive()](const error_code& ec, size_t n) { on_written(ec, n); });
}

void Pipe::on_written(const error_code& ec, size_t n) {
  writing_ = false;
  if (session_.closed()) return;
  if (ec) {
    session_.fail(direction_, "write", ec);
    return;
  }
  const Chunk chunk = queue_.pop(writing_release_);
  ProxyStats& stats = state_.stats;
  if (writing_release_ > chunk.arrival)
    stats.chunks_delayed.fetch_add(1, std::memory_order_relaxed);
  auto& bytes =
      direction_ == Direction::kUpstream ? stats.bytes_to_upstream : stats.bytes_from_upstream;
  bytes.fetch_add(n, std::memory_order_relaxed);
  pump();
  read();  // resumes a reader stopped by backpressure
}

}  // namespace chaos::network
