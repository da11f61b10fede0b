// Webhooks against a real HTTP server on 127.0.0.1: what is posted, how failures read (without
// the URL's secret path), and the queue that posts in order off the caller's thread.
#include "notify/webhook.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "notify/webhook_queue.h"
#include "support/silent_listener.h"
#include "support/test_support.h"
#include "support/webhook_receiver.h"

namespace chaos::notify {
namespace {

namespace json = boost::json;

TEST(Webhook, PostsTheJsonDocument) {
  test::WebhookReceiver receiver;
  const std::string body =
      json::serialize(with_text(json::object{{"event", "verdict"}, {"run_id", 7}}, "run 7 passed"));
  ASSERT_TRUE(post_json(receiver.url("/services/T0/B0/secret"), body));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/services/T0/B0/secret");
  EXPECT_EQ(requests[0].content_type, "application/json");
  const json::value got = json::parse(requests[0].body);
  EXPECT_EQ(got.at("text").as_string(), "run 7 passed");  // Slack's field
  EXPECT_EQ(got.at("event").as_string(), "verdict");
  EXPECT_EQ(got.at("run_id").as_int64(), 7);
  EXPECT_EQ(requests[0].body.rfind("{\"text\":", 0), 0u) << "text first: " << requests[0].body;
}

TEST(Webhook, FailuresNameTheHostAndTheReasonButNotTheSecretPath) {
  test::WebhookReceiver receiver(500);
  const Status rejected = post_json(receiver.url("/services/secret"), "{}");
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.message(), "webhook http://127.0.0.1:" + std::to_string(receiver.port()) +
                                    "/...: answered HTTP 500");
  EXPECT_EQ(rejected.message().find("secret"), std::string::npos);

  test::SilentListener silent;  // accepts the connection, never answers
  ASSERT_NE(silent.port(), 0);
  const auto before = std::chrono::steady_clock::now();
  const Status hung =
      post_json("http://" + silent.address() + "/x", "{}", std::chrono::milliseconds(300));
  EXPECT_FALSE(hung);
  EXPECT_EQ(hung.code(), Status::Code::kIoError);
  EXPECT_NE(hung.message().find("webhook http://" + silent.address() + "/...: "), std::string::npos)
      << hung.message();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));  // hang guard

  EXPECT_EQ(post_json("ftp://127.0.0.1/x", "{}").code(), Status::Code::kInvalidArgument);
}

TEST(Webhook, UrlsAreCheckedAndRedacted) {
  EXPECT_TRUE(check_webhook_url("https://hooks.slack.com/services/T0/B0/X"));
  EXPECT_TRUE(check_webhook_url("http://127.0.0.1:9000"));
  EXPECT_EQ(check_webhook_url("ftp://x/y").message(),
            "'ftp://x/y' is not an http:// or https:// URL");
  EXPECT_EQ(check_webhook_url("hooks.slack.com/x").message(),
            "'hooks.slack.com/x' is not an http:// or https:// URL");
  EXPECT_EQ(check_webhook_url("https:///x").message(), "'https:///x' has no host");
  EXPECT_EQ(redact_url("https://hooks.slack.com/services/T0/B0/X"), "https://hooks.slack.com/...");
  EXPECT_EQ(redact_url("http://user:pw@127.0.0.1:9/hook?token=1"), "http://127.0.0.1:9/...");
  EXPECT_EQ(redact_url("http://127.0.0.1:9"), "http://127.0.0.1:9/");
  EXPECT_EQ(redact_url("nonsense"), "(not a URL)");
}

TEST(WebhookQueue, PostsInOrderOffTheCallersThreadAndReportsEachResult) {
  test::WebhookReceiver ok;
  test::WebhookReceiver broken(503);
  std::mutex mutex;
  std::vector<std::string> results;
  {
    WebhookQueue queue([&](const std::string& url, const Status& result) {
      std::lock_guard lock(mutex);
      results.push_back(result ? "ok" : result.message());
    });
    for (int i = 0; i < 5; ++i) queue.post(ok.url(), "{\"n\":" + std::to_string(i) + "}");
    queue.post(broken.url("/secret"), "{}");
    ASSERT_TRUE(queue.wait_idle(std::chrono::seconds(20)));
    ASSERT_EQ(ok.count(), 5u);
    const auto got = ok.requests();
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(got[static_cast<size_t>(i)].body, "{\"n\":" + std::to_string(i) + "}");
    std::lock_guard lock(mutex);
    ASSERT_EQ(results.size(), 6u);
    EXPECT_EQ(results[0], "ok");
    EXPECT_NE(results[5].find("answered HTTP 503"), std::string::npos) << results[5];
    // What is queued when the queue goes away is still delivered.
    for (int i = 0; i < 3; ++i) queue.post(ok.url(), "{}");
  }
  EXPECT_EQ(ok.count(), 8u);
}

}  // namespace
}  // namespace chaos::notify
