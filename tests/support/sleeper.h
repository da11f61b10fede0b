#pragma once
// A `sleep 60` child for faults to act on (process_pause pauses it), killed and reaped when the
// test ends, paused or not.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>

#include "support/test_support.h"

extern char** environ;

namespace chaos::test {

class Sleeper {
 public:
  Sleeper() {
    char sleep[] = "sleep", sixty[] = "60";
    char* argv[] = {sleep, sixty, nullptr};
    if (posix_spawnp(&pid_, "sleep", nullptr, nullptr, argv, environ) != 0) pid_ = -1;
  }
  ~Sleeper() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  Sleeper(const Sleeper&) = delete;
  Sleeper& operator=(const Sleeper&) = delete;

  pid_t pid() const { return pid_; }
  // The state letter in /proc/PID/stat: 'T' stopped, 'S' sleeping, 'R' running.
  char state() const {
    const std::string stat = read_file("/proc/" + std::to_string(pid_) + "/stat");
    const size_t paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace chaos::test
