#pragma once
// A child process for tests: started with fork/exec, output to a log file, stopped by pid.
// It dies with the test binary (PR_SET_PDEATHSIG), so a crashed test leaves nothing behind.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace chaos::test {

class ChildProcess {
 public:
  // Starts `binary` with `args`; stdout and stderr go to `log_path`. Check pid() > 0.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const std::string& log_path);
  ~ChildProcess();  // stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // SIGTERM, then SIGKILL if it has not exited within 5 s. Returns the wait status.
  int stop();
  // Waits for the process to exit on its own, up to `timeout`. Returns the exit code, or
  // nullopt if it is still running (or died of a signal).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool exited();
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;  // the wait status, once reaped
  std::string log_path_;
};

// Polls `path` until it holds a port, the process exits, or `timeout` passes.
std::optional<unsigned short> wait_for_port_file(const std::string& path, ChildProcess& process,
                                                 std::chrono::milliseconds timeout);

// A fresh directory under the system temp dir, for port files and logs.
std::string make_temp_dir();

// A port nothing listens on right now: bind port 0 on loopback, read it, close. Another
// process could take it before the caller does; on loopback in a test run that is rare.
unsigned short unused_loopback_port();

}  // namespace chaos::test
