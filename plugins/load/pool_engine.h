#pragma once
// PoolEngine: opens and holds N connections to a target so its real clients cannot get one.
// One thread, one epoll set, non-blocking sockets. Modes:
//   tcp        connect and hold; send nothing (the server sees an idle client)
//   http_slow  slowloris: send a request line and one header, then one more header line every
//              `trickle_every`; the request never ends, so the server keeps the slot busy
//   postgres   protocol-v3 StartupMessage and authentication (trust, password, md5,
//              scram-sha-256; pg_startup.h) up to ReadyForQuery, so the session counts against
//              max_connections; an ErrorResponse ("too many clients", a wrong password) or an
//              authentication we cannot do counts as refused. No libpq.
// Ramp: the number wanted grows linearly from 0 to `connections` over `ramp`. Dropped ones
// are re-opened when `reopen`; after a refusal no new connection is tried for 250 ms.
// set_connections changes the number live: more are opened, or the surplus closed (those still
// connecting first, then held ones; a held postgres session is ended with Terminate).
// Thread-safety: start/stop/snapshot/set_connections from the controlling thread; counters
// are atomics.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "pg_startup.h"
#include "target.h"

namespace chaos::load {

struct PoolConfig {
  enum class Mode { kTcp, kHttpSlow, kPostgres };
  Target target;
  Mode mode = Mode::kTcp;
  int connections = 100;
  int64_t ramp_us = 0;
  bool reopen = true;
  int64_t trickle_every_us = 5'000'000;
  int64_t connect_timeout_us = 2'000'000;
  int64_t max_duration_us = 600'000'000;
  PgLogin pg;  // postgres mode; the password is never logged or shown
};

struct PoolSnapshot {
  uint64_t attempted = 0, refused = 0, dropped_by_peer = 0, timeouts = 0, reopened = 0;
  int64_t held = 0, pending = 0;
  int64_t wanted = 0;     // what the ramp asks for now (connections once it is over)
  int64_t held_peak = 0;  // the most held at once
  int64_t requested = 0;  // `connections` now (set_connections changes it)
  // Since start or the last set_connections, when all `connections` were first held; -1: not
  // yet (a lower number counts as reached once the surplus is closed).
  int64_t full_after_us = -1;
  uint64_t closed_surplus = 0;  // closed by us because the number was lowered
  std::string last_refusal;     // e.g. the server's ErrorResponse message
  std::string auth_method;      // postgres: what the server last asked for ("scram-sha-256", ...)
};

class PoolEngine {
 public:
  explicit PoolEngine(PoolConfig config) : config_(std::move(config)) {}
  ~PoolEngine() { stop(); }
  PoolEngine(const PoolEngine&) = delete;
  PoolEngine& operator=(const PoolEngine&) = delete;

  void start();  // throws std::runtime_error if epoll cannot be created
  void stop();   // closes every socket before returning; idempotent
  PoolSnapshot snapshot() const;
  // The number of connections to hold from now on (the ramp, if not over, goes on toward it).
  void set_connections(int connections);

 private:
  void run();

  PoolConfig config_;
  std::thread thread_;
  int wake_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> attempted_{0}, refused_{0}, dropped_{0}, timeouts_{0}, reopened_{0},
      closed_surplus_{0};
  std::atomic<int64_t> held_{0}, pending_{0}, wanted_{0}, held_peak_{0}, full_after_us_{-1};
  std::atomic<int> connections_{0};      // the number to hold; config_.connections at start
  std::atomic<uint64_t> generation_{0};  // bumped by set_connections; the loop restarts full_after
  mutable std::mutex mutex_;
  std::string last_refusal_;  // guarded by mutex_
  std::string auth_method_;   // guarded by mutex_
};

}  // namespace chaos::load
