#include "cli/serve_schedules.h"

#include "common/text_file.h"
#include "engine/dry_run.h"

namespace chaos::cli {

Result<scheduler::ScheduleConfig> load_schedule_config(const ServeScheduleFlags& flags,
                                                       const plugin_host::PluginRegistry& registry,
                                                       const engine::ProxyCatalog* standing) {
  scheduler::ScheduleConfig config;
  for (const std::string& file : flags.schedule_files) {
    if (Status s = config.load_file(file); !s) return s;
  }
  for (const std::string& text : flags.schedules) {
    if (Status s = config.add_schedule(text); !s) return s;
  }
  for (const std::string& text : flags.blackouts) {
    if (Status s = config.add_blackout(text); !s) return s;
  }
  if (!flags.max_run.empty()) {
    if (Status s = config.set_max_run(flags.max_run); !s) return s;
  }
  for (const auto& schedule : config.schedules) {
    auto source = read_text_file(schedule.experiment);
    if (!source) return source.status().with_context("--schedule");
    if (auto plan =
            engine::dry_run(source.value(), schedule.experiment, registry, {}, nullptr, standing);
        !plan) {
      return plan.status().with_context("--schedule");
    }
  }
  return config;
}

}  // namespace chaos::cli
