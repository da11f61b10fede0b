#pragma once
// PoolExhaustionFault ("pool_exhaustion"): holds a target's connection slots (PoolEngine) and
// reports, every second: held, pending, attempted, refused, dropped_by_peer, timeouts,
// reopened; each new refusal reason is logged once (at most 16). update changes `connections`
// live (more are opened, or the surplus closed); every other parameter is fixed while it runs.
// The status gives `requested` (the number asked for now) beside `held` (really held). stop
// closes every connection before it returns. The postgres password is never logged or put in
// the status.

#include <chaos/plugin.hpp>
#include <memory>
#include <set>
#include <string>

#include "pool_engine.h"

namespace chaos::load {

inline constexpr const char* kPoolSchemaText = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "pool_exhaustion",
  "description": "Opens and holds connections to a server on the allowlist (loopback by default) so that its real clients cannot get a slot: nginx worker_connections, a thread-per-connection server, PostgreSQL max_connections. Modes: tcp (connect and stay silent), http_slow (slowloris: a request whose headers never end, one more header line every trickle_every), postgres (a real session: StartupMessage and authentication up to ReadyForQuery: trust, password, md5 or scram-sha-256). Emits every second: held, pending, attempted, refused, dropped_by_peer, timeouts, reopened.",
  "type": "object",
  "properties": {
    "target": {
      "type": "string",
      "description": "HOST:PORT (or an http:// URL) of the server, e.g. \"127.0.0.1:5432\". The host must be on the controller's target allowlist (--allow-target; by default loopback only: 127.0.0.0/8, [::1], localhost): anything else is refused before a packet is sent. A host name is resolved once and the connections go to the address the allowlist allowed.",
      "pattern": "^(http://)?[^/?#]+:[0-9]{1,5}(/.*)?$",
      "x-chaos-target": true,
      "examples": ["127.0.0.1:5432"]
    },
    "mode": {"type": "string", "enum": ["tcp", "http_slow", "postgres"], "description": "tcp: hold idle TCP connections. http_slow: slowloris on an HTTP server. postgres: authenticated PostgreSQL sessions that count against max_connections.", "default": "tcp"},
    "connections": {"type": "integer", "minimum": 1, "maximum": 50000, "description": "How many connections to hold. Keep below the file-descriptor limit. update changes it live: more are opened, or the surplus closed (those still connecting first; a postgres session gets Terminate). The status's requested is this number, held what the server really lets us hold.", "default": 100},
    "ramp": {"type": "string", "format": "duration", "formatMaximum": "1h", "description": "Reach `connections` linearly over this long; 0s opens them as fast as the server accepts.", "default": "0s"},
    "reopen": {"type": "boolean", "description": "Re-open connections the server drops or refuses (after a refusal or a drop, none is tried for 250 ms).", "default": true},
    "trickle_every": {"type": "string", "format": "duration", "formatExclusiveMinimum": "0s", "formatMaximum": "1h", "description": "http_slow: send one more header line on every held connection this often; keep it below the server's header timeout (nginx client_header_timeout, 60s by default).", "default": "5s"},
    "connect_timeout": {"type": "string", "format": "duration", "formatExclusiveMinimum": "0s", "formatMaximum": "1h", "description": "A connection not established (postgres: not ReadyForQuery) by then is closed and counted as a timeout.", "default": "2s"},
    "user": {"type": "string", "minLength": 1, "maxLength": 63, "description": "postgres: the role in the StartupMessage.", "default": "postgres"},
    "database": {"type": "string", "minLength": 1, "maxLength": 63, "description": "postgres: the database in the StartupMessage.", "default": "postgres"},
    "password": {"type": "string", "minLength": 1, "writeOnly": true, "description": "postgres: the role's password, for password, md5 or scram-sha-256 authentication (at most 1024 bytes). This plugin never logs or shows it, but chaosctl stores it with the run's parameters: it is in the journal (the fault's start and stop events, `chaosctl history`, the web UI) and in the fault's start line on the terminal. Prefer password_env."},
    "password_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,127}$", "description": "postgres: the name of an environment variable of the chaosctl process that holds the password, read when the fault is created. Only the name is stored with the run. Not together with password.", "examples": ["CHAOS_PG_PASSWORD"]},
    "max_duration": {"type": "string", "format": "duration", "formatExclusiveMinimum": "0s", "formatMaximum": "1h", "description": "Every connection is released after this long, whatever the experiment says (hard cap 1h).", "default": "10m"}
  },
  "required": ["target"],
  "additionalProperties": false,
  "examples": [{"target": "127.0.0.1:5432", "mode": "postgres", "connections": 100},
               {"target": "127.0.0.1:8080", "mode": "http_slow", "connections": 1000, "ramp": "10s"}]
})JSON";

class PoolExhaustionFault : public sdk::Fault {
 public:
  static constexpr const char* kName = "pool_exhaustion";
  static constexpr const char* kSummary =
      "Holds an allowed server's connection slots (plain TCP, HTTP slowloris, or PostgreSQL "
      "sessions) so its real clients cannot get one.";
  static constexpr const char* kSchema = kPoolSchemaText;

  static std::unique_ptr<PoolExhaustionFault> create(sdk::Host& host, const sdk::Params& params);
  ~PoolExhaustionFault() override;

  void start() override;
  void stop() override;
  std::string status_json() override;
  void update(const sdk::Params& params) override;

 private:
  PoolExhaustionFault(sdk::Host& host, PoolConfig config)
      : host_(host), config_(std::move(config)) {}
  void emit();
  std::string describe(const PoolSnapshot& s, bool running) const;

  sdk::Host& host_;
  PoolConfig config_;
  std::unique_ptr<PoolEngine> engine_;
  int updates_ = 0;  // how many times update changed `connections`
  std::string stopped_status_;
  std::set<std::string>
      logged_refusals_;             // emit() only: the reporter, then stop() after joining it
  sdk::PeriodicReporter reporter_;  // last: joined before the state emit() reads goes
};

// Parses and checks the parameters; throws sdk::InvalidParams naming the field (never showing a
// password). Reads the variable named by password_env from this process's environment.
// `host`: whose target allowlist decides where connections may go (target.h).
PoolConfig parse_pool_config(const sdk::Params& params, const sdk::Host* host = nullptr);

}  // namespace chaos::load
