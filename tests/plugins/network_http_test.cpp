// The http kind through the C ABI, against a loopback HTTP/1.1 server: the fraction and paths
// it faults, keep-alive and pipelining, delays, and connections opened before it started.

#include "http_peers.h"
#include "network_fixture.h"

namespace chaos::testing {
namespace {

class HttpFaultTest : public NetworkPluginTest {
 protected:
  std::unique_ptr<FaultHandle> http(uint16_t port, uint16_t upstream, const std::string& extra) {
    auto f = make("http", params(port, upstream, extra));
    const CallResult r = f->start();
    EXPECT_EQ(r.status, CHAOS_OK) << r.message;
    return f;
  }
  static int64_t field(FaultHandle& f, const char* name) {
    return status_of(f).at(name).to_number<int64_t>();
  }
};

TEST_F(HttpFaultTest, AnswersAboutTheFractionOfMatchingRequestsAndNoOthersOnOneConnection) {
  HttpTestServer server;
  auto fault =
      http(0, server.port(), R"(,"status":503,"path_prefix":"/api","probability":0.5,"seed":7)");
  HttpConnection conn(bound_port(*fault));
  ASSERT_TRUE(conn.connected());
  int api_503 = 0, other_503 = 0;
  for (int i = 0; i < 200; ++i) {
    const bool api = i % 2 == 0;
    ASSERT_TRUE(conn.send(HttpConnection::get(api ? "/api/items" : "/web/home")));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply) << i;
    if (reply->status == 503) {
      (api ? api_503 : other_503)++;
      EXPECT_EQ(reply->body, "fault injected by chaosctl\n");
      EXPECT_NE(reply->head.find("X-Chaos-Fault: http"), std::string::npos);
    } else {
      EXPECT_EQ(reply->status, 200);
      EXPECT_EQ(reply->body, api ? "GET /api/items" : "GET /web/home");
    }
  }
  EXPECT_EQ(other_503, 0);
  EXPECT_GT(api_503, 30);
  EXPECT_LT(api_503, 70);
  EXPECT_EQ(field(*fault, "requests_faulted"), api_503);
  EXPECT_EQ(field(*fault, "requests_seen"), 200);
  EXPECT_EQ(field(*fault, "requests_forwarded"), 200 - api_503);
  EXPECT_EQ(server.requests_to("/api/items"), 100 - api_503);
  EXPECT_EQ(server.requests_to("/web/home"), 100);
  EXPECT_EQ(field(*fault, "connections_opened"), 1);  // all on one kept-alive connection
}

TEST_F(HttpFaultTest, PipelinedRequestsGetTheirAnswersInTheirOrder) {
  HttpTestServer server;
  auto fault = http(0, server.port(), R"(,"status":503,"path_prefix":"/api")");
  HttpConnection conn(bound_port(*fault));
  ASSERT_TRUE(conn.send(HttpConnection::get("/one") + HttpConnection::get("/api/two") +
                        HttpConnection::get("/three") + HttpConnection::get("/api/four")));
  const char* expected[] = {"GET /one", nullptr, "GET /three", nullptr};
  for (const char* body : expected) {
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    if (body) {
      EXPECT_EQ(reply->status, 200);
      EXPECT_EQ(reply->body, body);
    } else {
      EXPECT_EQ(reply->status, 503);
    }
  }
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(HttpFaultTest, AnAnsweredRequestsBodyIsDroppedAndTheConnectionGoesOn) {
  HttpTestServer server;
  auto fault = http(0, server.port(), R"(,"status":500,"method":"POST","body":"no")");
  HttpConnection conn(bound_port(*fault));
  ASSERT_TRUE(
      conn.send("POST /orders HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world" +
                HttpConnection::get("/after")));
  auto first = conn.read_reply();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 500);
  EXPECT_EQ(first->body, "no");
  auto second = conn.read_reply();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "GET /after");
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpFaultTest, ADelayHoldsOnlyTheMatchingRequests) {
  HttpTestServer server;
  auto fault = http(0, server.port(), R"(,"delay":"250ms","path_prefix":"/slow")");
  HttpConnection conn(bound_port(*fault));
  auto timed = [&](const std::string& path) {
    const auto start = Clock::now();
    EXPECT_TRUE(conn.send(HttpConnection::get(path)));
    const auto reply = conn.read_reply();
    EXPECT_TRUE(reply && reply->status == 200);
    return Clock::now() - start;
  };
  EXPECT_GE(timed("/slow/x"), milliseconds(245));
  EXPECT_LT(timed("/fast"), milliseconds(150));
  EXPECT_EQ(field(*fault, "requests_faulted"), 1);
  EXPECT_EQ(server.requests(), 2);  // delayed, not answered
}

TEST_F(HttpFaultTest, AConnectionOpenBeforeTheFaultIsFaultedAndHealsOnStop) {
  HttpTestServer server;
  auto proxy = make("proxy", params(0, server.port()));
  ASSERT_EQ(proxy->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*proxy);
  HttpConnection conn(port);
  ASSERT_TRUE(conn.send(HttpConnection::get("/a")));
  EXPECT_EQ(conn.read_reply()->status, 200);

  auto fault = http(port, server.port(), R"(,"status":503)");
  ASSERT_TRUE(conn.send(HttpConnection::get("/b")));
  EXPECT_EQ(conn.read_reply()->status, 503);
  ASSERT_EQ(fault->stop().status, CHAOS_OK);
  ASSERT_TRUE(conn.send(HttpConnection::get("/c")));
  EXPECT_EQ(conn.read_reply()->status, 200);
  EXPECT_EQ(status_of(*proxy).at("connections_opened"), 1);
}

TEST_F(HttpFaultTest, ConnectionCloseRequestsGetAnAnswerAndThenAClose) {
  HttpTestServer server;
  auto fault = http(0, server.port(), R"(,"status":503)");
  HttpConnection conn(bound_port(*fault));
  ASSERT_TRUE(conn.send(HttpConnection::get("/x", "Connection: close\r\n")));
  const auto reply = conn.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  EXPECT_NE(reply->head.find("Connection: close"), std::string::npos);
  conn.client().shutdown_send();
  EXPECT_TRUE(conn.closed_by_peer());
}

TEST_F(HttpFaultTest, TrafficThatIsNotHttpPassesThroughUntouched) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto fault = http(0, echo.port(), R"(,"status":503)");
  Client client(bound_port(*fault));
  for (int i = 0; i < 3; ++i) EXPECT_GE(client.echo_rtt().count(), 0);
  EXPECT_EQ(field(*fault, "requests_seen"), 0);
}

}  // namespace
}  // namespace chaos::testing
