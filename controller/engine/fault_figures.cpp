#include "engine/fault_figures.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace chaos::engine {

namespace {

// The number at `key` (a dotted path into nested objects), or NaN when absent.
double number(const boost::json::object& status, const std::string& key) {
  const boost::json::object* at = &status;
  size_t from = 0;
  for (size_t dot; (dot = key.find('.', from)) != std::string::npos; from = dot + 1) {
    const auto* next = at->if_contains(key.substr(from, dot - from));
    if (!next || !next->is_object()) return NAN;
    at = &next->as_object();
  }
  const auto* v = at->if_contains(key.substr(from));
  return v && v->is_number() ? v->to_number<double>() : NAN;
}

bool has(const boost::json::object& status, const std::string& key) {
  return !std::isnan(number(status, key));
}

std::string text(const boost::json::object& status, const char* key) {
  const auto* v = status.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

std::string count(double n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

// Milliseconds with three significant figures; a second or more in seconds.
std::string millis(double ms) {
  char buf[32];
  if (ms >= 1000) {
    std::snprintf(buf, sizeof buf, "%.3g s", ms / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g ms", ms);
  }
  return buf;
}

std::string bytes(double n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (n >= 1024 && unit < 4) {
    n /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", n, units[unit]);
  return buf;
}

// "label value" for each key present, joined by ", ".
std::string counts(const boost::json::object& status,
                   std::initializer_list<std::pair<const char*, const char*>> fields) {
  std::string out;
  for (const auto& [key, label] : fields) {
    if (!has(status, key)) continue;
    out += (out.empty() ? "" : ", ") + std::string(label) + " " + count(number(status, key));
  }
  return out;
}

void add(std::vector<FaultFigure>& out, std::string label, std::string text) {
  if (!text.empty()) out.push_back({std::move(label), std::move(text)});
}

void flood(const boost::json::object& s, std::vector<FaultFigure>& out) {
  if (has(s, "latency.count")) {
    std::string latency;
    for (const auto& [key, label] : {std::pair{"p50_ms", "p50"},
                                     {"p90_ms", "p90"},
                                     {"p99_ms", "p99"},
                                     {"p999_ms", "p99.9"},
                                     {"max_ms", "max"}}) {
      const double ms = number(s, std::string("latency.") + key);
      if (!std::isnan(ms))
        latency += (latency.empty() ? "" : ", ") + std::string(label) + " " + millis(ms);
    }
    add(out, "latency",
        latency + " (" + count(number(s, "latency.count")) + " responses, whole run)");
  }
  add(out, "requests",
      counts(s,
             {{"sent", "sent"}, {"ok", "ok"}, {"errors", "errors"}, {"in_flight", "in flight"}}));
  add(out, "errors",
      counts(s, {{"errors_by_kind.connect_refused", "connect refused"},
                 {"errors_by_kind.timeout", "timeout"},
                 {"errors_by_kind.reset", "reset"},
                 {"errors_by_kind.status_4xx", "4xx"},
                 {"errors_by_kind.status_5xx", "5xx"},
                 {"errors_by_kind.other", "other"}}));
  add(out, "pacing", counts(s, {{"late", "late"}, {"dropped", "dropped"}}));
  // What was asked against what was achieved (the last second before the status was read).
  if (has(s, "rate_requested") && has(s, "achieved_rps")) {
    add(out, "rate",
        "requested " + count(number(s, "rate_requested")) + "/s, achieved " +
            count(number(s, "achieved_rps")) + "/s (sent " + count(number(s, "sent_rps")) +
            "/s) in the last second");
  }
  if (text(s, "model") == "closed" && has(s, "connections") && has(s, "open_connections")) {
    add(out, "connections",
        "requested " + count(number(s, "connections")) + ", open " +
            count(number(s, "open_connections")));
  }
  if (has(s, "sends_per_ms_p99")) {
    add(out, "sends per ms",
        "p99 " + count(number(s, "sends_per_ms_p99")) + ", max " +
            count(number(s, "sends_per_ms_max")) + " over " +
            count(number(s, "sends_per_ms_over_ms")) + " ms");
  }
}

void pool(const boost::json::object& s, std::vector<FaultFigure>& out) {
  if (has(s, "requested")) {
    const double full = number(s, "full_after_ms");
    add(out, "held",
        "requested " + count(number(s, "requested")) + ", peak " + count(number(s, "held_peak")) +
            ", " +
            (std::isnan(full) || full < 0 ? "never all held" : "all held after " + millis(full)) +
            ", at stop " + count(number(s, "held")) +
            (number(s, "updates") > 0
                 ? " (changed " + count(number(s, "updates")) + " times live, " +
                       count(number(s, "closed_surplus")) + " closed as surplus)"
                 : ""));
  }
  add(out, "connections",
      counts(s, {{"attempted", "attempted"},
                 {"refused", "refused"},
                 {"dropped_by_peer", "dropped by peer"},
                 {"timeouts", "timeouts"},
                 {"reopened", "reopened"}}));
  add(out, "auth", text(s, "auth_method"));
  add(out, "last refusal", text(s, "last_refusal"));
}

// Every kind on a network proxy (proxy, latency, outage, http, bandwidth).
void proxied(const boost::json::object& s, std::vector<FaultFigure>& out) {
  add(out, "connections",
      counts(s, {{"connections_opened", "opened"},
                 {"connections_active", "active at the end"},
                 {"upstream_connections", "upstream"},
                 {"upstream_errors", "upstream errors"}}));
  if (has(s, "bytes_to_upstream")) {
    add(out, "bytes",
        bytes(number(s, "bytes_to_upstream")) + " to upstream, " +
            bytes(number(s, "bytes_from_upstream")) + " from upstream");
  }
  add(out, "faulted",
      counts(s, {{"requests_faulted", "requests faulted"},
                 {"requests_seen", "of seen"},
                 {"requests_forwarded", "forwarded"},
                 {"connections_affected", "connections affected"},
                 {"connections_reset", "reset"},
                 {"connections_timed_out", "timed out"},
                 {"connections_limited", "limited"},
                 {"chunks_delayed", "chunks delayed"},
                 {"throttled_writes", "throttled writes"}}));
  if (has(s, "achieved_probability") && has(s, "probability")) {
    char text[64];
    std::snprintf(text, sizeof text, "requested %.3g, achieved %.3g", number(s, "probability"),
                  number(s, "achieved_probability"));
    add(out, "probability",
        std::string(text) + " (" + count(number(s, "affected_since_change")) + " of " +
            count(number(s, "judged_since_change")) + " connections since it was set)");
  }
  if (has(s, "release_late_samples") && number(s, "release_late_samples") > 0) {
    // The quantiles are histogram bucket bounds (up to 12.5 % high): no more than the max.
    const double max = number(s, "release_late_max_us");
    add(out, "release lateness",
        "p50 " + count(std::fmin(number(s, "release_late_p50_us"), max)) + " µs, p99 " +
            count(std::fmin(number(s, "release_late_p99_us"), max)) + " µs, max " + count(max) +
            " µs (" + count(number(s, "release_late_samples")) + " chunks)");
  }
}

void generic(const boost::json::object& s, std::vector<FaultFigure>& out) {
  for (const auto& [key, value] : s) {
    if (value.is_number()) {
      add(out, std::string(key), boost::json::serialize(value));
    } else if (value.is_string()) {
      add(out, std::string(key), std::string(value.as_string()));
    } else if (value.is_bool()) {
      add(out, std::string(key), value.as_bool() ? "true" : "false");
    }
  }
}

}  // namespace

std::vector<FaultFigure> fault_figures(const std::string& kind, const boost::json::object& status) {
  std::vector<FaultFigure> out;
  if (const auto* error = status.if_contains("error"); error && error->is_string()) {
    add(out, "status unavailable", std::string(error->as_string()));
    return out;
  }
  if (kind == "flood") {
    flood(status, out);
  } else if (kind == "pool_exhaustion") {
    pool(status, out);
  } else if (status.contains("connections_opened") || status.contains("upstream")) {
    proxied(status, out);
  } else {
    generic(status, out);
  }
  return out;
}

boost::json::array final_statuses_json(const std::vector<store::FaultStatusRecord>& finals) {
  boost::json::array out;
  for (const auto& f : finals) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(f.status_json, ec);
    const boost::json::object status =
        !ec && parsed.is_object() ? parsed.as_object()
                                  : boost::json::object{{"error", "status is not a JSON object"}};
    boost::json::array figures;
    for (const auto& figure : fault_figures(f.kind, status)) {
      figures.push_back(boost::json::object{{"label", figure.label}, {"text", figure.text}});
    }
    out.push_back(boost::json::object{{"id", f.fault_id},
                                      {"name", f.name},
                                      {"kind", f.kind},
                                      {"unix_ms", f.unix_ms},
                                      {"final_status", status},
                                      {"figures", std::move(figures)}});
  }
  return out;
}

}  // namespace chaos::engine
