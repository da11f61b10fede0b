#include "session.h"

#include <algorithm>
#include <optional>

namespace chaos::network {

namespace asio = boost::asio;
using boost::system::error_code;

Session::Session(uint64_t id, asio::ip::tcp::socket client, ProxyState& state, SessionOwner& owner)
    : id_(id),
      state_(state),
      owner_(owner),
      client_(std::move(client)),
      upstream_(client_.get_executor()),
      connect_timer_(client_.get_executor()),
      first_byte_timer_(client_.get_executor()),
      reset_timer_(client_.get_executor()),
      timeout_timer_(client_.get_executor()),
      linger_timer_(client_.get_executor()),
      to_upstream_(*this, Direction::kUpstream, client_, upstream_, state),
      to_client_(*this, Direction::kDownstream, upstream_, client_, state),
      http_(*this, id) {}

template <typename Fn>
void Session::arm(asio::steady_timer& timer, Clock::time_point when, Fn fn) {
  timer.expires_at(when);  // cancels an earlier wait on this timer
  timer.async_wait([self = shared_from_this(), fn = std::move(fn)](const error_code& ec) {
    if (!ec && !self->closed()) fn();
  });
}

void Session::start(const Endpoint& upstream) {
  upstream_endpoint_ = upstream;
  apply_rules(state_.rules);
  if (closed()) return;  // reset on arrival
  phase_ = Phase::kOpen;
  // Small requests and responses must not wait for Nagle: the proxy adds only the delay asked.
  error_code ignored;
  client_.set_option(asio::ip::tcp::no_delay(true), ignored);
  // Read the client at once, even while the dependency is held back: a client that gives up
  // is noticed, and its bytes wait in the pipe.
  to_upstream_.start();
  if (effects_.first_byte_delay.count() > 0) {
    upstream_state_ = UpstreamState::kHeldBack;
    arm(first_byte_timer_, Clock::now() + effects_.first_byte_delay, [this] {
      upstream_state_ = UpstreamState::kIdle;
      connect();
    });
    return;
  }
  connect();
}

void Session::apply_rules(std::shared_ptr<const RuleSet> rules) {
  if (closed()) return;
  // selected_ and effects_ point into the previous rules: keep them alive until replaced.
  const std::shared_ptr<const RuleSet> previous = std::move(rules_);
  rules_ = std::move(rules);
  // An outage that already judged this connection and spared it keeps sparing it: a raised
  // probability applies to connections opened after the update.
  std::vector<uint64_t> spared;
  for (const Rule& rule : rules_->rules) {
    if (!decided_once(rule)) continue;
    const bool judged = std::find(judged_.begin(), judged_.end(), rule.owner) != judged_.end();
    const bool chosen = std::any_of(selected_.begin(), selected_.end(),
                                    [&](const Selected& s) { return s.rule->owner == rule.owner; });
    if (judged && !chosen) spared.push_back(rule.owner);
  }
  std::vector<uint64_t> judged;
  for (const Rule& rule : rules_->rules) {
    if (!decided_once(rule)) continue;
    judged.push_back(rule.owner);
    const bool eligible = rule.applies_to_existing || id_ >= rule.first_new_session;
    if (eligible && std::find(judged_.begin(), judged_.end(), rule.owner) == judged_.end())
      rule.stats->connections_judged.fetch_add(1, std::memory_order_relaxed);
  }
  judged_ = std::move(judged);
  Effects next = compute_effects(*rules_, id_, spared);
  const auto now = Clock::now();
  std::vector<Selected> selected;
  for (const Rule* rule : next.selected) {
    auto old = std::find_if(selected_.begin(), selected_.end(),
                            [&](const Selected& s) { return s.rule->owner == rule->owner; });
    if (old == selected_.end()) {
      rule->stats->connections_affected.fetch_add(1, std::memory_order_relaxed);
      selected.push_back({rule, now, bytes_read_});
    } else {
      selected.push_back({rule, old->since, old->bytes_at});
    }
  }
  selected_ = std::move(selected);
  effects_ = std::move(next);
  const uint64_t seed = effects_.jitter_seed != 0 ? effects_.jitter_seed : state_.seed;
  if (seed != jitter_seed_) {
    jitter_seed_ = seed;
    to_upstream_.reseed(seed, id_);
    to_client_.reseed(seed, id_);
  }
  arm_outage_timers();
  if (closed()) return;
  http_.on_rules_changed(effects_.http);
  to_upstream_.reschedule();
  to_client_.reschedule();
  // A blackhole that ended lets a held connection go on (start() connects the first time).
  if (started() && !effects_.stalled) connect();
}

void Session::arm_outage_timers() {
  std::optional<Clock::time_point> reset_at, timeout_at;
  for (const Selected& s : selected_) {
    const OutageSpec* outage = s.rule->outage();
    if (!outage) continue;
    const auto at =
        s.since + (outage->mode == OutageMode::kRefuse ? microseconds(0) : outage->delay);
    if (outage->mode == OutageMode::kReset || outage->mode == OutageMode::kRefuse) {
      if (!reset_at || at < *reset_at) reset_at = at;
    } else if (outage->mode == OutageMode::kTimeout) {
      if (!timeout_at || at < *timeout_at) timeout_at = at;
    }
  }
  // The rule whose deadline is due, to count the action against it.
  auto due = [this](OutageMode a, OutageMode b) -> const Rule* {
    const Rule* best = nullptr;
    Clock::time_point best_at{};
    for (const Selected& s : selected_) {
      const OutageSpec* o = s.rule->outage();
      if (!o || (o->mode != a && o->mode != b)) continue;
      const auto at = s.since + (o->mode == OutageMode::kRefuse ? microseconds(0) : o->delay);
      if (!best || at < best_at) best = s.rule, best_at = at;
    }
    return best;
  };
  if (reset_at) {
    auto fire = [this, due] {
      if (const Rule* r = due(OutageMode::kReset, OutageMode::kRefuse))
        r->stats->connections_reset.fetch_add(1, std::memory_order_relaxed);
      reset();
    };
    if (*reset_at <= Clock::now()) return fire();
    arm(reset_timer_, *reset_at, fire);
  } else {
    reset_timer_.cancel();
  }
  if (timeout_at) {
    arm(timeout_timer_, *timeout_at, [this, due] {
      if (const Rule* r = due(OutageMode::kTimeout, OutageMode::kTimeout))
        r->stats->connections_timed_out.fetch_add(1, std::memory_order_relaxed);
      close();
    });
  } else {
    timeout_timer_.cancel();
  }
}

void Session::connect() {
  if (closed() || upstream_state_ != UpstreamState::kIdle || effects_.stalled) return;
  upstream_state_ = UpstreamState::kConnecting;
  arm(connect_timer_, Clock::now() + kConnectTimeout, [this] {
    upstream_state_ = UpstreamState::kTimedOut;
    error_code ignored;
    upstream_.close(ignored);  // the connect handler reports the timeout
  });
  upstream_.async_connect(upstream_endpoint_, [self = shared_from_this()](const error_code& ec) {
    self->on_connected(ec);
  });
}

void Session::on_connected(const error_code& ec) {
  connect_timer_.cancel();
  if (closed()) return;
  if (ec) {
    const bool timed_out = upstream_state_ == UpstreamState::kTimedOut;
    owner_.on_upstream_error(upstream_endpoint_, timed_out ? asio::error::timed_out : ec);
    close();
    return;
  }
  upstream_state_ = UpstreamState::kConnected;
  state_.stats.upstream_connections.fetch_add(1, std::memory_order_relaxed);
  error_code ignored;
  upstream_.set_option(asio::ip::tcp::no_delay(true), ignored);
  to_client_.start();
  to_upstream_.reschedule();  // bytes read while connecting go out now
}

bool Session::may_write(Direction direction) const {
  if (closed() || effects_.stalled) return false;
  return direction == Direction::kDownstream || connected();
}

size_t Session::limit_allowance(Direction direction, size_t n, const Rule*& rule) const {
  const auto d = static_cast<size_t>(direction);
  size_t allowed = n;
  rule = nullptr;
  for (const Selected& s : selected_) {
    const OutageSpec* o = s.rule->outage();
    if (!o || o->mode != OutageMode::kLimitData || !o->limited[d]) continue;
    const uint64_t used = bytes_read_[d] - s.bytes_at[d];
    const uint64_t left = used >= o->bytes ? 0 : o->bytes - used;
    if (left < allowed || (left == allowed && left < n)) {
      allowed = static_cast<size_t>(left);
      rule = s.rule;
    }
  }
  return allowed;
}

void Session::on_read(Direction direction, const char* data, size_t n) {
  if (limit_reached_) return;  // closing: the rest is dropped
  const Rule* limit = nullptr;
  const size_t allowed = limit_allowance(direction, n, limit);
  bytes_read_[static_cast<size_t>(direction)] += n;
  if (limit) {
    // The bytes up to the limit go out, then the connection closes (FIN to the client).
    limit_reached_ = true;
    limit->stats->connections_limited.fetch_add(1, std::memory_order_relaxed);
    Pipe& pipe = direction == Direction::kUpstream ? to_upstream_ : to_client_;
    return pipe.push_answer(std::string(data, allowed), microseconds(0), true);
  }
  if (direction == Direction::kUpstream) {
    if (http_.following()) return http_.on_request_bytes(data, n, effects_.http);
    return to_upstream_.push_read(n);
  }
  if (http_.following()) return http_.on_response_bytes(data, n);
  to_client_.push_read(n);
}

void Session::on_eof(Direction direction) {
  if (direction == Direction::kDownstream) return http_.on_response_end();
  // A client that gives up on a held connection never reaches the dependency.
  if (phase_ == Phase::kLingering || (!connected() && effects_.stalled)) close();
}

void Session::close() {
  if (closed()) return;
  phase_ = Phase::kClosed;
  // Counted before the sockets close, so a peer that sees the close sees the count too.
  state_.stats.connections_active.fetch_sub(1, std::memory_order_relaxed);
  error_code ignored;
  for (auto* timer :
       {&connect_timer_, &first_byte_timer_, &reset_timer_, &timeout_timer_, &linger_timer_}) {
    timer->cancel();
  }
  to_upstream_.cancel();
  to_client_.cancel();
  client_.close(ignored);
  upstream_.close(ignored);
  owner_.on_session_closed(id_);
}

void Session::reset() {
  // SO_LINGER with a zero timeout makes close() send an RST instead of a FIN: what a crashed
  // dependency or a middlebox that drops state looks like to the peers. Only here: a normal
  // close is never turned into a reset.
  error_code ignored;
  const asio::socket_base::linger abort(true, 0);
  if (client_.is_open()) client_.set_option(abort, ignored);
  if (upstream_.is_open() && connected()) upstream_.set_option(abort, ignored);
  close();
}

void Session::on_failed(Direction direction, const char*, const error_code&) {
  // After an answer that closes the connection the dependency side is already gone.
  if (phase_ == Phase::kLingering && direction == Direction::kDownstream) return;
  // A reset or a broken pipe from either peer ends the whole connection, as a real link would.
  close();
}

void Session::on_finished(Direction) {
  if (to_upstream_.finished() && to_client_.finished()) close();
}

void Session::on_answer_written(Direction) {
  // Half-close towards the client and keep reading (and dropping) until it closes, so its
  // unread bytes do not turn our close into an RST that could destroy the answer in flight.
  phase_ = Phase::kLingering;
  error_code ignored;
  client_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  upstream_.close(ignored);
  arm(linger_timer_, Clock::now() + kLinger, [this] { close(); });
}

void Session::forward_request(const char* data, size_t n, microseconds extra) {
  to_upstream_.push(data, n, extra);
}

void Session::forward_response(const char* data, size_t n) {
  to_client_.push(data, n, microseconds(0));
}

void Session::inject_response(std::string bytes, microseconds extra, bool close_after) {
  to_client_.push_answer(std::move(bytes), extra, close_after);
}

}  // namespace chaos::network
