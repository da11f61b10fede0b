#pragma once
// Real servers and command-line clients for the network integration tests.
//
//  - ServerProcess: a long-running server (postgres, nginx) started with fork/exec, optionally
//    as another user (postgres refuses to run as root), output to a log file, and always
//    stopped by its pid: by stop(), by the destructor, and by the kernel if the test binary
//    dies (PR_SET_PDEATHSIG, set after the user switch, which would otherwise clear it).
//  - run_command: a client (psql) run to completion with a deadline; a client still running at
//    the deadline is killed, so a test never hangs on it.
//  - require_binary: fails the test with the Debian package to install when a binary is
//    missing; these tests never skip silently.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace chaos::test {

class ServerProcess {
 public:
  // Starts `binary args...` as `user` (empty: this user); stdout and stderr go to `log_path`.
  // Check pid() > 0.
  ServerProcess(const std::string& binary, const std::vector<std::string>& args,
                const std::string& log_path, const std::string& user = "");
  ~ServerProcess();  // stop()
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool exited();
  // Sends `signal`, waits up to `grace` for the exit, then SIGKILL. Idempotent.
  void stop(int signal, std::chrono::milliseconds grace = std::chrono::seconds(10));
  void stop();  // the signal given to the constructor's owner, SIGTERM by default
  void set_stop_signal(int signal) { stop_signal_ = signal; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int stop_signal_;
  std::string log_path_;
};

struct CommandResult {
  std::optional<int> exit_code;  // nullopt: killed at the deadline (or by a signal)
  std::string output;            // stdout and stderr, interleaved
  std::chrono::milliseconds elapsed{0};
};

// Runs `argv` with `env` added to this process's environment, waits at most `timeout`.
CommandResult run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          std::chrono::milliseconds timeout);

// An empty string if `path` is an executable; otherwise a message naming the package.
std::string missing_binary(const std::string& path, const std::string& debian_package);

// Gives `path` (recursively) to `user`.
bool chown_to(const std::string& path, const std::string& user);

}  // namespace chaos::test
