#include "journal/journal_reader.h"

#include <boost/json.hpp>
#include <map>

namespace chaos::journal {

std::optional<JournalEvent> decode(const store::EventRecord& record) {
  auto kind = parse_event_kind(record.kind);
  auto phase = parse_phase(record.phase);
  if (!kind || !phase) return std::nullopt;
  return JournalEvent{record.id,    record.run_id, record.unix_ms,     *phase,
                      *kind,        record.message, record.detail_json};
}

store::EventRecord encode(const JournalEvent& event) {
  store::EventRecord record;
  record.id = event.id;
  record.run_id = event.run_id;
  record.unix_ms = event.unix_ms;
  record.phase = phase_name(event.phase);
  record.kind = event_kind_name(event.kind);
  record.message = event.message;
  record.detail_json = event.detail_json.empty() ? "{}" : event.detail_json;
  return record;
}

namespace {

std::string string_of(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The fault id a fault event's detail names, if it names one.
std::optional<FaultId> fault_id_of(const boost::json::object& detail) {
  const auto* id = detail.if_contains("id");
  if (!id || !id->is_int64()) return std::nullopt;
  return id->as_int64();
}

}  // namespace

std::vector<FaultWindow> fault_windows(const std::vector<store::EventRecord>& events) {
  std::vector<FaultWindow> windows;
  std::map<FaultId, size_t> by_id;  // -> index in windows
  for (const auto& record : events) {
    auto event = decode(record);
    if (!event) continue;
    const EventKind kind = event->kind;
    if (kind != EventKind::kFaultStart && kind != EventKind::kFaultStop &&
        kind != EventKind::kFaultStopFailed && kind != EventKind::kFaultStartFailed) {
      continue;
    }
    boost::system::error_code ec;
    auto detail = boost::json::parse(event->detail_json, ec);
    if (ec || !detail.is_object()) continue;
    auto id = fault_id_of(detail.as_object());
    if (!id) continue;
    if (kind == EventKind::kFaultStart) {
      FaultWindow w;
      w.id = *id;
      w.kind = string_of(detail.as_object(), "kind");
      if (const auto* r = detail.as_object().if_contains("remote"); r && r->is_object())
        w.remote = r->as_object();
      w.name = string_of(detail.as_object(), "name");
      if (const auto* p = detail.as_object().if_contains("params"); p && p->is_object()) {
        w.params = p->as_object();
      }
      w.started_unix_ms = event->unix_ms;
      by_id[*id] = windows.size();
      windows.push_back(std::move(w));
      continue;
    }
    auto it = by_id.find(*id);
    if (it == by_id.end()) continue;
    FaultWindow& w = windows[it->second];
    w.ended_unix_ms = event->unix_ms;
    // fault_stop is written before the plugin's stop; a fault_stop_failed after it wins.
    if (kind == EventKind::kFaultStartFailed) w.end = FaultWindow::End::kStartFailed;
    if (kind == EventKind::kFaultStop) w.end = FaultWindow::End::kStopped;
    if (kind == EventKind::kFaultStopFailed) w.end = FaultWindow::End::kStopFailed;
  }
  return windows;
}

}  // namespace chaos::journal
