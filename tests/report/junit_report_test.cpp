// The JUnit report through the chaosctl binary: `run --junit` and `report RUN --format junit`
// write well-formed XML (parsed by Python's xml.etree, not by us) with one <testsuite> per run,
// one <testcase> per check plus the verdict, a <failure> for each broken hypothesis and an
// <error> for an errored run.
#include <gtest/gtest.h>

#include "report/report_fixture.h"

namespace chaos::report_test {
namespace {

// What xml.etree makes of the file, as JSON: the root's tag and per suite its attributes,
// cases (name, classname, and their failure/error/skipped children) and system-out. A file
// that is not well-formed XML makes Python exit non-zero.
boost::json::value junit_summary(const test::TempDir& dir, const std::string& path,
                                 std::string* problem) {
  const std::string script = dir.file("junit_summary.py");
  test::write_file(script, R"(import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = []
for s in root.iter("testsuite"):
    cases = [{"name": c.get("name"), "classname": c.get("classname"),
              "results": [{"tag": r.tag, "message": r.get("message"), "type": r.get("type")}
                          for r in c if r.tag in ("failure", "error", "skipped")]}
             for c in s.iter("testcase")]
    suites.append({"attrib": dict(s.attrib), "cases": cases,
                   "system_out": s.findtext("system-out") or ""})
print(json.dumps({"root": root.tag, "suites": suites}))
)");
  int status = -1;
  const std::string out = load_test::run("python3 " + script + " " + path, &status);
  if (status != 0) {
    *problem = "not well-formed XML: " + out;
    return nullptr;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  if (ec) *problem = "python printed: " + out;
  return v;
}

std::string str(const boost::json::value& v, const char* key) {
  const auto* at = v.as_object().if_contains(key);
  return at && at->is_string() ? std::string(at->as_string()) : std::string();
}

TEST_F(ReportRun, JunitOfADeviatedRunHasACasePerCheckAndFailsTheBrokenOnes) {
  std::string problem;
  const auto summary = junit_summary(*dir_, dir_->file("run.xml"), &problem);
  ASSERT_TRUE(problem.empty()) << problem;
  EXPECT_EQ(str(summary, "root"), "testsuites");
  const auto& suites = summary.at("suites").as_array();
  ASSERT_EQ(suites.size(), 1u) << summary;
  const auto& suite = suites[0];
  const auto& attrib = suite.at("attrib");
  EXPECT_EQ(str(attrib, "name"), "nginx behind a slow proxy");

  const auto report = parsed(test::read_file(dir_->file("run.json"))).as_object();
  const auto& checks = report.at("checks").as_array();
  const auto& cases = suite.at("cases").as_array();
  ASSERT_EQ(cases.size(), checks.size() + 1) << summary;
  EXPECT_EQ(str(attrib, "tests"), std::to_string(cases.size()));

  int failed_checks = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    const auto& check = checks[i].as_object();
    const auto& c = cases[i];
    const std::string phase(check.at("phase").as_string());
    EXPECT_EQ(str(c, "name"), "home p99_ms (" + phase + ")");
    EXPECT_EQ(str(c, "classname"), experiment());
    const auto& results = c.at("results").as_array();
    if (check.at("outcome") == "failed") {
      ++failed_checks;
      ASSERT_EQ(results.size(), 1u) << c;
      EXPECT_EQ(str(results[0], "tag"), "failure");
      // The message says what was observed against what was expected.
      const std::string message = str(results[0], "message");
      EXPECT_NE(message.find("p99_ms "), std::string::npos) << message;
      EXPECT_NE(message.find("(expected <= 60"), std::string::npos) << message;
    } else if (check.at("outcome") == "ok") {
      EXPECT_TRUE(results.empty()) << c;
    }
  }
  EXPECT_GE(failed_checks, 1);

  // The run's own case fails with the verdict and its reason.
  const auto& verdict = cases.back();
  EXPECT_EQ(str(verdict, "name"), "verdict");
  ASSERT_EQ(verdict.at("results").as_array().size(), 1u) << verdict;
  const auto& failure = verdict.at("results").as_array()[0];
  EXPECT_EQ(str(failure, "tag"), "failure");
  EXPECT_EQ(str(failure, "type"), "deviated");
  EXPECT_EQ(str(failure, "message"), "deviated: " + std::string(report.at("reason").as_string()));
  EXPECT_EQ(str(attrib, "failures"), std::to_string(failed_checks + 1));
  EXPECT_EQ(str(attrib, "errors"), "0");
  EXPECT_NE(str(suite, "system_out").find("fault_start"), std::string::npos) << suite;

  // report --format junit writes the same file.
  std::string out;
  ASSERT_EQ(chaosctl({"report", "1", "--format", "junit", "-o", dir_->file("again.xml")}, &out), 0)
      << out;
  EXPECT_EQ(test::read_file(dir_->file("again.xml")), test::read_file(dir_->file("run.xml")));
}

TEST_F(ReportRun, JunitOfAnErroredRunIsAnErrorNamingTheLuaError) {
  const std::string bad = dir_->file("boom.lua");
  test::write_file(bad, R"(experiment {
  title = "a <method> that & fails",
  method = function() error("boom \"quoted\" <here>") end,
})");
  std::string out;
  ASSERT_EQ(chaosctl({"run", bad, "--junit", dir_->file("boom.xml")}, &out), 4) << out;
  std::string problem;
  const auto summary = junit_summary(*dir_, dir_->file("boom.xml"), &problem);
  ASSERT_TRUE(problem.empty()) << problem << test::read_file(dir_->file("boom.xml"));
  const auto& suite = summary.at("suites").as_array().at(0);
  // It errored while validating, before its title was kept: the suite is named for the file.
  EXPECT_EQ(str(suite.at("attrib"), "name"), bad);
  EXPECT_EQ(str(suite.at("attrib"), "errors"), "1");
  const auto& cases = suite.at("cases").as_array();
  ASSERT_EQ(cases.size(), 1u) << summary;  // no checks: only the verdict
  const auto& error = cases[0].at("results").as_array().at(0);
  EXPECT_EQ(str(error, "tag"), "error");
  EXPECT_EQ(str(error, "type"), "errored");
  EXPECT_NE(str(error, "message").find("boom.lua:3"), std::string::npos) << error;
  EXPECT_NE(str(error, "message").find("boom \"quoted\" <here>"), std::string::npos) << error;
}

}  // namespace
}  // namespace chaos::report_test
