// chaosctl run --notify URL against real HTTP servers on 127.0.0.1: the run's JSON report,
// with Slack's "text" first, is posted to every URL when the run ends; a webhook that fails is
// named on stderr (without its secret path) and changes neither the verdict nor the exit code;
// a URL that is not http(s) is refused before anything runs.
#include <gtest/gtest.h>

#include "report/report_fixture.h"

namespace chaos::report_test {
namespace {

TEST_F(ReportRun, NotifyPostsTheJsonReportWithASlackTextWhenTheRunEnds) {
  const auto requests = webhook_->requests();
  ASSERT_EQ(requests.size(), 1u) << run_out_;
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/services/T0/B0/XyZ");
  EXPECT_EQ(requests[0].content_type, "application/json");
  EXPECT_EQ(requests[0].body.rfind("{\"text\":", 0), 0u) << requests[0].body.substr(0, 200);
  auto posted = parsed(requests[0].body).as_object();
  const auto report = parsed(test::read_file(dir_->file("run.json"))).as_object();
  const std::string id = std::to_string(report.at("id").as_int64());
  EXPECT_EQ(posted.at("text").as_string(),
            "chaosctl: run " + id + ", nginx behind a slow proxy (" + experiment() +
                ") ended deviated: " + std::string(report.at("reason").as_string()));
  posted.erase("text");
  EXPECT_EQ(posted, report);  // the report itself, samples and all
}

TEST_F(ReportRun, AFailingWebhookIsNamedButTheExitCodeStaysTheVerdicts) {
  EXPECT_EQ(broken_webhook_->requests().size(), 1u);
  const std::string said =
      "chaosctl: --notify: webhook http://127.0.0.1:" + std::to_string(broken_webhook_->port()) +
      "/...: answered HTTP 500";
  EXPECT_NE(run_out_.find(said), std::string::npos) << run_out_;
  EXPECT_EQ(run_out_.find("secret"), std::string::npos) << run_out_;
  EXPECT_EQ(run_exit_, 1);  // deviated, as without --notify
}

TEST_F(ReportRun, ANotifyUrlThatIsNotHttpIsRefusedBeforeAnythingRuns) {
  std::string out;
  const int runs_before = 1;
  EXPECT_EQ(chaosctl({"run", experiment(), "--notify", "ftp://127.0.0.1/hook"}, &out), 64) << out;
  EXPECT_NE(out.find("--notify: 'ftp://127.0.0.1/hook' is not an http:// or https:// URL"),
            std::string::npos)
      << out;
  EXPECT_EQ(chaosctl({"runs", "--json"}, &out), 0) << out;
  EXPECT_EQ(parsed(out).as_array().size(), static_cast<size_t>(runs_before)) << out;
}

TEST_F(ReportRun, HtmlReportOfTheRunIsWrittenAndMatchesReportFormatHtml) {
  const std::string html = test::read_file(dir_->file("run.html"));
  ASSERT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u) << html.substr(0, 200);
  EXPECT_NE(html.find("<svg class=\"chart\" "), std::string::npos);
  EXPECT_NE(html.find("<rect class=\"fault-window\""), std::string::npos);
  EXPECT_NE(html.find("<line class=\"threshold\""), std::string::npos);
  EXPECT_NE(html.find("data-testid=\"verdict\">deviated</span>"), std::string::npos);
  const auto report = parsed(test::read_file(dir_->file("run.json"))).as_object();
  std::string out;
  ASSERT_EQ(
      chaosctl({"report", std::to_string(report.at("id").as_int64()), "--format", "html"}, &out),
      0);
  EXPECT_EQ(out, html);
}

}  // namespace
}  // namespace chaos::report_test
