#include "proxy.h"

#include <sys/prctl.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <random>
#include <utility>

namespace chaos::network {

namespace asio = boost::asio;
using boost::system::error_code;

Proxy::Proxy(const Endpoint& listen, const Upstream& upstream)
    : work_(std::in_place, io_.get_executor()),
      acceptor_(io_),
      accept_retry_(io_),
      resolver_(io_),
      upstream_(upstream),
      upstream_address_(resolve_now(upstream)),
      resolved_at_(Clock::now()) {
  std::random_device entropy;
  state_.seed = (static_cast<uint64_t>(entropy()) << 32) | entropy();
  local_ = listen;
  error_code ec;
  if (!open_listener(ec))
    throw sdk::Error("cannot listen on " + to_string(listen) + ": " + ec.message());
  accept();
  thread_ = std::thread([this] {
    // Delays are this thread's timers: do not let the kernel coalesce their wake-ups by the
    // default 50 us slack.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    try {
      io_.run();
    } catch (const std::exception& e) {  // only allocation failure can get here
      warn(std::string("proxy stopped forwarding: ") + e.what(), "{}");
    }
    io_done_.set_value();
  });
}

Proxy::~Proxy() { close(); }

void Proxy::close() {
  std::lock_guard<std::mutex> lock(close_mutex_);
  if (closed_) return;
  closed_ = true;
  asio::post(io_, [this] { close_all_on_io_thread(); });
  work_.reset();
  // Closed sockets complete every pending operation at once, so run() returns by itself; the
  // grace period only guards against a handler that does not.
  if (io_done_.get_future().wait_for(kCloseGrace) != std::future_status::ready) io_.stop();
  thread_.join();
}

bool Proxy::open_listener(error_code& ec) {
  // local_ is the requested address at first and the bound one (port 0 resolved) after, so a
  // listener closed by a refuse opens again on the same port.
  acceptor_.open(local_.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(local_, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) local_ = acceptor_.local_endpoint(ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return false;
  }
  state_.stats.listening.store(1, std::memory_order_relaxed);
  return true;
}

void Proxy::update_listener() {
  if (closing_) return;
  if (state_.rules->refusing()) {
    if (!acceptor_.is_open()) return;
    // Closing the listening socket is what makes the kernel answer new SYNs with an RST, i.e.
    // ECONNREFUSED; connections still in its backlog are reset.
    error_code ignored;
    accept_retry_.cancel();
    acceptor_.close(ignored);
    state_.stats.listening.store(0, std::memory_order_relaxed);
    return;
  }
  if (acceptor_.is_open()) return;
  error_code ec;
  if (open_listener(ec)) {
    accept();
    return;
  }
  // Someone took the port while it was closed: say so and keep trying.
  warn("proxy " + to_string(local_) + " cannot listen again after a refuse: " + ec.message(),
       sdk::JsonObject().add("listen", to_string(local_)).add("error", ec.message()).str());
  accept_retry_.expires_after(std::chrono::milliseconds(200));
  accept_retry_.async_wait([this](const error_code& wait_ec) {
    if (!wait_ec) update_listener();
  });
}

void Proxy::close_all_on_io_thread() {
  closing_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  state_.stats.listening.store(0, std::memory_order_relaxed);
  accept_retry_.cancel();
  resolver_.cancel();
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [id, weak] : sessions) {
    if (auto session = weak.lock()) session->close();
  }
}

void Proxy::accept() {
  acceptor_.async_accept([this](const error_code& ec, asio::ip::tcp::socket socket) {
    if (!acceptor_.is_open() || closing_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, most likely: pause rather than spin, and say so once an episode.
      if (accept_failures_++ == 0) {
        warn("proxy " + to_string(local_) + " cannot accept: " + ec.message() +
                 "; retrying every 100 ms",
             "{}");
      }
      accept_retry_.expires_after(std::chrono::milliseconds(100));
      accept_retry_.async_wait([this](const error_code& wait_ec) {
        if (!wait_ec) accept();
      });
      return;
    }
    if (accept_failures_ > 0) {
      warn("proxy " + to_string(local_) + " accepting again after " +
               std::to_string(accept_failures_) + " failed tries",
           "{}");
      accept_failures_ = 0;
    }
    const uint64_t id = next_session_id_++;
    auto session =
        std::make_shared<Session>(id, std::move(socket), state_, static_cast<SessionOwner&>(*this));
    sessions_[id] = session;
    state_.stats.connections_opened.fetch_add(1, std::memory_order_relaxed);
    state_.stats.connections_active.fetch_add(1, std::memory_order_relaxed);
    session->start(upstream_address());
    reresolve(false);
    accept();
  });
}

void Proxy::run_on_io_thread(std::function<void()> fn) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  asio::post(io_, [fn = std::move(fn), done] {
    fn();
    done->set_value();
  });
  finished.wait_for(kCloseGrace);  // bounded: after close() the io thread never runs it
}

void Proxy::set_rule(Rule rule) {
  std::lock_guard<std::mutex> lock(rules_mutex_);
  const uint64_t owner = rule.owner;
  rules_[owner] = std::move(rule);
  publish_rules_locked();
}

void Proxy::clear_rule(uint64_t owner) {
  std::lock_guard<std::mutex> lock(rules_mutex_);
  if (rules_.erase(owner) == 0) return;
  publish_rules_locked();
}

void Proxy::publish_rules_locked() {
  // Posted under the lock, so the io thread installs rule sets in the order they were made.
  std::vector<Rule> rules;
  rules.reserve(rules_.size());
  for (const auto& [owner, rule] : rules_) rules.push_back(rule);
  run_on_io_thread([this, rules = std::move(rules)]() mutable { install_rules(std::move(rules)); });
}

void Proxy::install_rules(std::vector<Rule> rules) {
  std::map<uint64_t, uint64_t> first_new;
  for (Rule& rule : rules) {
    auto it = first_new_session_.find(rule.owner);
    // A rule seen for the first time: every connection open now is "existing" for it.
    rule.first_new_session = it == first_new_session_.end() ? next_session_id_ : it->second;
    first_new[rule.owner] = rule.first_new_session;
  }
  first_new_session_ = std::move(first_new);
  share_bandwidth(rules);
  auto set = std::make_shared<RuleSet>();
  set->rules = std::move(rules);
  state_.rules = std::move(set);
  state_.buffer_budget.set_limit(state_.rules->max_buffer());
  update_listener();
  // A copy: applying rules may reset a session, which removes it from sessions_.
  std::vector<std::shared_ptr<Session>> sessions;
  sessions.reserve(sessions_.size());
  for (auto& [id, weak] : sessions_) {
    if (auto session = weak.lock()) sessions.push_back(std::move(session));
  }
  for (auto& session : sessions) session->apply_rules(state_.rules);
}

void Proxy::share_bandwidth(std::vector<Rule>& rules) {
  const auto now = Clock::now();
  std::map<uint64_t, std::shared_ptr<SharedBandwidth>> kept;
  for (Rule& rule : rules) {
    const auto* bandwidth = rule.as<BandwidthSpec>();
    if (!bandwidth || bandwidth->scope != BandwidthScope::kProxy) continue;
    // An update keeps the buckets (and their tokens), as a per-connection limit does.
    auto it = shared_bandwidth_.find(rule.owner);
    auto shared = it != shared_bandwidth_.end() ? it->second : std::make_shared<SharedBandwidth>();
    for (size_t d = 0; d < shared->buckets.size(); ++d)
      shared->buckets[d].set_rate(bandwidth->rate[d], now);
    rule.shared_bandwidth = shared;
    kept[rule.owner] = std::move(shared);
  }
  shared_bandwidth_ = std::move(kept);
}

void Proxy::attach(uint64_t owner, const sdk::Host* host) {
  std::lock_guard<std::mutex> lock(sinks_mutex_);
  sinks_[owner] = host;
}

void Proxy::detach(uint64_t owner) {
  std::lock_guard<std::mutex> lock(sinks_mutex_);
  sinks_.erase(owner);
}

void Proxy::warn(const std::string& message, const std::string& event_detail) {
  std::lock_guard<std::mutex> lock(sinks_mutex_);
  if (sinks_.empty()) return;
  const auto now = Clock::now();
  if (warned_ && now - last_warn_ < kWarnInterval) {
    ++suppressed_warnings_;
    return;
  }
  std::string line = message;
  if (suppressed_warnings_ > 0) {
    line += " (" + std::to_string(suppressed_warnings_) + " similar warnings suppressed)";
  }
  warned_ = true;
  last_warn_ = now;
  suppressed_warnings_ = 0;
  const sdk::Host* host = sinks_.begin()->second;  // the oldest owner: usually the proxy fault
  host->warn(line);
  host->event("upstream_error", event_detail);
}

void Proxy::note(const std::string& message, const char* event, const std::string& event_detail) {
  std::lock_guard<std::mutex> lock(sinks_mutex_);
  if (sinks_.empty()) return;
  const sdk::Host* host = sinks_.begin()->second;
  host->info(message);
  host->event(event, event_detail);
}

Endpoint Proxy::upstream_address() const {
  std::lock_guard<std::mutex> lock(address_mutex_);
  return upstream_address_;
}

void Proxy::reresolve(bool now) {
  if (!upstream_.is_name() || resolving_ || closing_) return;
  if (!now && Clock::now() - resolved_at_ < kReresolveInterval) return;
  resolving_ = true;
  resolver_.async_resolve(upstream_.host, std::to_string(upstream_.port),
                          asio::ip::tcp::resolver::numeric_service,
                          [this](const error_code& ec, const asio::ip::tcp::resolver::results_type&
                                                           results) { on_resolved(ec, results); });
}

void Proxy::on_resolved(const error_code& ec, const asio::ip::tcp::resolver::results_type& results) {
  resolving_ = false;
  if (ec == asio::error::operation_aborted || closing_) return;
  resolved_at_ = Clock::now();
  const std::vector<Endpoint> answers = ec ? std::vector<Endpoint>{} : prefer_ipv4(results);
  const Endpoint before = upstream_address();
  if (answers.empty()) {
    // Keep the last good address: a resolver hiccup must not turn into an outage.
    warn("upstream " + upstream_.text() + " cannot be resolved (" +
             (ec ? ec.message() : std::string("no address")) + "); still using " +
             to_string(before),
         sdk::JsonObject().add("upstream", upstream_.text()).add("error", ec.message()).str());
    return;
  }
  // The answer in force stays while the resolver still gives it (in any order).
  const std::optional<Endpoint> next = next_address(answers, before);
  if (!next) return;
  {
    std::lock_guard<std::mutex> lock(address_mutex_);
    upstream_address_ = *next;
  }
  note("upstream " + upstream_.text() + " now resolves to " + to_string(*next) +
           " (was " + to_string(before) + "); new connections go there",
       "upstream_resolved",
       sdk::JsonObject()
           .add("upstream", upstream_.text())
           .add("address", to_string(*next))
           .add("previous", to_string(before))
           .str());
}

void Proxy::on_session_closed(uint64_t id) { sessions_.erase(id); }

void Proxy::on_upstream_error(const Endpoint& upstream, const error_code& ec) {
  state_.stats.upstream_errors.fetch_add(1, std::memory_order_relaxed);
  reresolve(true);  // the dependency may have moved
  const std::string detail = sdk::JsonObject()
                                 .add("listen", to_string(local_))
                                 .add("upstream", upstream_.text())
                                 .add("address", to_string(upstream))
                                 .add("error", ec.message())
                                 .str();
  const std::string via =
      upstream_.is_name() ? upstream_.text() + " (" + to_string(upstream) + ")" : to_string(upstream);
  warn("proxy " + to_string(local_) + " cannot reach upstream " + via + ": " +
           ec.message() + "; closed the client connection",
       detail);
}

}  // namespace chaos::network
