// HttpExchange without sockets: which bytes go on, which requests are answered, and that the
// answers keep the order of pipelined requests.

#include "http_exchange.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chaos::network {
namespace {

using std::chrono::milliseconds;

// Records what the exchange sends each way; "to client" interleaves real and made-up bytes in
// the order a client would read them.
class RecordingSink : public HttpSink {
 public:
  void forward_request(const char* data, size_t n, microseconds extra) override {
    to_dependency.append(data, n);
    if (extra.count() > 0) delays.push_back(extra);
  }
  void forward_response(const char* data, size_t n) override { to_client.append(data, n); }
  void inject_response(std::string bytes, microseconds, bool close_after) override {
    to_client += bytes;
    closes += close_after;
  }
  std::string to_dependency;
  std::string to_client;
  std::vector<microseconds> delays;
  int closes = 0;
};

class HttpExchangeTest : public ::testing::Test {
 protected:
  Rule& add_rule(HttpSpec spec, double probability = 1) {
    Rule r;
    r.owner = owners_ + 1;
    r.probability = probability;
    r.seed = 5;
    r.stats = std::make_shared<RuleStats>();
    r.spec = std::move(spec);
    rules_storage_.push_back(std::move(r));
    ++owners_;
    pointers();
    return rules_storage_.back();
  }
  void pointers() {
    rules_.clear();
    for (const Rule& r : rules_storage_) rules_.push_back(&r);
  }
  static HttpSpec answer(int status, std::string prefix = "") {
    HttpSpec s;
    s.status = status;
    s.path_prefix = std::move(prefix);
    s.body = "nope";
    s.content_type = "text/plain";
    return s;
  }
  void request(const std::string& bytes) {
    ex_.on_request_bytes(bytes.data(), bytes.size(), rules_);
  }
  void response(const std::string& bytes) { ex_.on_response_bytes(bytes.data(), bytes.size()); }
  static std::string ok(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  RecordingSink sink_;
  HttpExchange ex_{sink_, 1};
  std::vector<Rule> rules_storage_ = [] {
    std::vector<Rule> v;
    v.reserve(8);  // pointers into it stay valid
    return v;
  }();
  std::vector<const Rule*> rules_;
  uint64_t owners_ = 0;
};

TEST_F(HttpExchangeTest, WithoutRulesEveryByteGoesOnAtOnce) {
  request("GET /a HT");
  EXPECT_EQ(sink_.to_dependency, "GET /a HT");
  request("TP/1.1\r\n\r\n");
  response(ok("a"));
  EXPECT_EQ(sink_.to_client, ok("a"));
  EXPECT_TRUE(ex_.following());
}

TEST_F(HttpExchangeTest, AMatchingRequestIsAnsweredAndNeverForwarded) {
  const Rule& r = add_rule(answer(503, "/api"));
  request("GET /api/x HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(sink_.to_dependency, "");
  EXPECT_NE(sink_.to_client.find("HTTP/1.1 503 Service Unavailable\r\n"), std::string::npos);
  EXPECT_NE(sink_.to_client.find("Content-Length: 4\r\n"), std::string::npos);
  EXPECT_TRUE(sink_.to_client.ends_with("\r\n\r\nnope"));
  EXPECT_EQ(sink_.to_client.find("Connection: close"), std::string::npos);  // kept alive
  EXPECT_EQ(r.stats->requests_seen, 1u);
  EXPECT_EQ(r.stats->requests_faulted, 1u);
  EXPECT_EQ(r.stats->requests_forwarded, 0u);

  request("GET /other HTTP/1.1\r\n\r\n");
  EXPECT_EQ(sink_.to_dependency, "GET /other HTTP/1.1\r\n\r\n");
  EXPECT_EQ(r.stats->requests_seen, 2u);
  EXPECT_EQ(r.stats->requests_forwarded, 1u);
}

TEST_F(HttpExchangeTest, PipelinedAnswersWaitForTheResponsesBeforeThem) {
  add_rule(answer(503, "/api"));
  request("GET /one HTTP/1.1\r\n\r\nGET /api/two HTTP/1.1\r\n\r\nGET /three HTTP/1.1\r\n\r\n");
  EXPECT_EQ(sink_.to_dependency, "GET /one HTTP/1.1\r\n\r\nGET /three HTTP/1.1\r\n\r\n");
  EXPECT_EQ(sink_.to_client, "");  // the answer to /api/two must follow /one's response
  response(ok("one") + ok("three"));
  const size_t one = sink_.to_client.find("one");
  const size_t two = sink_.to_client.find("503");
  const size_t three = sink_.to_client.find("three");
  ASSERT_NE(two, std::string::npos);
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
}

TEST_F(HttpExchangeTest, AnAnsweredRequestsBodyIsDroppedWholeAlsoWhenChunked) {
  add_rule(answer(503, "/api"));
  request("POST /api/a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel");
  request("loPOST /api/b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  request("POST /keep HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(sink_.to_dependency, "POST /keep HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
}

TEST_F(HttpExchangeTest, ExpectContinueAndConnectionCloseGetAClosingAnswer) {
  add_rule(answer(503));
  request("POST /a HTTP/1.1\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(sink_.closes, 1);
  EXPECT_NE(sink_.to_client.find("Connection: close"), std::string::npos);
  request("GET /after HTTP/1.1\r\n\r\n");  // dropped: the connection is ending
  EXPECT_EQ(sink_.to_dependency, "");
}

TEST_F(HttpExchangeTest, ADelayOnlyRuleForwardsTheRequestWithItsDelay) {
  HttpSpec slow;
  slow.delay = milliseconds(250);
  add_rule(slow);
  request("GET /x HTTP/1.1\r\n\r\n");
  EXPECT_EQ(sink_.to_dependency, "GET /x HTTP/1.1\r\n\r\n");
  ASSERT_EQ(sink_.delays.size(), 1u);
  EXPECT_EQ(sink_.delays[0], milliseconds(250));
}

TEST_F(HttpExchangeTest, MethodAndPrefixNarrowWhatIsFaulted) {
  HttpSpec posts = answer(500, "/api");
  posts.method = "POST";
  add_rule(posts);
  request("GET /api/x HTTP/1.1\r\n\r\nPOST /web HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(sink_.to_client, "");
  request("POST /api/x HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  response(ok("1") + ok("2"));
  EXPECT_NE(sink_.to_client.find("500"), std::string::npos);
}

TEST_F(HttpExchangeTest, TheProbabilityIsDrawnPerRequest) {
  const Rule& r = add_rule(answer(503), 0.5);
  for (int i = 0; i < 400; ++i) {
    request("GET /x HTTP/1.1\r\n\r\n");
    response(ok("x"));
  }
  EXPECT_EQ(r.stats->requests_seen, 400u);
  EXPECT_NEAR(static_cast<double>(r.stats->requests_faulted), 200, 40);
  EXPECT_EQ(r.stats->requests_faulted + r.stats->requests_forwarded, 400u);
}

TEST_F(HttpExchangeTest, AHeldHeadGoesOnWhenTheLastRuleIsRemoved) {
  add_rule(answer(503));
  request("GET /x HTTP/1.1\r\nHost:");
  EXPECT_EQ(sink_.to_dependency, "");
  rules_.clear();
  ex_.on_rules_changed(rules_);
  request(" h\r\n\r\n");
  EXPECT_EQ(sink_.to_dependency, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
}

TEST_F(HttpExchangeTest, ANonHttpStreamIsPassedThroughUntouched) {
  add_rule(answer(503));
  request("PRICE sku-42\n");
  request("RESERVE sku-42\n");
  EXPECT_EQ(sink_.to_dependency, "PRICE sku-42\nRESERVE sku-42\n");
  EXPECT_FALSE(ex_.following());
}

TEST_F(HttpExchangeTest, ResponsesToHeadAndChunkedResponsesAreFramedRight) {
  add_rule(answer(503, "/api"));
  request("HEAD /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /api HTTP/1.1\r\n\r\n");
  response("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");  // HEAD: no body follows
  response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
  EXPECT_TRUE(sink_.to_client.ends_with(
      "0\r\n\r\n" + HttpExchange::make_answer(answer(503, "/api"),
                                              *parse_request_head("GET /api HTTP/1.1\r\n\r\n"),
                                              false)));
}

}  // namespace
}  // namespace chaos::network
