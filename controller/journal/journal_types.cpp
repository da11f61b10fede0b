#include "journal/journal_types.h"

#include <array>
#include <utility>

namespace chaos::journal {

namespace {

constexpr std::array<std::pair<Phase, const char*>, 7> kPhases{{
    {Phase::kValidating, "validating"},
    {Phase::kBaseline, "baseline"},
    {Phase::kInjecting, "injecting"},
    {Phase::kRecovering, "recovering"},
    {Phase::kDone, "done"},
    {Phase::kAborted, "aborted"},
    {Phase::kErrored, "errored"},
}};

constexpr std::array<std::pair<EventKind, const char*>, 17> kKinds{{
    {EventKind::kPhase, "phase"},
    {EventKind::kFaultStart, "fault_start"},
    {EventKind::kFaultStartFailed, "fault_start_failed"},
    {EventKind::kFaultStop, "fault_stop"},
    {EventKind::kFaultStopFailed, "fault_stop_failed"},
    {EventKind::kFaultUpdate, "fault_update"},
    {EventKind::kProxyStart, "proxy_start"},
    {EventKind::kProxyStop, "proxy_stop"},
    {EventKind::kLog, "log"},
    {EventKind::kPluginLog, "plugin_log"},
    {EventKind::kPluginEvent, "plugin_event"},
    {EventKind::kError, "error"},
    {EventKind::kAbort, "abort"},
    {EventKind::kAbortLatency, "abort_latency"},
    {EventKind::kRecovered, "recovered"},
    {EventKind::kVerdict, "verdict"},
    {EventKind::kInterrupted, "interrupted"},
}};

template <typename Enum, size_t N>
const char* name_in(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> parse_in(const std::array<std::pair<Enum, const char*>, N>& table,
                             std::string_view text) {
  for (const auto& [e, name] : table) {
    if (text == name) return e;
  }
  return std::nullopt;
}

}  // namespace

const char* phase_name(Phase phase) { return name_in(kPhases, phase); }
std::optional<Phase> parse_phase(std::string_view name) { return parse_in(kPhases, name); }

const char* event_kind_name(EventKind kind) { return name_in(kKinds, kind); }
std::optional<EventKind> parse_event_kind(std::string_view name) { return parse_in(kKinds, name); }

}  // namespace chaos::journal
