#pragma once
// The scheduling flags of `chaosctl serve`, in one place: --schedule, --blackout, --max-run and
// --schedule-file (syntax in scheduler/schedule_config.h), gathered as given and then turned
// into a checked ScheduleConfig. Every scheduled experiment is dry-run now, not at 3 a.m.

#include <string>
#include <vector>

#include "common/status.h"
#include "engine/proxy_catalog.h"
#include "plugin_host/plugin_registry.h"
#include "scheduler/schedule_config.h"

namespace chaos::cli {

struct ServeScheduleFlags {
  std::vector<std::string> schedules;       // --schedule "CRON FILE [OPTION=VALUE]..."
  std::vector<std::string> blackouts;       // --blackout "WINDOW"
  std::vector<std::string> schedule_files;  // --schedule-file FILE
  std::string max_run;                      // --max-run DURATION, "" when not given
};

// Files first, then flags (so a flag's --max-run wins over a file's). Errors name the flag or
// FILE:LINE and the part that is wrong.
// `standing`: the standing proxies experiments may attach to (null: none).
Result<scheduler::ScheduleConfig> load_schedule_config(
    const ServeScheduleFlags& flags, const plugin_host::PluginRegistry& registry,
    const engine::ProxyCatalog* standing = nullptr);

}  // namespace chaos::cli
