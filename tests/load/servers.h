#pragma once
// Real servers for the load plugin's tests, on 127.0.0.1 only, started and stopped by pid:
// nginx (unprivileged prefix, `daemon off`) and PostgreSQL 15 (initdb into a temp dir owned
// by `postgres`; trust, or password/md5/scram-sha-256 for a role with a password). A missing
// binary is reported with the Debian package that provides it.

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::load_test {

// Runs a shell command, returns its stdout+stderr and exit status.
inline std::string run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// "" if present, else a message naming the package to install.
inline std::string missing(const std::string& path, const std::string& package) {
  if (access(path.c_str(), X_OK) == 0) return "";
  return path + " is missing: install the Debian package '" + package + "' (apt-get install " +
         package + ")";
}

class Nginx {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nginx";
  // One worker; `worker_connections` small for the exhaustion tests. `host`: another loopback
  // address (127.0.0.2) for the target allowlist's tests.
  explicit Nginx(int worker_connections = 1024, bool access_log = true,
                 std::string host = "127.0.0.1")
      : host_(std::move(host)) {
    port_ = test::unused_loopback_port();
    std::filesystem::create_directories(dir_.file("html"));
    test::write_file(dir_.file("html/index.html"), std::string(100, 'x'));
    test::write_file(dir_.file("nginx.conf"),
                     "daemon off;\nmaster_process on;\nworker_processes 1;\nuser root;\n"
                     "pid " +
                         dir_.file("nginx.pid") + ";\nerror_log " + dir_.file("error.log") +
                         " warn;\n"
                         "events { worker_connections " +
                         std::to_string(worker_connections) +
                         "; }\n"
                         "http {\n  access_log " +
                         (access_log ? dir_.file("access.log") : std::string("off")) +
                         ";\n  client_body_temp_path " + dir_.file("tmp") +
                         ";\n  proxy_temp_path " + dir_.file("tmp") + ";\n  fastcgi_temp_path " +
                         dir_.file("tmp") + ";\n  uwsgi_temp_path " + dir_.file("tmp") +
                         ";\n  scgi_temp_path " + dir_.file("tmp") +
                         ";\n"
                         "  keepalive_requests 1000000;\n  keepalive_timeout 60s;\n"
                         "  server {\n    listen " +
                         host_ + ":" + std::to_string(port_) + ";\n    root " + dir_.file("html") +
                         ";\n    location / { }\n  }\n}\n");
    process_ = std::make_unique<test::ChildProcess>(
        kBinary, std::vector<std::string>{"-p", dir_.path(), "-c", dir_.file("nginx.conf"), "-e",
                                          dir_.file("error.log")},
        dir_.file("stdout.log"));
    // The probes ask for kProbePath, which logged() leaves out: nginx writes a request's log
    // line after sending its response, so a probe's line can land at any later moment (and a
    // probe that timed out under load may still be served and logged).
    ready_ = test::wait_for([&] {
      int st = 0;
      run("curl -g -s -o /dev/null --max-time 1 http://" + host_ + ":" + std::to_string(port_) +
              kProbePath,
          &st);
      return st == 0;
    }, std::chrono::seconds(10));
  }
  ~Nginx() { process_->stop(); }

  bool ready() const { return ready_; }
  unsigned short port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://" + host_ + ":" + std::to_string(port_) + path;
  }
  // Requests nginx logged, the readiness probes left out.
  size_t logged() const {
    const std::string text = test::read_file(dir_.file("access.log"));
    size_t n = 0, begin = 0;
    for (size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
      n += std::string_view(text).substr(begin, end - begin).find(kProbePath) == std::string::npos;
    }
    return n;
  }
  std::string log() const { return process_->log() + test::read_file(dir_.file("error.log")); }
  // The worker's pid (the master's only child).
  pid_t worker() const {
    const std::string children = test::read_file("/proc/" + std::to_string(process_->pid()) +
                                                 "/task/" + std::to_string(process_->pid()) +
                                                 "/children");
    return static_cast<pid_t>(std::atol(children.c_str()));
  }

 private:
  test::TempDir dir_;
  std::string host_;
  unsigned short port_ = 0;
  std::unique_ptr<test::ChildProcess> process_;
  bool ready_ = false;
  static constexpr const char* kProbePath = "/chaos-test-readiness-probe";
};

// How clients on 127.0.0.1 authenticate to a test PostgreSQL, and the role psql() uses.
struct PgAuth {
  std::string method = "trust";   // the pg_hba "host" method: trust, password, md5, scram-sha-256
  std::string user = "postgres";  // not postgres: created LOGIN with `password`
  std::string password;           // stored as an MD5 hash for md5, as SCRAM otherwise
};

// "" if PostgreSQL 15 and psql are installed, else what to install.
inline std::string missing_postgres() {
  for (const auto& [path, package] :
       {std::pair<std::string, std::string>{"/usr/lib/postgresql/15/bin/postgres", "postgresql-15"},
        {"/usr/bin/psql", "postgresql-client-15"}}) {
    if (std::string why = missing(path, package); !why.empty()) return why;
  }
  return "";
}

class Postgres {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";
  // initdb trusts everyone; for another method, pg_hba.conf is rewritten so that the Unix socket
  // (admin_psql, for set-up) stays trusted and 127.0.0.1 uses `auth.method`.
  explicit Postgres(int max_connections, PgAuth auth = {}) : auth_(std::move(auth)) {
    port_ = test::unused_loopback_port();
    chmod(dir_.path().c_str(), 0755);
    data_ = dir_.file("data");
    run("install -d -o postgres -g postgres " + data_);
    int st = 0;
    init_log_ = run(
        "runuser -u postgres -- " + std::string(kBin) + "/initdb -A trust -U postgres -D " + data_,
        &st);
    if (st != 0) return;
    if (auth_.method != "trust") {
      test::write_file(data_ + "/pg_hba.conf",
                       "local all all trust\nhost all all 127.0.0.1/32 " + auth_.method + "\n");
    }
    process_ = std::make_unique<test::ChildProcess>(
        "/usr/sbin/runuser",
        std::vector<std::string>{
            "-u", "postgres", "--", std::string(kBin) + "/postgres", "-D", data_, "-p",
            std::to_string(port_), "-k", data_, "-c", "listen_addresses=127.0.0.1", "-c",
            "max_connections=" + std::to_string(max_connections), "-c",
            "superuser_reserved_connections=0", "-c",
            "password_encryption=" + std::string(auth_.method == "md5" ? "md5" : "scram-sha-256")},
        dir_.file("postgres.log"));
    if (!test::wait_for([&] { return admin_psql("select 1").find("(1 row)") != std::string::npos; },
                        std::chrono::seconds(30)))
      return;
    if (auth_.user != "postgres") {
      // From a file: no shell quoting of the password.
      test::write_file(dir_.file("role.sql"), "CREATE ROLE \"" + auth_.user +
                                                  "\" LOGIN PASSWORD '" + auth_.password + "';\n");
      init_log_ += admin_psql("", "-f " + dir_.file("role.sql"));
    }
    ready_ = test::wait_for([&] { return psql("select 1").find("(1 row)") != std::string::npos; },
                            std::chrono::seconds(10));
  }
  ~Postgres() {
    // Fast shutdown of the postmaster by its pid (first line of postmaster.pid).
    const pid_t pm =
        static_cast<pid_t>(std::atol(test::read_file(data_ + "/postmaster.pid").c_str()));
    if (pm > 0) {
      kill(pm, SIGINT);
      test::wait_for([&] { return kill(pm, 0) != 0; }, std::chrono::seconds(15));
    }
    if (process_) process_->stop();
  }
  bool ready() const { return ready_; }
  unsigned short port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  // psql over TCP as auth.user (PGPASSWORD = auth.password): what a real client gets.
  std::string psql(const std::string& sql) const {
    const std::string password =
        auth_.password.empty() ? "" : "PGPASSWORD='" + auth_.password + "' ";
    return run(password + "PGCONNECT_TIMEOUT=3 /usr/bin/psql -h 127.0.0.1 -p " +
               std::to_string(port_) + " -U " + auth_.user + " -d postgres -c '" + sql + "'");
  }
  // psql as postgres over the Unix socket (always trusted): set-up and inspection.
  std::string admin_psql(const std::string& sql, const std::string& args = "") const {
    return run("PGCONNECT_TIMEOUT=3 /usr/bin/psql -h " + data_ + " -p " + std::to_string(port_) +
               " -U postgres -d postgres " + (sql.empty() ? args : "-c '" + sql + "'"));
  }
  std::string log() const { return init_log_ + (process_ ? process_->log() : ""); }

 private:
  PgAuth auth_;
  test::TempDir dir_;
  std::string data_;
  unsigned short port_ = 0;
  std::string init_log_;
  std::unique_ptr<test::ChildProcess> process_;
  bool ready_ = false;
};

}  // namespace chaos::load_test
