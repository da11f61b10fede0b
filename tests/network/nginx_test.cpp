// The http kind in front of a real nginx on 127.0.0.1 (ephemeral port, temporary prefix),
// driven through the plugin's C ABI, with libcurl as the client: the faulted fraction, the
// paths it touches, and what nginx itself saw (its access log).

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "network/server_process.h"
#include "plugins/loaded_plugin.h"
#include "plugins/recording_host.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::testing {
namespace {

namespace json = boost::json;
using chaos::test::ServerProcess;
using std::chrono::seconds;

const std::string kNginx = "/usr/sbin/nginx";

size_t count_lines_with(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// A libcurl handle that keeps its connection alive between requests, as a service client does.
class Curl {
 public:
  Curl() : handle_(curl_easy_init()) {}
  ~Curl() { curl_easy_cleanup(handle_); }
  // The status of GET url, or -1 when the request failed.
  long get(const std::string& url, std::string* body = nullptr) {
    std::string sink;
    curl_easy_setopt(handle_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle_, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(handle_, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(handle_, CURLOPT_WRITEDATA, body ? body : &sink);
    if (curl_easy_perform(handle_) != CURLE_OK) return -1;
    long status = 0;
    curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

 private:
  CURL* handle_;
};

class NginxProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(plugin_.plugin(), nullptr) << plugin_.error();
    const std::string missing = chaos::test::missing_binary(kNginx, "nginx");
    ASSERT_EQ(missing, "") << missing;
    port_ = chaos::test::unused_loopback_port();
    const std::string conf = dir_.file("nginx.conf");
    chaos::test::write_file(conf,
                            "daemon off;\nmaster_process off;\nworker_processes 1;\n"
                            "pid " +
                                dir_.file("nginx.pid") +
                                ";\n"
                                "error_log " +
                                dir_.file("error.log") +
                                " info;\n"
                                "events { worker_connections 256; }\n"
                                "http {\n"
                                "  access_log " +
                                dir_.file("access.log") +
                                ";\n"
                                "  client_body_temp_path " +
                                dir_.file("body") +
                                ";\n"
                                "  proxy_temp_path " +
                                dir_.file("proxy") +
                                ";\n"
                                "  fastcgi_temp_path " +
                                dir_.file("fastcgi") +
                                ";\n"
                                "  uwsgi_temp_path " +
                                dir_.file("uwsgi") +
                                ";\n"
                                "  scgi_temp_path " +
                                dir_.file("scgi") +
                                ";\n"
                                "  keepalive_requests 10000;\n"
                                "  server {\n"
                                "    listen 127.0.0.1:" +
                                std::to_string(port_) +
                                ";\n"
                                "    location /api/ { return 200 \"api\\n\"; }\n"
                                "    location / { return 200 \"web\\n\"; }\n"
                                "  }\n"
                                "}\n");
    nginx_ = std::make_unique<ServerProcess>(
        kNginx,
        std::vector<std::string>{"-p", dir_.path(), "-e", dir_.file("error.log"), "-c", conf},
        dir_.file("nginx.out"));
    Curl probe;
    const std::string url = "http://127.0.0.1:" + std::to_string(port_) + "/health";
    ASSERT_TRUE(chaos::test::wait_for([&] { return nginx_->exited() || probe.get(url) == 200; },
                                      seconds(15)))
        << nginx_->log() << chaos::test::read_file(dir_.file("error.log"));
    ASSERT_FALSE(nginx_->exited())
        << nginx_->log() << chaos::test::read_file(dir_.file("error.log"));
    // nginx logs after it answers: wait for the readiness request's line, so a test counting
    // log lines does not see it arrive late as one of its own.
    ASSERT_TRUE(chaos::test::wait_for(
        [&] { return count_lines_with(access_log(), "\"GET /health") > 0; }, seconds(5)));
  }

  std::unique_ptr<FaultHandle> start(const char* kind, const std::string& listen,
                                     const std::string& extra) {
    const std::string params = R"({"listen":")" + listen + R"(","upstream":"127.0.0.1:)" +
                               std::to_string(port_) + "\"" + extra + "}";
    auto f = std::make_unique<FaultHandle>(plugin_.kind(kind), host_, params);
    EXPECT_EQ(f->created().status, CHAOS_OK) << f->created().message;
    const CallResult r = f->start();
    EXPECT_EQ(r.status, CHAOS_OK) << r.message;
    return f;
  }
  static std::string listen_of(FaultHandle& f) {
    return std::string(json::parse(f.status()).at("listen").as_string());
  }
  std::string access_log() const { return chaos::test::read_file(dir_.file("access.log")); }

  LoadedPlugin plugin_{CHAOS_NETWORK_PLUGIN};
  RecordingHost host_;
  chaos::test::TempDir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<ServerProcess> nginx_;
};

TEST_F(NginxProxyTest, HttpFaultAnswersAboutHalfOfApiRequestsAndNoneElsewhere) {
  constexpr int kApi = 200;
  constexpr int kWeb = 100;
  auto fault = start("http", "127.0.0.1:0",
                     R"(,"path_prefix":"/api","status":503,"probability":0.5,"seed":2024)");
  const std::string base = "http://" + listen_of(*fault);
  const size_t log_before = count_lines_with(access_log(), "\"GET ");

  Curl curl;
  int api_503 = 0, api_200 = 0, web_503 = 0, web_200 = 0, other = 0;
  for (int i = 0; i < kApi + kWeb; ++i) {
    const bool api = i % 3 != 2;
    std::string body;
    const long status =
        curl.get(base + (api ? "/api/orders?i=" : "/web/page?i=") + std::to_string(i), &body);
    if (status == 503) {
      (api ? api_503 : web_503)++;
      EXPECT_EQ(body, "fault injected by chaosctl\n");
    } else if (status == 200) {
      (api ? api_200 : web_200)++;
      EXPECT_EQ(body, api ? "api\n" : "web\n");
    } else {
      ++other;
    }
  }
  const json::object status = json::parse(fault->status()).as_object();
  std::cout << "[ observed ] /api: " << api_503 << " x 503, " << api_200
            << " x 200; other paths: " << web_200
            << " x 200; connections: " << status.at("connections_opened") << "\n";
  EXPECT_EQ(other, 0);
  EXPECT_EQ(web_503, 0);
  EXPECT_EQ(web_200, kWeb);
  EXPECT_EQ(api_503 + api_200, kApi);
  EXPECT_GT(api_503, kApi * 35 / 100);
  EXPECT_LT(api_503, kApi * 65 / 100);
  EXPECT_EQ(status.at("requests_faulted").as_int64(), api_503);
  EXPECT_EQ(status.at("requests_seen").as_int64(), kApi + kWeb);
  EXPECT_EQ(status.at("requests_forwarded").as_int64(), api_200 + kWeb);
  EXPECT_EQ(status.at("connections_opened").as_int64(), 1);  // kept alive through the faults

  // nginx saw exactly the requests that were not faulted. It logs after it answers, so wait
  // for the count to arrive rather than read it once.
  const auto logged = [&] { return count_lines_with(access_log(), "\"GET ") - log_before; };
  EXPECT_TRUE(
      chaos::test::wait_for([&] { return logged() >= size_t(api_200 + kWeb); }, seconds(5)));
  EXPECT_EQ(count_lines_with(access_log(), "\"GET /api/orders"), size_t(api_200));
  EXPECT_EQ(count_lines_with(access_log(), "\"GET /web/page"), size_t(kWeb));
  EXPECT_EQ(count_lines_with(access_log(), "\"GET ") - log_before, size_t(api_200 + kWeb));

  // Stopped: everything reaches nginx again, on the same connection.
  ASSERT_EQ(fault->stop().status, CHAOS_OK);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(curl.get(base + "/api/after"), 200);
}

TEST_F(NginxProxyTest, HttpDelayOnOnePathSlowsOnlyThatPath) {
  auto fault = start("http", "127.0.0.1:0", R"(,"path_prefix":"/api/slow","delay":"300ms")");
  const std::string base = "http://" + listen_of(*fault);
  Curl curl;
  auto timed = [&](const std::string& path) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(curl.get(base + path), 200);
    return std::chrono::steady_clock::now() - start;
  };
  EXPECT_GE(timed("/api/slow/1"), std::chrono::milliseconds(290));
  EXPECT_LT(timed("/api/fast"), std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace chaos::testing
