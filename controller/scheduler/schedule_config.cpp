#include "scheduler/schedule_config.h"

#include <cctype>

#include "common/duration.h"
#include "common/text_file.h"
#include "notify/webhook.h"

namespace chaos::scheduler {

namespace {

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// "word=..." where word is an option's shape (lower-case letters and dashes): the key, else "".
std::string_view option_key(std::string_view word) {
  const size_t eq = word.find('=');
  if (eq == std::string_view::npos || eq == 0) return {};
  for (char c : word.substr(0, eq)) {
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return {};
  }
  return word.substr(0, eq);
}

Status apply_option(ScheduleOptions& options, std::string_view key, std::string_view value) {
  if (key == "max-run") {
    auto ms = parse_max_run_ms(value);
    if (!ms) return ms.status().with_context("max-run");
    options.max_run_ms = ms.value();
    return Status::ok();
  }
  if (key == "notify" || key == "notify-start" || key == "notify-verdict") {
    if (Status s = notify::check_webhook_url(value); !s) return s.with_context(std::string(key));
    if (key != "notify-verdict") options.notify_firing.emplace_back(value);
    if (key != "notify-start") options.notify_verdict.emplace_back(value);
    return Status::ok();
  }
  return Status::invalid_argument("'" + std::string(key) +
                                  "=' is not a schedule option (max-run=, notify=, "
                                  "notify-start=, notify-verdict=)");
}

constexpr const char* kScheduleShape =
    "expected \"[TZ=ZONE] CRON FILE [OPTION=VALUE]...\", e.g. \"TZ=Europe/Berlin 0 14 * * wed "
    "experiments/db_slowdown.lua max-run=30m\"";

}  // namespace

Result<int64_t> parse_max_run_ms(std::string_view text) {
  auto d = parse_duration(text);
  if (!d) return d.status();
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(d.value()).count();
  if (ms <= 0) {
    return Status::invalid_argument("'" + std::string(text) + "' must be more than zero");
  }
  return ms;
}

Result<Schedule> parse_schedule(std::string_view text) {
  std::vector<std::string_view> parts = words(text);
  // Options are the trailing key=value words; the word before them is the experiment.
  size_t first_option = parts.size();
  const auto is_option = [](std::string_view word) {
    const std::string_view key = option_key(word);
    return !key.empty() && key != "tz" && key != "cron_tz";
  };
  while (first_option > 0 && is_option(parts[first_option - 1])) {
    --first_option;
  }
  if (first_option < 2)
    return Status::invalid_argument("'" + std::string(text) + "': " + kScheduleShape);
  Schedule schedule;
  schedule.experiment = std::string(parts[first_option - 1]);
  for (size_t i = first_option; i < parts.size(); ++i) {
    const std::string_view key = option_key(parts[i]);
    if (Status s = apply_option(schedule.options, key, parts[i].substr(key.size() + 1)); !s) {
      return Status::invalid_argument("'" + std::string(text) + "': " + s.message());
    }
  }
  std::string cron_text;
  for (size_t i = 0; i + 1 < first_option; ++i) cron_text += (i ? " " : "") + std::string(parts[i]);
  auto cron = CronSchedule::parse(cron_text);
  if (!cron) return cron.status();
  schedule.cron = std::move(cron).value();
  return schedule;
}

Status ScheduleConfig::add_schedule(std::string_view text) {
  auto schedule = parse_schedule(text);
  if (!schedule) return schedule.status().with_context("--schedule");
  schedules.push_back(std::move(schedule).value());
  return Status::ok();
}

Status ScheduleConfig::add_blackout(std::string_view text) {
  auto window = BlackoutWindow::parse(text);
  if (!window) return window.status().with_context("--blackout");
  blackouts.push_back(std::move(window).value());
  return Status::ok();
}

Status ScheduleConfig::set_max_run(std::string_view text) {
  auto ms = parse_max_run_ms(text);
  if (!ms) return ms.status().with_context("--max-run");
  max_run_ms = ms.value();
  return Status::ok();
}

Status ScheduleConfig::load_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return text.status().with_context("--schedule-file");
  std::string_view rest = text.value();
  for (int line_no = 1; !rest.empty(); ++line_no) {
    const size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    const std::vector<std::string_view> parts = words(line);
    if (parts.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    const std::string_view directive = parts[0];
    std::string_view value =
        line.substr(static_cast<size_t>(directive.data() + directive.size() - line.data()));
    value = value.substr(std::min(value.size(), value.find_first_not_of(" \t")));
    value = value.substr(0, value.find_last_not_of(" \t\r") + 1);
    Status s;
    if (directive == "schedule") {
      auto schedule = parse_schedule(value);
      s = schedule ? Status::ok() : schedule.status();
      if (schedule) schedules.push_back(std::move(schedule).value());
    } else if (directive == "blackout") {
      auto window = BlackoutWindow::parse(value);
      s = window ? Status::ok() : window.status();
      if (window) blackouts.push_back(std::move(window).value());
    } else if (directive == "max-run") {
      auto ms = parse_max_run_ms(value);
      s = ms ? Status::ok() : ms.status();
      if (ms) max_run_ms = ms.value();
    } else {
      s = Status::invalid_argument("'" + std::string(directive) +
                                   "' is not a directive here (schedule, blackout, max-run)");
      return s.with_context(where);
    }
    if (!s) return s.with_context(where + ": " + std::string(directive));
  }
  return Status::ok();
}

}  // namespace chaos::scheduler
