#include "network/server_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace chaos::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Identity {
  uid_t uid;
  gid_t gid;
};

std::optional<Identity> lookup(const std::string& user) {
  const passwd* pw = getpwnam(user.c_str());
  if (!pw) return std::nullopt;
  return Identity{pw->pw_uid, pw->pw_gid};
}

// In the child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const std::string& log_path,
                             const std::optional<Identity>& as, pid_t parent, char* const* envp) {
  const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  setpgid(0, 0);  // its own group, so a stop reaches what it forks (nginx, postgres backends)
  if (as) {
    if (setgroups(0, nullptr) != 0 || setgid(as->gid) != 0 || setuid(as->uid) != 0) _exit(126);
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it
  if (getppid() != parent) _exit(127);
  if (envp) {
    execve(argv[0], argv.data(), envp);
  } else {
    execv(argv[0], argv.data());
  }
  _exit(127);
}

std::vector<char*> make_argv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

ServerProcess::ServerProcess(const std::string& binary, const std::vector<std::string>& args,
                             const std::string& log_path, const std::string& user)
    : stop_signal_(SIGTERM), log_path_(log_path) {
  std::vector<std::string> all{binary};
  all.insert(all.end(), args.begin(), args.end());
  const std::vector<char*> argv = make_argv(all);
  std::optional<Identity> as;
  if (!user.empty()) {
    as = lookup(user);
    if (!as) return;
  }
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) exec_child(argv, log_path, as, parent, nullptr);
}

ServerProcess::~ServerProcess() { stop(); }

bool ServerProcess::exited() {
  if (pid_ <= 0 || reaped_) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

void ServerProcess::stop() { stop(stop_signal_); }

void ServerProcess::stop(int signal, std::chrono::milliseconds grace) {
  if (pid_ <= 0 || exited()) return;
  kill(pid_, signal);
  const auto deadline = Clock::now() + grace;
  while (!exited() && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!exited()) {
    kill(-pid_, SIGKILL);  // the whole group: workers and backends too
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
  }
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

CommandResult run_command(const std::vector<std::string>& args, const std::vector<std::string>& env,
                          std::chrono::milliseconds timeout) {
  CommandResult result;
  char path[] = "/tmp/chaos-command-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return result;
  close(fd);
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  environment.insert(environment.end(), env.begin(), env.end());
  const std::vector<char*> envp = make_argv(environment);
  const std::vector<char*> argv = make_argv(args);

  const auto start = Clock::now();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) exec_child(argv, path, std::nullopt, parent, envp.data());
  int status = 0;
  bool done = false;
  while (!(done = waitpid(pid, &status, WNOHANG) == pid) && Clock::now() - start < timeout)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  result.output = text.str();
  std::remove(path);
  return result;
}

std::string missing_binary(const std::string& path, const std::string& debian_package) {
  if (access(path.c_str(), X_OK) == 0) return "";
  return path + " is missing: install the Debian package '" + debian_package +
         "' (apt-get install " + debian_package + ")";
}

bool chown_to(const std::string& path, const std::string& user) {
  const auto as = lookup(user);
  if (!as) return false;
  std::error_code ec;
  if (chown(path.c_str(), as->uid, as->gid) != 0) return false;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (chown(entry.path().c_str(), as->uid, as->gid) != 0) return false;
  }
  return !ec;
}

}  // namespace chaos::test
