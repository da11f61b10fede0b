#include "pool_fault.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "flood_config.h"

namespace chaos::load {
namespace {

constexpr size_t kMaxPasswordBytes = 1024;

bool is_env_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// `password`, or the variable that `password_env` names. Messages never contain the value:
// the schema checks only its type and that it is not empty, because chaosctl's validation
// errors quote the value they refuse.
std::optional<std::string> read_password(const sdk::Params& p) {
  const bool given = p.has("password"), from_env = p.has("password_env");
  if (given && from_env)
    throw sdk::InvalidParams("password_env", "give password or password_env, not both");
  std::optional<std::string> password;
  const char* field = "password";
  if (given) password = p.get_string("password");
  if (from_env) {
    field = "password_env";
    const std::string name = p.get_string("password_env");
    if (!is_env_name(name))
      throw sdk::InvalidParams(field, "'" + name + "' is not an environment variable name");
    // Read once, here, on the thread that creates the fault; chaosctl does not setenv.
    const char* value = std::getenv(name.c_str());
    if (!value || !*value)
      throw sdk::InvalidParams(field, "the environment variable " + name +
                                          " is not set (or is empty) in chaosctl's environment");
    password = value;
  }
  if (password && (password->empty() || password->size() > kMaxPasswordBytes ||
                   password->find('\0') != std::string::npos))
    throw sdk::InvalidParams(field, "the password must be 1 to " +
                                        std::to_string(kMaxPasswordBytes) +
                                        " bytes with no NUL (it is not shown)");
  return password;
}

}  // namespace

PoolConfig parse_pool_config(const sdk::Params& p, const sdk::Host* host) {
  p.expect_only({"target", "mode", "connections", "ramp", "reopen", "trickle_every",
                 "connect_timeout", "user", "database", "password", "password_env",
                 "max_duration"});
  PoolConfig c;
  c.target = parse_target("target", p.get_string("target"), /*url=*/false, host);
  const std::string mode = p.get_string("mode", "tcp");
  if (mode == "tcp")
    c.mode = PoolConfig::Mode::kTcp;
  else if (mode == "http_slow")
    c.mode = PoolConfig::Mode::kHttpSlow;
  else if (mode == "postgres")
    c.mode = PoolConfig::Mode::kPostgres;
  else
    throw sdk::InvalidParams("mode", "must be tcp, http_slow or postgres");
  c.connections = static_cast<int>(p.get_int_or("connections", 100, 1, 50000));
  auto dur = [&](std::string_view name, std::string_view fallback, bool positive) {
    const int64_t us = p.get_duration_us(name, fallback);
    if (us < (positive ? 1 : 0) || us > kHardMaxDurationUs)
      throw sdk::InvalidParams(std::string(name),
                               positive ? "must be above 0 and at most 1h" : "must be at most 1h");
    return us;
  };
  c.ramp_us = dur("ramp", "0s", false);
  c.reopen = p.get_bool("reopen", true);
  c.trickle_every_us = dur("trickle_every", "5s", true);
  c.connect_timeout_us = dur("connect_timeout", "2s", true);
  c.max_duration_us = dur("max_duration", "10m", true);
  c.pg.user = p.get_string("user", "postgres");
  c.pg.database = p.get_string("database", "postgres");
  for (const auto* s : {&c.pg.user, &c.pg.database})
    if (s->empty() || s->find('\0') != std::string::npos)
      throw sdk::InvalidParams(s == &c.pg.user ? "user" : "database", "must be a non-empty name");
  c.pg.password = read_password(p);
  if (c.pg.password && c.mode != PoolConfig::Mode::kPostgres)
    throw sdk::InvalidParams(p.has("password") ? "password" : "password_env",
                             "is only used by mode postgres");
  return c;
}

std::unique_ptr<PoolExhaustionFault> PoolExhaustionFault::create(sdk::Host& host,
                                                                 const sdk::Params& params) {
  return std::unique_ptr<PoolExhaustionFault>(
      new PoolExhaustionFault(host, parse_pool_config(params, &host)));
}

PoolExhaustionFault::~PoolExhaustionFault() { stop(); }

void PoolExhaustionFault::start() {
  if (engine_) throw sdk::StateError("already holding connections; stop first");
  engine_ = std::make_unique<PoolEngine>(config_);
  engine_->start();
  reporter_.start([this](sdk::PeriodicReporter::Clock::duration) {
    emit();
    return true;
  });
  static const char* const kModes[] = {"tcp", "http_slow", "postgres"};
  host_.info("pool_exhaustion (" + std::string(kModes[static_cast<int>(config_.mode)]) +
             "): holding up to " + std::to_string(config_.connections) + " connections to " +
             config_.target.host_header);
}

void PoolExhaustionFault::emit() {
  const PoolSnapshot s = engine_->snapshot();
  host_.metric("held", static_cast<double>(s.held));
  host_.metric("wanted", static_cast<double>(s.wanted));
  host_.metric("pending", static_cast<double>(s.pending));
  host_.metric("attempted", static_cast<double>(s.attempted));
  host_.metric("refused", static_cast<double>(s.refused));
  host_.metric("dropped_by_peer", static_cast<double>(s.dropped_by_peer));
  host_.metric("timeouts", static_cast<double>(s.timeouts));
  host_.metric("reopened", static_cast<double>(s.reopened));
  // Say why connections are refused (a wrong password, a full server) once per reason, not
  // once per attempt: refusals repeat every 250 ms.
  if (!s.last_refusal.empty() && logged_refusals_.size() < 16 &&
      logged_refusals_.insert(s.last_refusal).second)
    host_.warn("pool_exhaustion: connections refused: " + s.last_refusal);
}

void PoolExhaustionFault::stop() {
  if (!engine_) return;
  reporter_.stop();
  const PoolSnapshot before = engine_->snapshot();
  engine_->stop();  // every socket is closed when this returns
  emit();           // the reporter has been joined: emit() is ours now
  stopped_status_ = describe(before, false);
  host_.info("pool_exhaustion released " + std::to_string(before.held) + " held connections (" +
             std::to_string(before.attempted) + " attempted, " + std::to_string(before.refused) +
             " refused, " + std::to_string(before.dropped_by_peer) + " dropped by the peer" +
             (before.last_refusal.empty() ? "" : "; last refusal: " + before.last_refusal) + ")");
  engine_.reset();
}

void PoolExhaustionFault::update(const sdk::Params& params) {
  const PoolConfig next = parse_pool_config(params);
  // Only the number changes live: the others shape connections already open.
  const auto fixed = [&](const char* field, bool same) {
    if (!same)
      throw sdk::InvalidParams(field,
                               "cannot change while the fault runs (only connections "
                               "can); stop this fault and start another");
  };
  fixed("target", next.target.host_header == config_.target.host_header);
  fixed("mode", next.mode == config_.mode);
  fixed("ramp", next.ramp_us == config_.ramp_us);
  fixed("reopen", next.reopen == config_.reopen);
  fixed("trickle_every", next.trickle_every_us == config_.trickle_every_us);
  fixed("connect_timeout", next.connect_timeout_us == config_.connect_timeout_us);
  fixed("max_duration", next.max_duration_us == config_.max_duration_us);
  fixed("user", next.pg.user == config_.pg.user);
  fixed("database", next.pg.database == config_.pg.database);
  fixed(params.has("password_env") ? "password_env" : "password",
        next.pg.password == config_.pg.password);
  if (next.connections == config_.connections) return;
  const int before = config_.connections;
  config_.connections = next.connections;
  ++updates_;
  if (engine_) engine_->set_connections(next.connections);
  host_.info("pool_exhaustion: connections " + std::to_string(before) + " -> " +
             std::to_string(next.connections) +
             (next.connections > before ? " (opening more)" : " (closing the surplus)"));
}

std::string PoolExhaustionFault::describe(const PoolSnapshot& s, bool running) const {
  sdk::JsonObject out;
  out.add("running", running)
      .add("requested", config_.connections)
      .add("updates", updates_)
      .add("closed_surplus", s.closed_surplus)
      .add("wanted", s.wanted)
      .add("held", s.held)
      .add("held_peak", s.held_peak)
      .add("full_after_ms", s.full_after_us < 0 ? -1 : s.full_after_us / 1000)
      .add("pending", s.pending)
      .add("attempted", s.attempted)
      .add("refused", s.refused)
      .add("dropped_by_peer", s.dropped_by_peer)
      .add("timeouts", s.timeouts)
      .add("reopened", s.reopened)
      .add("last_refusal", s.last_refusal)
      .add("auth_method", s.auth_method);
  return out.str();
}

std::string PoolExhaustionFault::status_json() {
  if (!engine_) return stopped_status_.empty() ? R"({"running":false})" : stopped_status_;
  return describe(engine_->snapshot(), true);
}

}  // namespace chaos::load
