#pragma once
// Session: one client connection through a proxy, and the connection it opens to the upstream.
// Keeps itself alive through its own handlers (every pending operation holds a shared_ptr);
// it dies when the last operation completes after close().
//
// The session turns the proxy's rules into behaviour: it computes its Effects whenever the
// rules change, feeds them to its two pipes, follows HTTP through an HttpExchange, and carries
// out the outage actions (reset, timeout) at their deadlines.
//
// Its state is two small machines instead of flags:
//   Phase          kNew → kOpen (start) → [kLingering (after an answer that closes)] →
//                  kClosed; kNew → kClosed when a reset rule hits it on arrival
//   UpstreamState  kIdle → [kHeldBack (first_byte_delay)] → kConnecting → kConnected, or
//                  kConnecting → kTimedOut (the connect timer fired; the session then
//                  closes). kIdle lasts while a blackhole or timeout holds a new connection
//                  back.
// (UpstreamState, not Upstream: that is the dependency's address, upstream.h.)
//
// Runs on the proxy's io thread only; every method must be called there.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "address.h"
#include "effects.h"
#include "http_exchange.h"
#include "pipe.h"
#include "proxy_state.h"

namespace chaos::network {

// What a session reports to its proxy (on the io thread).
class SessionOwner {
 public:
  virtual void on_session_closed(uint64_t id) = 0;
  virtual void on_upstream_error(const Endpoint& upstream, const boost::system::error_code& ec) = 0;

 protected:
  ~SessionOwner() = default;
};

class Session : public std::enable_shared_from_this<Session>, private HttpSink, private PipeOwner {
 public:
  // A dependency that neither accepts nor refuses (a black hole) fails the client after this.
  static constexpr std::chrono::seconds kConnectTimeout{10};
  // After an HTTP answer that closes the connection, how long the client may take to close.
  static constexpr std::chrono::seconds kLinger{2};

  // `state` and `owner` must outlive every handler of this session (the proxy's io thread).
  Session(uint64_t id, boost::asio::ip::tcp::socket client, ProxyState& state, SessionOwner& owner);

  // Applies the rules in force, starts reading the client, and connects to `upstream` unless a
  // rule holds the connection back (blackhole, timeout, first-byte delay).
  void start(const Endpoint& upstream);
  // The proxy's rules changed: recompute the effects and apply them to bytes already waiting.
  void apply_rules(std::shared_ptr<const RuleSet> rules);
  // Closes both sockets; pending handlers then finish with operation_aborted. Idempotent.
  void close();
  // Sends an RST both ways (SO_LINGER 0), then closes.
  void reset();

  uint64_t id() const { return id_; }
  bool closed() const override { return phase_ == Phase::kClosed; }

 private:
  enum class Phase { kNew, kOpen, kLingering, kClosed };
  enum class UpstreamState { kIdle, kHeldBack, kConnecting, kTimedOut, kConnected };

  bool started() const { return phase_ == Phase::kOpen || phase_ == Phase::kLingering; }
  bool connected() const { return upstream_state_ == UpstreamState::kConnected; }

  // PipeOwner
  const Effects& effects() const override { return effects_; }
  bool may_write(Direction direction) const override;
  std::shared_ptr<void> keep_alive() override { return shared_from_this(); }
  void on_read(Direction direction, const char* data, size_t n) override;
  void on_eof(Direction direction) override;
  void on_failed(Direction direction, const char* operation,
                 const boost::system::error_code& ec) override;
  void on_finished(Direction direction) override;
  // An HTTP answer with "Connection: close" was written: end the connection politely.
  void on_answer_written(Direction direction) override;

  struct Selected {
    const Rule* rule;
    Clock::time_point since;  // when the rule began to act on this connection
    std::array<uint64_t, 2> bytes_at{};  // bytes_read_ then (limit_data counts from there)
  };
  // How many of `n` bytes read in `direction` the limit_data rules let through; sets `rule` to
  // the one that cuts them (null when none does).
  size_t limit_allowance(Direction direction, size_t n, const Rule*& rule) const;

  void connect();
  void on_connected(const boost::system::error_code& ec);
  void arm_outage_timers();
  // Runs `fn` when `timer` reaches `when`, unless the session closed or the timer was re-armed.
  template <typename Fn>
  void arm(boost::asio::steady_timer& timer, Clock::time_point when, Fn fn);

  // HttpSink
  void forward_request(const char* data, size_t n, microseconds extra) override;
  void forward_response(const char* data, size_t n) override;
  void inject_response(std::string bytes, microseconds extra, bool close_after) override;

  const uint64_t id_;
  ProxyState& state_;
  SessionOwner& owner_;
  Endpoint upstream_endpoint_;
  boost::asio::ip::tcp::socket client_;
  boost::asio::ip::tcp::socket upstream_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer first_byte_timer_;
  boost::asio::steady_timer reset_timer_;
  boost::asio::steady_timer timeout_timer_;
  boost::asio::steady_timer linger_timer_;
  Pipe to_upstream_;  // client_ → upstream_; declared after the sockets it refers to
  Pipe to_client_;    // upstream_ → client_
  HttpExchange http_;

  std::shared_ptr<const RuleSet> rules_;  // keeps the rules effects_ points into alive
  Effects effects_;
  std::vector<Selected> selected_;
  std::vector<uint64_t> judged_;  // owners of the decided_once rules seen by the last apply
  uint64_t jitter_seed_ = 0;
  std::array<uint64_t, 2> bytes_read_{};  // by Direction, since the connection opened
  bool limit_reached_ = false;            // a limit_data cut it: what follows is dropped

  Phase phase_ = Phase::kNew;
  // connect() runs once: only the end of a first-byte hold (kHeldBack) returns here to kIdle.
  UpstreamState upstream_state_ = UpstreamState::kIdle;
};

}  // namespace chaos::network
