#include "pipe.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>


namespace chaos::network {

namespace asio = boost::asio;
using boost::system::error_code;

Pipe::Pipe(PipeOwner& owner, Direction direction, asio::ip::tcp::socket& from,
           asio::ip::tcp::socket& to, ProxyState& state)
    : owner_(owner),
      direction_(direction),
      from_(from),
      to_(to),
      state_(state),
      timer_(from.get_executor()),
      read_buffer_(kReadSize) {}

Pipe::~Pipe() {
  // Runs on the io thread, or after it stopped (a session destroyed with the io_context).
  state_.stats.buffered_bytes.fetch_sub(queue_.bytes(), std::memory_order_relaxed);
  give_back_growth();
}

void Pipe::start() {
  if (read_state_ == ReadState::kNotStarted) read_state_ = ReadState::kIdle;
  read();
}

void Pipe::reseed(uint64_t seed, uint64_t session_id) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(session_id), static_cast<uint32_t>(direction_)};
  rng_.seed(seq);
}

void Pipe::apply_limits() {
  const Effects& e = owner_.effects();
  const uint64_t own_rate = e.rate[static_cast<int>(direction_)];
  bucket_.set_rate(own_rate, Clock::now());
  const TokenBucket* shared = shared_bucket();
  // A proxy-wide limit sizes the buffer as if this connection had all of it: an upper bound.
  const uint64_t rate =
      shared && (own_rate == 0 || shared->rate() < own_rate) ? shared->rate() : own_rate;
  base_capacity_ = kQueueCapacity;
  if (rate != 0) {
    // Under a bandwidth limit the proxy buffers about a quarter second plus the delay's worth
    // of bytes, so the sender feels the limit instead of filling 4 MiB at full speed.
    const auto delay = e.delay[static_cast<int>(direction_)].delay;
    const double seconds = 0.25 + std::chrono::duration<double>(delay).count();
    const auto wanted = static_cast<size_t>(static_cast<double>(rate) * seconds);
    base_capacity_ = std::clamp(wanted, kMinLimitedCapacity, kQueueCapacity);
  }
  queue_.set_capacity(base_capacity_ + grown_);
}

bool Pipe::grow() {
  // Only while the delay is what holds the bytes (the front chunk waits for its release time).
  // A slow receiver gets backpressure, as from a real peer; so does a sender under a bandwidth
  // limit, whose buffer apply_limits already sized for rate x (delay + 1/4 s).
  if (waited_release_ == Clock::time_point{}) return false;
  if (bucket_.limited() || shared_bucket()) return false;
  ProxyStats& stats = state_.stats;
  // Doubling keeps the number of steps small (4 MiB to 256 MiB in 6); less than one read's
  // worth is not worth granting.
  const uint64_t granted = state_.buffer_budget.grant(queue_.capacity());
  if (granted < kReadSize) {
    state_.buffer_budget.give_back(granted);
    if (read_state_ != ReadState::kPausedByBudget)
      stats.buffer_backpressure.fetch_add(1, std::memory_order_relaxed);
    read_state_ = ReadState::kPausedByBudget;
    return false;
  }
  grown_ += granted;
  queue_.set_capacity(base_capacity_ + grown_);
  stats.buffer_growths.fetch_add(1, std::memory_order_relaxed);
  stats.buffer_grown_bytes.store(state_.buffer_budget.granted(), std::memory_order_relaxed);
  return true;
}

void Pipe::give_back_growth() {
  if (grown_ == 0) return;
  state_.buffer_budget.give_back(grown_);
  grown_ = 0;
  queue_.set_capacity(base_capacity_);
  state_.stats.buffer_grown_bytes.store(state_.buffer_budget.granted(), std::memory_order_relaxed);
}

void Pipe::reschedule() {
  apply_limits();
  waited_release_ = {};  // a changed delay or a stall would show up as lateness
  spin_until_ = {};      // a spin ends at its next step and runs pump() again
  if (waiting()) {
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
  enqueue(std::move(chunk));
}

void Pipe::push(const char* data, size_t n, std::chrono::microseconds extra) {
  if (n == 0) return;
  Chunk chunk;
  chunk.bytes.assign(data, data + n);
  chunk.extra = extra;
  enqueue(std::move(chunk));
}

void Pipe::push_answer(std::string bytes, std::chrono::microseconds extra, bool close_after) {
  Chunk chunk;
  chunk.bytes.assign(bytes.begin(), bytes.end());
  chunk.extra = extra;
  chunk.close_after = close_after;
  enqueue(std::move(chunk));
}

void Pipe::enqueue(Chunk chunk) {
  chunk.arrival = Clock::now();
  chunk.jitter_unit = unit_(rng_);
  ProxyStats& stats = state_.stats;
  const uint64_t held =
      stats.buffered_bytes.fetch_add(chunk.bytes.size(), std::memory_order_relaxed) +
      chunk.bytes.size();
  // One writer per proxy (its io thread), so a plain compare is enough for the peak.
  if (held > stats.buffered_bytes_peak.load(std::memory_order_relaxed))
    stats.buffered_bytes_peak.store(held, std::memory_order_relaxed);
  queue_.push(std::move(chunk));
  pump();
}

void Pipe::read() {
  if (read_state_ == ReadState::kNotStarted || read_state_ == ReadState::kReading ||
      end_of_stream() || owner_.closed())
    return;
  if (queue_.full() && !grow()) return;
  read_state_ = ReadState::kReading;
  from_.async_read_some(
      asio::buffer(read_buffer_),
      [this, self = owner_.keep_alive()](const error_code& ec, size_t n) { on_read(ec, n); });
}

void Pipe::on_read(const error_code& ec, size_t n) {
  read_state_ = ReadState::kIdle;
  if (owner_.closed()) return;
  if (n > 0) owner_.on_read(direction_, read_buffer_.data(), n);
  if (owner_.closed()) return;
  if (ec == asio::error::eof) {
    end_ = StreamEnd::kEndOfStream;
    owner_.on_eof(direction_);
    if (owner_.closed()) return;
  } else if (ec) {
    owner_.on_failed(direction_, "read", ec);
    return;
  }
  pump();
  read();
}

void Pipe::wait_until(Clock::time_point when) {
  // Expiry and cancellation (reschedule) both lead back to pump() to re-evaluate.
  write_state_ = WriteState::kWaiting;
  timer_.expires_at(when);
  timer_.async_wait([this, self = owner_.keep_alive()](const error_code&) {
    write_state_ = WriteState::kIdle;
    pump();
  });
}

void Pipe::wait_for_release(Clock::time_point release, Clock::time_point now) {
  // Waiting again for the release time already waited for: this is the early wake-up.
  const bool woke_early = release == waited_release_;
  waited_release_ = release;
  if (release - now > SpinBudget::kSpinMargin) return wait_until(release - SpinBudget::kSpinMargin);
  if (!woke_early) return wait_until(release);  // a short wait (a stream of chunks): no spin
  if (state_.spin_budget.allows(now)) return spin_until(release);
  state_.stats.release_spins_denied.fetch_add(1, std::memory_order_relaxed);
  wait_until(release);
}

void Pipe::spin_until(Clock::time_point release) {
  write_state_ = WriteState::kSpinning;
  spin_until_ = release;
  spin_from_ = Clock::now();
  spin_step();
}

void Pipe::spin_step() {
  asio::post(timer_.get_executor(), [this, self = owner_.keep_alive()] {
    if (owner_.closed()) return;
    const auto now = Clock::now();
    if (now < spin_until_) return spin_step();
    spin_until_ = {};
    write_state_ = WriteState::kIdle;
    state_.spin_budget.charge(now, now - spin_from_);
    state_.stats.release_spin_us.fetch_add(
        std::chrono::duration_cast<std::chrono::microseconds>(now - spin_from_).count(),
        std::memory_order_relaxed);
    pump();
  });
}

void Pipe::pump() {
  if (write_state_ != WriteState::kIdle || owner_.closed() || !owner_.may_write(direction_))
    return;
  if (queue_.empty()) {
    if (end_of_stream() && end_ != StreamEnd::kFinished) finish();
    return;
  }
  const Effects& e = owner_.effects();
  const auto now = Clock::now();
  if (front_offset_ == 0) {
    const Clock::time_point release = queue_.release_time(e.delay[static_cast<int>(direction_)]);
    if (release > now) return wait_for_release(release, now);
    if (release == waited_release_) record_lateness(now - release);
    waited_release_ = {};
    writing_release_ = release;
  }
  const Chunk& front = queue_.front();
  size_t n = front.bytes.size() - front_offset_;
  if (!take_tokens(n, now)) return;
  write_state_ = WriteState::kWriting;
  asio::async_write(
      to_, asio::buffer(front.bytes.data() + front_offset_, n),
      [this, self = owner_.keep_alive()](const error_code& ec, size_t k) { on_written(ec, k); });
}

void Pipe::record_lateness(Clock::duration late) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(late);
  for (const Rule* rule : owner_.effects().latency_rules) {
    if (rule->as<LatencySpec>()->delay[static_cast<int>(direction_)] != DelaySpec{})
      rule->stats->release_late.record(us);
  }
}

TokenBucket* Pipe::shared_bucket() const {
  const Rule* rule = owner_.effects().shared_bandwidth[static_cast<int>(direction_)];
  return rule ? &rule->shared_bandwidth->buckets[static_cast<int>(direction_)] : nullptr;
}

bool Pipe::take_tokens(size_t& n, Clock::time_point now) {
  const Effects& e = owner_.effects();
  struct Limit {
    TokenBucket* bucket;  // null: no such limit in force
    const Rule* rule;     // counts throttled_writes
  };
  const Limit limits[] = {
      {bucket_.limited() ? &bucket_ : nullptr, e.bandwidth_rule},
      {shared_bucket(), e.shared_bandwidth[static_cast<int>(direction_)]},
  };
  for (const Limit& l : limits) {
    if (!l.bucket) continue;
    const size_t need = std::min(n, l.bucket->burst());
    if (l.bucket->available(now) < need) {
      if (l.rule) l.rule->stats->throttled_writes.fetch_add(1, std::memory_order_relaxed);
      wait_until(l.bucket->time_until(need, now));
      return false;
    }
  }
  for (const Limit& l : limits) {
    if (l.bucket) n = std::min(n, l.bucket->available(now));
  }
  for (const Limit& l : limits) {
    if (l.bucket) l.bucket->spend(n);
  }
  return true;
}

void Pipe::finish() {
  const Effects& e = owner_.effects();
  if (e.close_delay.count() > 0) {
    const auto now = Clock::now();
    if (end_ != StreamEnd::kHoldingClose) {
      end_ = StreamEnd::kHoldingClose;
      close_hold_from_ = now;
      if (e.close_delay_rule) e.close_delay_rule->stats->closes_delayed.fetch_add(1);
    }
    // Re-read on every pass: a stopped slow_close lets the close go at once.
    if (now < close_hold_from_ + e.close_delay) return wait_until(close_hold_from_ + e.close_delay);
  }
  end_ = StreamEnd::kFinished;
  error_code ignored;
  to_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  owner_.on_finished(direction_);
}

void Pipe::on_written(const error_code& ec, size_t n) {
  write_state_ = WriteState::kIdle;
  if (owner_.closed()) return;
  if (ec) {
    owner_.on_failed(direction_, "write", ec);
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
  stats.buffered_bytes.fetch_sub(chunk.bytes.size(), std::memory_order_relaxed);
  // Drained to half its own buffer: the growth is not needed now, let other connections have it.
  if (queue_.bytes() <= base_capacity_ / 2) give_back_growth();
  if (writing_release_ > chunk.arrival)
    stats.chunks_delayed.fetch_add(1, std::memory_order_relaxed);
  if (chunk.close_after) {
    owner_.on_answer_written(direction_);
    return;
  }
  pump();
  read();  // resumes a reader stopped by backpressure
}

}  // namespace chaos::network
