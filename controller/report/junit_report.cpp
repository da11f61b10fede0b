#include "report/junit_report.h"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>

#include "report/markup.h"

namespace chaos::report {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t int_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<int64_t>() : 0;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::string seconds(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", ms / 1000.0);
  return text;
}

// "2026-12-04T08:44:34", UTC, as the JUnit XSD's timestamp pattern has it (no zone).
std::string iso_timestamp(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

std::string check_case(const json::object& check, const std::string& classname, Counts& counts) {
  const std::string probe = str(check, "probe"), aggregate = str(check, "aggregate"),
                    phase = str(check, "phase"), outcome = str(check, "outcome"),
                    expectation = str(check, "expectation");
  // null when the check had no value (no usable samples): "n/a", as the run page shows it.
  const auto* value = check.if_contains("value");
  const int64_t samples = int_of(check, "samples");
  std::string xml = "    <testcase name=\"" +
                    markup_escaped(probe + " " + aggregate + " (" + phase + ")") +
                    "\" classname=\"" + markup_escaped(classname) + "\" time=\"0\">\n";
  const std::string observed =
      aggregate + " " +
      (value && value->is_number() ? number(value->to_number<double>()) : std::string("n/a")) +
      " (expected " + expectation + ") over " + std::to_string(samples) + " samples";
  ++counts.tests;
  if (outcome == "failed") {
    ++counts.failures;
    xml += "      <failure message=\"" + markup_escaped(observed) + "\" type=\"failed\"/>\n";
  } else if (outcome == "error") {
    ++counts.errors;
    xml += "      <error message=\"" + markup_escaped("the probe failed: " + observed) +
           "\" type=\"error\"/>\n";
  } else if (outcome == "inconclusive") {
    ++counts.skipped;
    xml += "      <skipped message=\"" + markup_escaped("inconclusive: " + observed) + "\"/>\n";
  }
  return xml + "    </testcase>\n";
}

std::string verdict_case(const json::object& report, const std::string& classname, Counts& counts) {
  const std::string verdict = str(report, "verdict"), reason = str(report, "reason");
  std::string xml = "    <testcase name=\"verdict\" classname=\"" + markup_escaped(classname) +
                    "\" time=\"" + seconds(int_of(report, "duration_ms")) + "\">\n";
  ++counts.tests;
  if (verdict == "deviated" || verdict == "not_steady" || verdict == "aborted") {
    ++counts.failures;
    xml += "      <failure message=\"" + markup_escaped(verdict + ": " + reason) + "\" type=\"" +
           verdict + "\"/>\n";
  } else if (verdict != "passed") {
    ++counts.errors;
    const std::string what =
        verdict.empty() ? "the run did not finish (state " + str(report, "state") + ")" : verdict;
    xml += "      <error message=\"" + markup_escaped(what + ": " + reason) + "\" type=\"" +
           markup_escaped(verdict.empty() ? str(report, "state") : verdict) + "\"/>\n";
  }
  return xml + "    </testcase>\n";
}

std::string timeline(const json::object& report) {
  const int64_t started = int_of(report, "started_unix_ms");
  std::string out;
  for (const auto& e : report.at("events").as_array()) {
    const auto& event = e.as_object();
    char offset[32];
    std::snprintf(offset, sizeof offset, "%+8.1fs", (int_of(event, "unix_ms") - started) / 1000.0);
    out += std::string(offset) + "  " + str(event, "phase") + "  " + str(event, "kind") + "  " +
           str(event, "message") + "\n";
  }
  return out;
}

}  // namespace

std::string junit_xml(const json::object& report) {
  const std::string classname = str(report, "experiment");
  const std::string title = str(report, "title");
  Counts counts;
  std::string cases;
  for (const auto& check : report.at("checks").as_array()) {
    cases += check_case(check.as_object(), classname, counts);
  }
  cases += verdict_case(report, classname, counts);

  const std::string totals = " tests=\"" + std::to_string(counts.tests) + "\" failures=\"" +
                             std::to_string(counts.failures) + "\" errors=\"" +
                             std::to_string(counts.errors) + "\" skipped=\"" +
                             std::to_string(counts.skipped) + "\" time=\"" +
                             seconds(int_of(report, "duration_ms")) + "\"";
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"chaosctl\"" + totals + ">\n";
  xml += "  <testsuite name=\"" + markup_escaped(title.empty() ? classname : title) + "\" id=\"" +
         std::to_string(int_of(report, "id")) + "\"" + totals + " timestamp=\"" +
         iso_timestamp(int_of(report, "started_unix_ms")) + "\" hostname=\"localhost\">\n";
  xml += "    <properties>\n";
  for (const char* key : {"experiment", "source_sha256", "verdict", "reason", "schema"}) {
    xml += "      <property name=\"" + std::string(key) + "\" value=\"" +
           markup_escaped(str(report, key)) + "\"/>\n";
  }
  xml += "      <property name=\"run_id\" value=\"" + std::to_string(int_of(report, "id")) +
         "\"/>\n    </properties>\n";
  xml += cases;
  xml += "    <system-out>" + markup_text(timeline(report)) + "</system-out>\n";
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace chaos::report
