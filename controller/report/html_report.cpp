#include "report/html_report.h"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "report/html_report_style.h"
#include "report/markup.h"
#include "report/svg_chart.h"
#include "report/thresholds.h"

namespace chaos::report {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int64_t> int_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<int64_t>();
}

const json::array& array_of(const json::object& o, const char* key) {
  static const json::array kEmpty;
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array() : kEmpty;
}

std::string e(std::string_view text) { return markup_escaped(text); }

std::string number(const json::value* v) {
  if (v == nullptr || !v->is_number()) return "n/a";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v->to_number<double>());
  return text;
}

// "2026-12-04 13:04:52 UTC"
std::string utc(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

std::string seconds_text(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", ms / 1000.0);
  return text;
}

std::string offset(int64_t unix_ms, int64_t started) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", (unix_ms - started) / 1000.0);
  return text;
}

std::string row(std::initializer_list<std::string> cells, const std::string& attributes = "") {
  std::string out = "<tr" + attributes + ">";
  for (const auto& c : cells) out += c;
  return out + "</tr>\n";
}

std::string td(const std::string& html, const char* cls = nullptr) {
  return cls ? "<td class=\"" + std::string(cls) + "\">" + html + "</td>" : "<td>" + html + "</td>";
}

std::string header(const json::object& r) {
  const std::string verdict = str(r, "verdict");
  const std::string shown = verdict.empty() ? str(r, "state") : verdict;
  const std::string title = str(r, "title").empty() ? str(r, "experiment") : str(r, "title");
  std::string out =
      "<header>\n<h1>#" + std::to_string(int_of(r, "id").value_or(0)) + " " + e(title) + "</h1>\n";
  if (!str(r, "description").empty()) {
    out += "<p class=\"desc\">" + markup_text(str(r, "description")) + "</p>\n";
  }
  out += "<p class=\"verdict-line\"><span class=\"badge v-" + e(shown) +
         "\" data-testid=\"verdict\">" + e(shown) + "</span> <span data-testid=\"reason\">" +
         e(str(r, "reason")) + "</span></p>\n<dl class=\"facts\">\n";
  auto fact = [&out](const char* name, const std::string& html) {
    out += "<dt>" + std::string(name) + "</dt><dd>" + html + "</dd>\n";
  };
  fact("experiment", "<code>" + e(str(r, "experiment")) + "</code>");
  if (auto started = int_of(r, "started_unix_ms")) fact("started", utc(*started));
  if (auto ms = int_of(r, "duration_ms")) fact("duration", seconds_text(*ms));
  if (auto ms = int_of(r, "time_to_recover_ms")) fact("time to recover", seconds_text(*ms));
  if (auto ms = int_of(r, "abort_latency_ms")) fact("abort latency", std::to_string(*ms) + " ms");
  fact("state", e(str(r, "state")));
  if (auto seed = int_of(r, "seed")) fact("seed", std::to_string(*seed));
  return out + "</dl>\n</header>\n";
}

// One chart per series, in the order series first appear in the samples.
std::string charts(const json::object& r) {
  const int64_t started = int_of(r, "started_unix_ms").value_or(0);
  auto seconds = [started](int64_t unix_ms) { return (unix_ms - started) / 1000.0; };
  std::vector<ChartWindow> windows;
  for (const auto& item : array_of(r, "fault_windows")) {
    const auto& w = item.as_object();
    ChartWindow window;
    window.start_s = seconds(int_of(w, "start_unix_ms").value_or(started));
    if (auto end = int_of(w, "end_unix_ms")) window.end_s = seconds(*end);
    window.label = str(w, "name").empty() ? str(w, "kind") : str(w, "name");
    windows.push_back(window);
  }
  std::vector<Chart> list;
  std::map<std::string, size_t> index;
  for (const auto& item : array_of(r, "samples")) {
    const auto& s = item.as_object();
    const std::string series = str(s, "series");
    auto [it, added] = index.emplace(series, list.size());
    if (added) {
      Chart chart;
      chart.series = series;
      chart.windows = windows;
      chart.thresholds = thresholds_for(series, array_of(r, "checks"));
      chart.end_s = seconds(int_of(r, "ended_unix_ms").value_or(started));
      list.push_back(std::move(chart));
    }
    ChartPoint p;
    p.t_s = seconds(int_of(s, "unix_ms").value_or(started));
    if (const auto* v = s.if_contains("value"); v && v->is_number())
      p.value = v->to_number<double>();
    const auto* ok = s.if_contains("ok");
    p.ok = ok == nullptr || !ok->is_bool() || ok->as_bool();
    p.error = str(s, "error");
    list[it->second].points.push_back(std::move(p));
  }
  std::string out =
      "<section id=\"charts\">\n<h2>Charts</h2>\n<p class=\"muted\">Shaded: fault windows. Dashed: "
      "tolerance thresholds from the hypothesis. Red marks: failed readings.</p>\n";
  if (list.empty()) out += "<p class=\"muted\">no samples were taken</p>\n";
  // The series the hypothesis judged first and large; the rest (plugin metrics, probes
  // without checks) folded away, as there can be dozens.
  std::set<std::string> judged;
  for (const auto& c : array_of(r, "checks")) judged.insert(str(c.as_object(), "probe"));
  std::string others;
  size_t other_count = 0;
  for (const auto& chart : list) {
    int failed = 0;
    for (const auto& p : chart.points) failed += p.ok ? 0 : 1;
    const std::string figure =
        "<figure data-testid=\"chart\"><figcaption>" + e(chart.series) + " <span class=\"muted\">" +
        std::to_string(chart.points.size()) + " samples" +
        (failed ? ", " + std::to_string(failed) + " failed" : std::string()) +
        "</span></figcaption>" + svg_chart(chart) + "</figure>\n";
    if (judged.count(chart.series)) {
      out += figure;
    } else {
      others += figure;
      ++other_count;
    }
  }
  if (other_count > 0) {
    out += "<details class=\"other-series\"" +
           std::string(other_count == list.size() ? " open" : "") + "><summary>" +
           std::to_string(other_count) + " other series" +
           " (plugin metrics, probes without checks)</summary>\n<div class=\"chart-grid\">\n" +
           others + "</div>\n</details>\n";
  }
  return out + "</section>\n";
}

std::string checks(const json::object& r) {
  std::string out =
      "<section id=\"checks\">\n<h2>Probe results</h2>\n<table data-testid=\"checks\">\n"
      "<thead><tr><th>probe</th><th>phase</th><th>aggregate</th><th>value</th><th>expected</th>"
      "<th>outcome</th><th>samples</th></tr></thead>\n<tbody>\n";
  const auto& list = array_of(r, "checks");
  for (const auto& item : list) {
    const auto& c = item.as_object();
    const std::string outcome = str(c, "outcome");
    out += row({td(e(str(c, "probe"))), td(e(str(c, "phase"))), td(e(str(c, "aggregate"))),
                td(number(c.if_contains("value")), "num"), td(e(str(c, "expectation"))),
                td("<span class=\"badge o-" + e(outcome) + "\">" + e(outcome) + "</span>"),
                td(std::to_string(int_of(c, "samples").value_or(0)), "num")},
               " class=\"out-" + e(outcome) + "\"");
  }
  if (list.empty())
    out += "<tr><td colspan=\"7\" class=\"muted\">no checks were judged</td></tr>\n";
  return out + "</tbody>\n</table>\n</section>\n";
}

// Each fault: its window and its final status's figures (the lines `chaosctl show` prints).
std::string faults(const json::object& r) {
  const int64_t started = int_of(r, "started_unix_ms").value_or(0);
  std::map<int64_t, const json::object*> final_of;
  for (const auto& f : array_of(r, "faults")) {
    if (auto id = int_of(f.as_object(), "id")) final_of[*id] = &f.as_object();
  }
  std::string out =
      "<section id=\"faults\">\n<h2>Faults</h2>\n<p class=\"muted\">When each was on, and its "
      "final status (taken after it stopped: whole-run figures).</p>\n";
  const auto& windows = array_of(r, "fault_windows");
  if (windows.empty()) out += "<p class=\"muted\">no fault was injected</p>\n";
  for (const auto& item : windows) {
    const auto& w = item.as_object();
    const int64_t id = int_of(w, "fault_id").value_or(0);
    const auto end = int_of(w, "end_unix_ms");
    out += "<div class=\"fault-status\" data-testid=\"fault-status\" data-fault=\"" +
           e(str(w, "name")) + "\">\n<h3>" + e(str(w, "name")) + " <span class=\"muted\">" +
           e(str(w, "kind")) + ", fault " + std::to_string(id) + ", " +
           offset(int_of(w, "start_unix_ms").value_or(started), started) + " to " +
           (end ? offset(*end, started) : std::string("(no stop recorded)")) +
           (str(w, "ended_by") == "start_failed" ? " (its start failed)" : "") +
           "</span></h3>\n<table><tbody>\n";
    const auto found = final_of.find(id);
    const json::array* figures = nullptr;
    if (found != final_of.end()) {
      const auto* f = found->second->if_contains("figures");
      if (f && f->is_array()) figures = &f->as_array();
    }
    if (figures == nullptr || figures->empty()) {
      out += "<tr><td class=\"muted\">no final status was recorded</td></tr>\n";
    } else {
      for (const auto& fig : *figures) {
        out += "<tr data-label=\"" + e(str(fig.as_object(), "label")) + "\"><th>" +
               e(str(fig.as_object(), "label")) + "</th><td>" + e(str(fig.as_object(), "text")) +
               "</td></tr>\n";
      }
    }
    out += "</tbody></table>\n</div>\n";
  }
  return out + "</section>\n";
}

// Faults a killed controller left injected: said loudly, first thing after the verdict.
std::string pending(const json::object& r) {
  const auto& list = array_of(r, "pending_recovery");
  if (list.empty()) return "";
  std::string out =
      "<section id=\"pending\" class=\"warning\">\n<h2>Still injected: pending recovery</h2>\n"
      "<p>These faults may still be in effect. Run <code>chaosctl recover</code>.</p>\n<ul>\n";
  for (const auto& item : list) {
    const auto& p = item.as_object();
    out += "<li>" + e(str(p, "fault")) + " (" + e(str(p, "kind")) + "): " + e(str(p, "reason")) +
           "</li>\n";
  }
  return out + "</ul>\n</section>\n";
}

std::string timeline(const json::object& r) {
  const int64_t started = int_of(r, "started_unix_ms").value_or(0);
  std::string out =
      "<section id=\"timeline\">\n<h2>Timeline</h2>\n<table class=\"timeline\"><tbody>\n";
  for (const auto& item : array_of(r, "events")) {
    const auto& ev = item.as_object();
    out += row({td(offset(int_of(ev, "unix_ms").value_or(started), started), "num"),
                td(e(str(ev, "phase"))), td(e(str(ev, "kind"))), td(e(str(ev, "message")))},
               " class=\"ev-" + e(str(ev, "kind")) + "\"");
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string plugins_and_source(const json::object& r) {
  std::string out = "<section id=\"plugins\">\n<h2>Plugins</h2>\n<ul>\n";
  for (const auto& item : array_of(r, "plugins")) {
    if (!item.is_object()) continue;
    out += "<li>" + e(str(item.as_object(), "name")) + " " + e(str(item.as_object(), "version")) +
           "</li>\n";
  }
  out += "</ul>\n</section>\n<section id=\"source\">\n<h2>Experiment source</h2>\n";
  out += "<p class=\"muted\">" + e(str(r, "experiment")) +
         " · sha256 <code data-testid=\"sha256\">" + e(str(r, "source_sha256")) + "</code></p>\n";
  return out + "<pre class=\"source\">" + markup_text(str(r, "source")) + "</pre>\n</section>\n";
}

}  // namespace

std::string html_report(const json::object& report, const std::string& generator) {
  const std::string verdict = str(report, "verdict");
  const std::string title =
      str(report, "title").empty() ? str(report, "experiment") : str(report, "title");
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>chaosctl run " +
      std::to_string(int_of(report, "id").value_or(0)) + ": " + e(title) + " — " +
      e(verdict.empty() ? str(report, "state") : verdict) + "</title>\n<style>" + kHtmlReportStyle +
      "</style>\n</head>\n<body>\n<main>\n";
  html += header(report);
  html += pending(report);
  html += charts(report);
  html += checks(report);
  html += faults(report);
  html += timeline(report);
  html += plugins_and_source(report);
  html += "<footer>" + e(generator) + " · report schema " + e(str(report, "schema")) +
          "</footer>\n</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace chaos::report
