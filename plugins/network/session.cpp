#include "session.h"

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
      to_upstream_(*this, Direction::kUpstream, client_, upstream_, state),
      to_client_(*this, Direction::kDownstream, upstream_, client_, state) {
  reseed(state.seed);
}

void Session::start(const Endpoint& upstream) {
  upstream_endpoint_ = upstream;
  connect_timer_.expires_after(kConnectTimeout);
  connect_timer_.async_wait([self = keep_alive()](const error_code& ec) {
    if (ec || self->closed_) return;
    self->connect_timed_out_ = true;
    error_code ignored;
    self->upstream_.close(ignored);  // the connect handler reports the timeout
  });
  upstream_.async_connect(upstream,
                          [self = keep_alive()](const error_code& ec) { self->on_connected(ec); });
}

void Session::on_connected(const error_code& ec) {
  connect_timer_.cancel();
  if (closed_) return;
  if (ec) {
    owner_.on_upstream_error(upstream_endpoint_, connect_timed_out_ ? asio::error::timed_out : ec);
    close();
    return;
  }
  // Small requests and responses must not wait for Nagle: the proxy adds only the delay asked.
  error_code ignored;
  client_.set_option(asio::ip::tcp::no_delay(true), ignored);
  upstream_.set_option(asio::ip::tcp::no_delay(true), ignored);
  to_upstream_.start();
  to_client_.start();
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  // Counted before the sockets close, so a peer that sees the close sees the count too.
  state_.stats.connections_active.fetch_sub(1, std::memory_order_relaxed);
  error_code ignored;
  connect_timer_.cancel();
  to_upstream_.cancel();
  to_client_.cancel();
  client_.close(ignored);
  upstream_.close(ignored);
  owner_.on_session_closed(id_);
}

void Session::reschedule() {
  to_upstream_.reschedule();
  to_client_.reschedule();
}

void Session::reseed(uint64_t seed) {
  to_upstream_.reseed(seed, id_);
  to_client_.reseed(seed, id_);
}

void Session::fail(Direction, const char*, const error_code&) {
  // A reset or a broken pipe from either peer ends the whole connection, as a real link would.
  close();
}

void Session::on_pipe_finished() {
  if (to_upstream_.finished() && to_client_.finished()) close();
}

}  // namespace chaos::network
