// The JSON report (schema chaosctl.report/1) through the chaosctl binary: written by
// `run --report`, `report RUN` and `show --json` alike, valid against the published schema
// with the project's own validator, and holding what the store holds about the run.
#include <gtest/gtest.h>

#include "common/sha256.h"
#include "report/report_fixture.h"
#include "schema/json_schema.h"
#include "store/store.h"

namespace chaos::report_test {
namespace {

schema::JsonSchema report_schema() {
  auto schema = schema::JsonSchema::parse(
      test::read_file(std::string(CHAOS_SOURCE_DIR) + "/web/schemas/report-1.schema.json"));
  EXPECT_TRUE(schema.is_ok()) << schema.status().message();
  return schema.value();
}

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) out += e + "\n";
  return out;
}

TEST_F(ReportRun, RunReportFileIsValidAgainstTheSchemaAndEqualsReportAndShowJson) {
  const std::string written = test::read_file(dir_->file("run.json"));
  const boost::json::value report = parsed(written);
  EXPECT_EQ(joined(report_schema().errors(report)), "");

  std::string out;
  ASSERT_EQ(chaosctl({"report", "1", "--format", "json", "-o", dir_->file("again.json")}, &out), 0)
      << out;
  EXPECT_EQ(parsed(test::read_file(dir_->file("again.json"))), report);
  ASSERT_EQ(chaosctl({"report", "1"}, &out), 0) << out;
  EXPECT_EQ(parsed(out), report);
  ASSERT_EQ(chaosctl({"show", "1", "--json"}, &out), 0) << out;
  EXPECT_EQ(parsed(out), report);
}

TEST_F(ReportRun, ReportHoldsTheRunItsChecksFaultWindowsAndEverySample) {
  const boost::json::object report = parsed(test::read_file(dir_->file("run.json"))).as_object();
  EXPECT_EQ(report.at("schema"), "chaosctl.report/1");
  EXPECT_EQ(report.at("id"), 1);
  EXPECT_EQ(std::string(report.at("experiment").as_string()), experiment());
  EXPECT_EQ(report.at("verdict"), "deviated");
  EXPECT_NE(report.at("reason").as_string().find("home"), std::string::npos) << report;
  EXPECT_EQ(std::string(report.at("source").as_string()), test::read_file(experiment()));
  EXPECT_EQ(std::string(report.at("source_sha256").as_string()),
            sha256_hex(test::read_file(experiment())));
  EXPECT_TRUE(report.at("abort_latency_ms").is_null()) << "no guardrail broke";
  EXPECT_TRUE(report.at("time_to_recover_ms").is_number()) << report.at("summary");

  // The probe's checks: the baseline held, the injected window broke p99_ms <= 60.
  std::map<std::string, std::string> outcome_of;
  for (const auto& c : report.at("checks").as_array()) {
    const auto& check = c.as_object();
    EXPECT_EQ(check.at("probe"), "home");
    EXPECT_EQ(check.at("aggregate"), "p99_ms");
    EXPECT_EQ(check.at("expectation").as_string().find("60") != std::string::npos, true) << c;
    outcome_of[std::string(check.at("phase").as_string())] = check.at("outcome").as_string();
    if (check.at("phase") == "injecting") {
      EXPECT_GE(check.at("value").as_double(), 140) << c;
    }
  }
  EXPECT_EQ(outcome_of["baseline"], "ok");
  EXPECT_EQ(outcome_of["injecting"], "failed");

  // One window for the latency fault, about its 1.5 s, with its final status.
  const auto& windows = report.at("fault_windows").as_array();
  ASSERT_EQ(windows.size(), 1u) << report.at("fault_windows");
  const auto& window = windows[0].as_object();
  EXPECT_EQ(window.at("name"), "slow-web");
  EXPECT_EQ(window.at("kind"), "latency");
  EXPECT_EQ(window.at("ended_by"), "stop");
  const int64_t length =
      window.at("end_unix_ms").as_int64() - window.at("start_unix_ms").as_int64();
  EXPECT_GE(length, 1500);
  EXPECT_LT(length, 5000);
  ASSERT_TRUE(window.at("final_status").is_object()) << window;
  EXPECT_GE(window.at("final_status").at("connections_opened").to_number<int64_t>(), 1) << window;

  // Every sample the store holds, in its order, with the same values.
  auto store = store::Store::open(dir_->file("chaos.db"));
  ASSERT_TRUE(store.is_ok()) << store.status().message();
  auto samples = (*store)->samples(1);
  ASSERT_TRUE(samples.is_ok());
  const auto& reported = report.at("samples").as_array();
  ASSERT_EQ(reported.size(), samples->size());
  ASSERT_GT(reported.size(), 10u);
  std::set<std::string> phases;
  for (size_t i = 0; i < reported.size(); ++i) {
    const auto& s = reported[i].as_object();
    EXPECT_EQ(std::string(s.at("series").as_string()), (*samples)[i].series) << i;
    EXPECT_EQ(s.at("unix_ms").as_int64(), (*samples)[i].unix_ms) << i;
    if ((*samples)[i].ok) {
      EXPECT_EQ(s.at("value").to_number<double>(), (*samples)[i].value) << i;
    }
    phases.insert(std::string(s.at("phase").as_string()));
  }
  EXPECT_TRUE(phases.count("baseline") && phases.count("injecting") && phases.count("recovering"))
      << "phases seen: " << phases.size();
}

// A run that errored while validating (no title, checks, faults or samples) is valid too.
TEST_F(ReportRun, ReportOfAnErroredRunIsValidAgainstTheSchema) {
  const std::string bad = dir_->file("errors.lua");
  test::write_file(bad, "experiment { title = 'x', method = function() error('no') end }\n");
  std::string out;
  ASSERT_EQ(chaosctl({"run", bad, "--report", dir_->file("errored.json")}, &out), 4) << out;
  const boost::json::value report = parsed(test::read_file(dir_->file("errored.json")));
  EXPECT_EQ(joined(report_schema().errors(report)), "");
  EXPECT_EQ(report.at("verdict"), "errored");
  EXPECT_NE(report.at("reason").as_string().find("errors.lua:1: no"), std::string::npos) << report;
  EXPECT_TRUE(report.at("checks").as_array().empty());
}

// The schema is not a rubber stamp: a report missing a field or with a wrong type fails it.
TEST_F(ReportRun, SchemaRejectsAReportMissingSamplesOrWithAnUnknownVerdict) {
  boost::json::object report = parsed(test::read_file(dir_->file("run.json"))).as_object();
  const auto schema = report_schema();
  boost::json::object no_samples = report;
  no_samples.erase("samples");
  EXPECT_NE(joined(schema.errors(no_samples)).find("samples"), std::string::npos);
  boost::json::object bad_verdict = report;
  bad_verdict["verdict"] = "fine";
  EXPECT_NE(joined(schema.errors(bad_verdict)).find("verdict"), std::string::npos);
  boost::json::object bad_check = report;
  bad_check["checks"].as_array()[0].as_object()["outcome"] = "maybe";
  EXPECT_FALSE(schema.errors(bad_check).empty());
}

TEST_F(ReportRun, ReportOfAnUnknownRunOrBadPathFailsNamingIt) {
  std::string out;
  EXPECT_EQ(chaosctl({"report", "99"}, &out), 1);
  EXPECT_NE(out.find("99"), std::string::npos) << out;
  EXPECT_EQ(chaosctl({"report", "x1"}, &out), 64);
  EXPECT_NE(out.find("report: 'x1' is not a run id"), std::string::npos) << out;
  EXPECT_EQ(chaosctl({"report", "1", "--format", "yaml"}, &out), 64);
  EXPECT_NE(out.find("--format"), std::string::npos) << out;
  EXPECT_EQ(chaosctl({"report", "1", "-o", dir_->file("no/such/dir/r.json")}, &out), 64);
  EXPECT_NE(out.find("no directory"), std::string::npos) << out;

  // run refuses a report path it could not write before it injects anything: no run is stored.
  EXPECT_EQ(chaosctl({"run", experiment(), "--report", dir_->file("nope/r.json")}, &out), 64);
  EXPECT_NE(out.find("--report " + dir_->file("nope/r.json") + ": no directory"), std::string::npos)
      << out;
  auto store = store::Store::open(dir_->file("chaos.db"));
  ASSERT_TRUE(store.is_ok()) << store.status().message();
  auto runs = (*store)->list_runs(100, 0);
  ASSERT_TRUE(runs.is_ok());
  int of_this_experiment = 0;
  for (const auto& r : *runs) of_this_experiment += r.experiment_path == experiment();
  EXPECT_EQ(of_this_experiment, 1) << "a second run was stored";
}

}  // namespace
}  // namespace chaos::report_test
