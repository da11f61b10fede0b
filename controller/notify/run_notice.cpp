#include "notify/run_notice.h"

namespace chaos::notify {

std::string run_name(int64_t run_id, const std::string& title, const std::string& experiment) {
  std::string name = run_id ? "run " + std::to_string(run_id) + ", " : std::string();
  return name + (title.empty() ? experiment : title + " (" + experiment + ")");
}

std::string verdict_text(int64_t run_id, const std::string& title, const std::string& experiment,
                         const std::string& verdict, const std::string& reason) {
  return "chaosctl: " + run_name(run_id, title, experiment) + " ended " + verdict +
         (reason.empty() ? "" : ": " + reason);
}

}  // namespace chaos::notify
