#pragma once
// Session: one client connection through a proxy, and the connection it opens to the upstream.
// Keeps itself alive through its own handlers (every pending operation holds a shared_ptr);
// it dies when the last operation completes after close().
//
// Runs on the proxy's io thread only; every method must be called there.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "address.h"
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

class Session : public std::enable_shared_from_this<Session> {
 public:
  // A dependency that neither accepts nor refuses (a black hole) fails the client after this.
  static constexpr std::chrono::seconds kConnectTimeout{10};

  // `state` and `owner` must outlive every handler of this session (the proxy's io thread).
  Session(uint64_t id, boost::asio::ip::tcp::socket client, ProxyState& state, SessionOwner& owner);

  // Connects to `upstream`, then forwards both ways. On failure, closes the client.
  void start(const Endpoint& upstream);
  // Closes both sockets; pending handlers then finish with operation_aborted. Idempotent.
  void close();
  void reschedule();
  void reseed(uint64_t seed);

  uint64_t id() const { return id_; }
  bool closed() const { return closed_; }
  std::shared_ptr<Session> keep_alive() { return shared_from_this(); }

  // Called by the pipes.
  void fail(Direction direction, const char* operation, const boost::system::error_code& ec);
  void on_pipe_finished();

 private:
  void on_connected(const boost::system::error_code& ec);

  const uint64_t id_;
  ProxyState& state_;
  SessionOwner& owner_;
  Endpoint upstream_endpoint_;
  boost::asio::ip::tcp::socket client_;
  boost::asio::ip::tcp::socket upstream_;
  boost::asio::steady_timer connect_timer_;
  Pipe to_upstream_;  // client_ → upstream_; declared after the sockets it refers to
  Pipe to_client_;    // upstream_ → client_
  bool connect_timed_out_ = false;
  bool closed_ = false;
};

}  // namespace chaos::network
