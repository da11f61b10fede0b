#pragma once
// One real run shared by the report tests: nginx on 127.0.0.1 behind the experiment's own
// latency proxy, whose 150 ms delay breaks the hypothesis (p99 at most 60 ms), so the run
// deviates with failed checks, a fault window, a recovery and samples in every phase. Started
// once per suite (a run takes a few seconds); each test reads the same store. The run writes
// every report file and tells two webhooks (--notify): one that answers 200, one 500.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "load/servers.h"
#include "support/child_process.h"
#include "support/test_support.h"
#include "support/webhook_receiver.h"

namespace chaos::report_test {

using namespace std::chrono_literals;

class ReportRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!load_test::missing(load_test::Nginx::kBinary, "nginx").empty()) return;
    nginx_ = new load_test::Nginx();
    if (!nginx_->ready()) return;
    dir_ = new test::TempDir();
    const std::string proxy = "127.0.0.1:" + std::to_string(test::unused_loopback_port());
    test::write_file(experiment(), R"(experiment {
  title = "nginx behind a slow proxy",
  proxies = { web = { listen = ")" + proxy +
                                       R"(", upstream = "127.0.0.1:)" +
                                       std::to_string(nginx_->port()) + R"(" } },
  steady_state = {
    http_probe "home" { url = "http://)" +
                                       proxy + R"(/", every = "50ms", min_samples = 5,
      expect = { p99_ms = { max = 60 } } },
  },
  method = { fault "latency" { name = "slow-web", proxy = "web", delay = "150ms",
                               duration = "1500ms" } },
  recovery = { within = "10s" },
})");
    webhook_ = new test::WebhookReceiver();
    broken_webhook_ = new test::WebhookReceiver(500);
    run_exit_ = chaosctl(
        {"run", experiment(), "--report", dir_->file("run.json"), "--junit", dir_->file("run.xml"),
         "--html", dir_->file("run.html"), "--notify", broken_webhook_->url("/services/T0/secret"),
         "--notify", webhook_->url("/services/T0/B0/XyZ")},
        &run_out_);
  }
  static void TearDownTestSuite() {
    delete nginx_;
    delete dir_;
    delete webhook_;
    delete broken_webhook_;
    nginx_ = nullptr;
    dir_ = nullptr;
    webhook_ = broken_webhook_ = nullptr;
  }
  void SetUp() override {
    if (const std::string why = load_test::missing(load_test::Nginx::kBinary, "nginx");
        !why.empty()) {
      GTEST_SKIP() << why;
    }
    ASSERT_TRUE(nginx_->ready()) << nginx_->log();
    ASSERT_EQ(run_exit_, 1) << "the run should deviate:\n" << run_out_;
  }

  static std::string experiment() { return dir_->file("slow_web.lua"); }

  // chaosctl ARGS on the suite's store; returns the exit code, stdout and stderr in `out`.
  static int chaosctl(std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), {"--db", dir_->file("chaos.db"), "--no-color"});
    test::ChildProcess process(std::string(CHAOS_BIN_DIR) + "/chaosctl", args,
                               dir_->file("chaosctl.log"));
    const auto code = process.wait_exit(60s);
    *out = test::read_file(dir_->file("chaosctl.log"));
    return code.value_or(-1);
  }

  static boost::json::value parsed(const std::string& text) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    EXPECT_FALSE(ec) << ec.message() << " in:\n" << text.substr(0, 2000);
    return v;
  }

  static load_test::Nginx* nginx_;
  static test::TempDir* dir_;
  static test::WebhookReceiver* webhook_;
  static test::WebhookReceiver* broken_webhook_;
  static int run_exit_;
  static std::string run_out_;
};

inline load_test::Nginx* ReportRun::nginx_ = nullptr;
inline test::TempDir* ReportRun::dir_ = nullptr;
inline test::WebhookReceiver* ReportRun::webhook_ = nullptr;
inline test::WebhookReceiver* ReportRun::broken_webhook_ = nullptr;
inline int ReportRun::run_exit_ = -1;
inline std::string ReportRun::run_out_;

}  // namespace chaos::report_test
