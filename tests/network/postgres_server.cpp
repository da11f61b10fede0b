#include "network/postgres_server.h"

#include <signal.h>

#include <utility>
#include <vector>

#include "support/child_process.h"

namespace chaos::test {

using std::chrono::seconds;

std::string start_postgres(Postgres& pg) {
  for (const auto& [bin, package] : {std::pair{kPgBin + "initdb", "postgresql-15"},
                                     std::pair{kPgBin + "postgres", "postgresql-15"},
                                     std::pair{kPsql, "postgresql-client-15"}}) {
    if (auto missing = missing_binary(bin, package); !missing.empty()) return missing;
  }
  const std::string data = pg.dir.file("data");
  if (!chown_to(pg.dir.path(), "postgres"))
    return "cannot give " + pg.dir.path() + " to the user 'postgres' (is postgresql installed?)";
  {
    ServerProcess initdb(kPgBin + "initdb", {"-D", data, "-A", "trust", "-U", "postgres", "--no-sync"},
                         pg.dir.file("initdb.log"), "postgres");
    if (!wait_for([&] { return initdb.exited(); }, seconds(120)))
      return "initdb did not finish: " + initdb.log();
    if (initdb.log().find("Success") == std::string::npos) return "initdb failed: " + initdb.log();
  }
  pg.port = unused_loopback_port();
  pg.server = std::make_unique<ServerProcess>(
      kPgBin + "postgres",
      std::vector<std::string>{"-D", data, "-p", std::to_string(pg.port), "-k", pg.dir.path(), "-c",
                               "listen_addresses=127.0.0.1", "-c", "fsync=off"},
      pg.dir.file("postgres.log"), "postgres");
  pg.server->set_stop_signal(SIGINT);
  const bool ready = wait_for(
      [&] { return pg.server->exited() || psql(pg.port, "select 1").output == "1\n"; }, seconds(30));
  if (!ready || pg.server->exited()) return "postgres did not start: " + pg.server->log();
  return "";
}

CommandResult psql(uint16_t port, const std::string& sql, int connect_timeout_s,
                   std::chrono::milliseconds timeout) {
  return run_command({kPsql, "-X", "-h", "127.0.0.1", "-p", std::to_string(port), "-U", "postgres",
                      "-d", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql},
                     {"PGCONNECT_TIMEOUT=" + std::to_string(connect_timeout_s), "PGGSSENCMODE=disable"},
                     timeout);
}

double psql_query_ms(uint16_t port) {
  const CommandResult r =
      run_command({kPsql, "-X", "-h", "127.0.0.1", "-p", std::to_string(port), "-U", "postgres", "-d",
                   "postgres", "-At", "-c", "\\timing on", "-c", "select 1"},
                  {"PGCONNECT_TIMEOUT=10", "PGGSSENCMODE=disable"}, seconds(20));
  const size_t at = r.output.find("Time: ");
  return at == std::string::npos ? -1 : std::stod(r.output.substr(at + 6));
}

}  // namespace chaos::test
