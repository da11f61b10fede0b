#pragma once
// Proxy: a userspace TCP proxy from one listen address to one upstream, on its own io thread.
// Passthrough while no rule is set; each fault kind sets one Rule (rules.h), and the proxy
// applies all of them at once, live, to new and open connections.
//
// Thread-safety: the public methods are called from control threads (the host's fault
// threads), never from the proxy's io thread; they are safe to call concurrently. Sessions,
// the acceptor and ProxyState::rules are touched on the io thread only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chaos/plugin.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "address.h"
#include "proxy_state.h"
#include "rules.h"
#include "session.h"

namespace chaos::network {

class Proxy : private SessionOwner {
 public:
  // Warnings about one proxy (an unreachable upstream) are rate-limited to one per interval.
  static constexpr std::chrono::seconds kWarnInterval{5};
  // How long close() lets connections wind down before it stops the io thread outright.
  static constexpr std::chrono::milliseconds kCloseGrace{500};

  // A host-name upstream is looked up again for a new connection when the last answer is
  // older than this (off the connection's path: the connection uses the address in force).
  static constexpr std::chrono::seconds kReresolveInterval{1};

  // Binds `listen` (port 0: any free port) and starts forwarding to `upstream`, resolving a
  // host name first. Throws sdk::Error naming the address when it cannot listen, or the
  // upstream when its name has no address.
  Proxy(const Endpoint& listen, const Upstream& upstream);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  const Endpoint& local_endpoint() const { return local_; }  // the bound address
  const Upstream& upstream() const { return upstream_; }
  // The address connections go to now: the upstream's latest answer.
  Endpoint upstream_address() const;
  const ProxyStats& stats() const { return state_.stats; }

  // Sets (or replaces) the rule of one owner (a fault). Applied to every connection, open
  // ones included, before this returns (bounded by kCloseGrace).
  void set_rule(Rule rule);
  void clear_rule(uint64_t owner);

  // Where this proxy's warnings go: the host of the oldest attached owner.
  // REQUIRES: `host` stays valid until detach(owner) returns.
  void attach(uint64_t owner, const sdk::Host* host);
  void detach(uint64_t owner);

  // Stops accepting, closes every connection, joins the io thread. Idempotent; bounded by
  // kCloseGrace even with stalled peers. Afterwards the port is free.
  void close();

 private:
  void accept();
  void close_all_on_io_thread();
  // Runs `fn` on the io thread and waits (at most kCloseGrace) for it to finish.
  void run_on_io_thread(std::function<void()> fn);
  void publish_rules_locked();
  void install_rules(std::vector<Rule> rules);  // io thread
  // Hands each bandwidth rule of scope "proxy" its buckets, kept across updates (io thread).
  void share_bandwidth(std::vector<Rule>& rules);
  // Closes the listener while a refuse rule is on and opens it again after (io thread).
  void update_listener();
  bool open_listener(boost::system::error_code& ec);
  void warn(const std::string& message, const std::string& event_detail);
  // Logs at info level and emits an event through the oldest attached host (not rate-limited).
  void note(const std::string& message, const char* event, const std::string& event_detail);
  // Looks a host-name upstream up again, asynchronously, when its answer is older than
  // kReresolveInterval or `now` (after an unreachable dependency). io thread.
  void reresolve(bool now);
  void on_resolved(const boost::system::error_code& ec,
                   const boost::asio::ip::tcp::resolver::results_type& results);  // io thread

  void on_session_closed(uint64_t id) override;
  void on_upstream_error(const Endpoint& upstream, const boost::system::error_code& ec) override;

  ProxyState state_;  // outlives io_, whose destruction may destroy sessions
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  boost::asio::ip::tcp::resolver resolver_;
  Endpoint local_;
  const Upstream upstream_;
  mutable std::mutex address_mutex_;
  Endpoint upstream_address_;               // guarded by address_mutex_; written on the io thread
  Clock::time_point resolved_at_{};         // io thread only
  bool resolving_ = false;                  // io thread only
  std::map<uint64_t, std::weak_ptr<Session>> sessions_;  // io thread only
  uint64_t next_session_id_ = 1;                         // io thread only
  uint64_t accept_failures_ = 0;  // in the current episode of failed accepts; io thread only
  std::map<uint64_t, uint64_t> first_new_session_;       // io thread only; by rule owner
  std::map<uint64_t, std::shared_ptr<SharedBandwidth>> shared_bandwidth_;  // io thread; by owner
  bool closing_ = false;                                                   // io thread only

  std::mutex rules_mutex_;
  std::map<uint64_t, Rule> rules_;  // guarded by rules_mutex_; by owner

  std::mutex sinks_mutex_;
  std::map<uint64_t, const sdk::Host*> sinks_;  // guarded by sinks_mutex_
  bool warned_ = false;                         // guarded by sinks_mutex_
  Clock::time_point last_warn_{};               // guarded by sinks_mutex_
  uint64_t suppressed_warnings_ = 0;            // guarded by sinks_mutex_

  std::mutex close_mutex_;  // serialises close()
  bool closed_ = false;     // guarded by close_mutex_
  std::promise<void> io_done_;
  std::thread thread_;
};

}  // namespace chaos::network
