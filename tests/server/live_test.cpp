// The live stream (server-sent events): a subscriber gets the halt and its completion.
#include <boost/asio.hpp>

#include "server_fixture.h"

namespace chaos::server {
namespace {

using LiveTest = ServerFixture;

TEST_F(LiveTest, TheStreamCarriesHaltAndHaltDone) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  const std::string req = "GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(req));
  std::string received;
  auto read_until_has = [&](const std::string& needle) {
    char buf[4096];
    while (received.find(needle) == std::string::npos) {
      boost::system::error_code ec;
      const size_t n = socket.read_some(boost::asio::buffer(buf), ec);
      if (ec) return false;
      received.append(buf, n);
    }
    return true;
  };
  ASSERT_TRUE(read_until_has("retry: 1000"));
  EXPECT_NE(received.find("Content-Type: text/event-stream"), std::string::npos);
  ASSERT_TRUE(test::wait_for([&] { return hub_->subscribers() == 1; }));
  ASSERT_EQ(post("/api/v1/halt", "").status, 202);
  ASSERT_TRUE(read_until_has("event: halt_done"));
  EXPECT_NE(received.find("event: halt\ndata: {"), std::string::npos);
  socket.close();
  // The server notices the client left and drops the subscription.
  EXPECT_TRUE(test::wait_for([&] { return hub_->subscribers() == 0; }));
}

TEST_F(LiveTest, AForeignHostGets421NotAStream) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  const std::string req =
      "GET /api/v1/live HTTP/1.1\r\nHost: rebound.evil.example:8080\r\nConnection: close\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(req));
  std::string received;
  boost::system::error_code ec;
  char buf[4096];
  while (!ec) {  // the server closes after its answer (Connection: close)
    const size_t n = socket.read_some(boost::asio::buffer(buf), ec);
    received.append(buf, n);
  }
  EXPECT_EQ(received.rfind("HTTP/1.1 421", 0), 0u) << received;
  EXPECT_EQ(received.find("text/event-stream"), std::string::npos);
  EXPECT_EQ(hub_->subscribers(), 0u);
}

TEST(LiveHubTest, FramesAreSseFormatted) {
  LiveHub hub;
  std::string got;
  const int id = hub.subscribe([&](const std::string& f) { got += f; });
  hub.publish("status", R"({"a":1})");
  EXPECT_EQ(got, "event: status\ndata: {\"a\":1}\n\n");
  hub.unsubscribe(id);
  hub.publish("status", "{}");
  EXPECT_EQ(hub.subscribers(), 0u);
}

}  // namespace
}  // namespace chaos::server
