#pragma once
// A real PostgreSQL 15 for tests, on 127.0.0.1 (an ephemeral port, a temporary data directory,
// trust authentication), run as the user 'postgres' (it refuses root), and psql against it.
// initdb takes seconds: start one per suite.

#include <cstdint>
#include <memory>
#include <string>

#include "network/server_process.h"
#include "support/test_support.h"

namespace chaos::test {

inline const std::string kPgBin = "/usr/lib/postgresql/15/bin/";
inline const std::string kPsql = "/usr/bin/psql";

struct Postgres {
  TempDir dir;
  std::unique_ptr<ServerProcess> server;
  uint16_t port = 0;
  std::string error;  // why it could not start
};

// Starts `pg`; returns "" or why it could not (a missing package is named).
std::string start_postgres(Postgres& pg);

// psql -c SQL against 127.0.0.1:port as postgres (PGCONNECT_TIMEOUT set).
CommandResult psql(uint16_t port, const std::string& sql, int connect_timeout_s = 10,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));

// The server-side time of `select 1` as psql's \timing reports it, in ms (-1 if absent): one
// round trip of a query on an open connection.
double psql_query_ms(uint16_t port);

}  // namespace chaos::test
