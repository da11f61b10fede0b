#include "engine/run_owner.h"

#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace chaos::engine {

namespace {

std::string current_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. 0 when the
// process does not exist. The command name (field 2) may hold spaces and parentheses, so the
// fields are counted from the last ')'.
int64_t start_time_of(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream fields(stat.substr(paren + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return 0;
  }
  try {
    return std::stoll(field);
  } catch (...) {
    return 0;
  }
}

}  // namespace

RunOwner RunOwner::current() {
  const int64_t pid = ::getpid();
  return RunOwner{pid, start_time_of(pid), current_boot_id()};
}

std::optional<RunOwner> RunOwner::from_summary(const std::string& summary_json) {
  boost::system::error_code ec;
  auto summary = boost::json::parse(summary_json, ec);
  if (ec || !summary.is_object()) return std::nullopt;
  const auto& o = summary.as_object();
  const auto* pid = o.if_contains("pid");
  if (!pid || !pid->is_int64() || pid->as_int64() <= 0) return std::nullopt;
  RunOwner owner{pid->as_int64(), 0, ""};
  if (const auto* start = o.if_contains("pid_start"); start && start->is_int64()) {
    owner.pid_start = start->as_int64();
  }
  if (const auto* boot = o.if_contains("boot_id"); boot && boot->is_string()) {
    owner.boot_id = std::string(boot->as_string());
  }
  return owner;
}

std::string RunOwner::to_summary() const {
  return boost::json::serialize(
      boost::json::object{{"pid", pid}, {"pid_start", pid_start}, {"boot_id", boot_id}});
}

bool RunOwner::alive() const {
  if (pid <= 0) return false;
  // After a reboot every process of the old boot is gone, whatever the pids say now.
  if (!boot_id.empty() && boot_id != current_boot_id()) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
  // A reused pid belongs to a process that started later than the recorded one.
  return pid_start == 0 || start_time_of(pid) == pid_start;
}

}  // namespace chaos::engine
