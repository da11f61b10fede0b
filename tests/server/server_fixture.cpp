#include "server_fixture.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <regex>

namespace chaos::server {

namespace beast = boost::beast;
namespace http_ns = beast::http;
using tcp = boost::asio::ip::tcp;

Reply http(unsigned short port, const std::string& method, const std::string& target,
           const std::string& body, const std::string& authorization) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http_ns::request<http_ns::string_body> req(http_ns::string_to_verb(method), target, 11);
  req.set(http_ns::field::host, "127.0.0.1");
  if (!authorization.empty()) req.set(http_ns::field::authorization, authorization);
  req.body() = body;
  req.prepare_payload();
  http_ns::write(stream, req);
  beast::flat_buffer buffer;
  http_ns::response_parser<http_ns::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::error_code ec;
  http_ns::read(stream, buffer, parser, ec);
  Reply reply;
  if (ec) return reply;
  reply.status = static_cast<int>(parser.get().result_int());
  reply.content_type = std::string(parser.get()[http_ns::field::content_type]);
  reply.body = parser.get().body();
  return reply;
}

std::optional<unsigned short> served_port(test::ChildProcess& serve) {
  std::optional<unsigned short> port;
  test::wait_for([&] {
    std::smatch m;
    const std::string log = serve.log();
    if (std::regex_search(log, m, std::regex(R"(serving http://127\.0\.0\.1:(\d+)/)"))) {
      port = static_cast<unsigned short>(std::stoi(m[1]));
    }
    return port.has_value() || serve.exited();
  });
  return port;
}

ApiConfig api_config(const std::string& token, std::vector<std::string> experiments,
                     const std::string& db_path) {
  ApiConfig c;
  c.token = token;
  c.experiments = std::move(experiments);
  c.db_path = db_path;
  return c;
}

void ServerFixture::SetUp() {
  db_path_ = dir_.file("chaos.db");
  auto store = store::Store::open(db_path_);
  ASSERT_TRUE(store) << store.status().message();
  store_ = std::move(store).value();
  experiments_.push_back(write_experiment("ok.lua", "experiment { title = 'ok', method = function() end }"));
  hub_ = std::make_unique<LiveHub>();
  runs_ = std::make_unique<RunManager>(db_path_, registry_, clock_, *hub_);
  api_ = std::make_unique<Api>(api_config(kToken, experiments_, db_path_), *store_, registry_,
                               *runs_, clock_);
  server_ = std::make_unique<HttpServer>(*api_, *hub_);
  ASSERT_TRUE(server_->listen("127.0.0.1:0"));
  port_ = server_->port();
  io_ = std::thread([this] { server_->run(); });
}

void ServerFixture::TearDown() {
  if (runs_) {
    runs_->halt("test over");
    runs_->wait_idle();
  }
  if (server_) server_->stop();
  if (io_.joinable()) io_.join();
  server_.reset();
  api_.reset();
  runs_.reset();
}

std::string ServerFixture::write_experiment(const std::string& name, const std::string& text) {
  const std::string path = dir_.file(name);
  test::write_file(path, text);
  return path;
}

int64_t ServerFixture::add_run(const std::string& experiment, const std::string& verdict,
                               int64_t started) {
  store::RunRecord run;
  run.experiment_path = experiment;
  run.title = "title of " + experiment;
  run.source = "experiment { title = 'x' }";
  run.source_sha256 = std::string(64, 'c');
  run.started_unix_ms = started;
  auto id = store_->begin_run(run);
  EXPECT_TRUE(id);
  EXPECT_TRUE(store_->finish_run(*id, started + 5000, verdict, "because",
                                 R"({"abort_latency_ms":42.5,"time_to_recover_ms":900})"));
  return *id;
}

}  // namespace chaos::server
