#pragma once
// What the standing-proxy tests share: the built network plugin loaded through the plugin host,
// StandingProxies with a journal that keeps nothing (or a real store), and the Toxiproxy API
// called as a function, with real proxies on 127.0.0.1.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "common/clock.h"
#include "plugin_host/plugin_registry.h"
#include "proxies/proxy_journal.h"
#include "proxies/standing_proxies.h"
#include "proxies/toxiproxy_api.h"

namespace chaos::proxies {

class ProxiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.load_file(CHAOS_NETWORK_PLUGIN));
    journal_ = ProxyJournal::discard(clock_);
    proxies_ = std::make_unique<StandingProxies>(registry_, *journal_, clock_);
    ToxiproxyApiConfig config;
    config.token = "secret";
    config.tokenless_loopback = true;
    api_ = std::make_unique<ToxiproxyApi>(config, *proxies_);
  }

  struct Reply {
    int status = 0;
    boost::json::value body;
  };
  Reply call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& user_agent = "toxiproxy-test") {
    server::HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.host = "127.0.0.1:8474";
    request.user_agent = user_agent;
    const server::HttpResponse r = api_->handle(request);
    Reply out;
    out.status = r.status;
    boost::system::error_code ec;
    if (!r.body.empty()) out.body = boost::json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return out;
  }
  // A proxy on a free port to `upstream_port`; returns its bound port.
  uint16_t create(const std::string& name, uint16_t upstream_port,
                  const std::string& host = "127.0.0.1") {
    const Reply r = call("POST", "/proxies",
                         R"({"name":")" + name + R"(","listen":"127.0.0.1:0","upstream":")" +
                             host + ":" + std::to_string(upstream_port) + "\"}");
    EXPECT_EQ(r.status, 201) << boost::json::serialize(r.body);
    if (r.status != 201) return 0;
    const std::string listen(r.body.as_object().at("listen").as_string());
    return static_cast<uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
  }

  SystemClock clock_;
  plugin_host::PluginRegistry registry_;
  std::unique_ptr<ProxyJournal> journal_;
  std::unique_ptr<StandingProxies> proxies_;
  std::unique_ptr<ToxiproxyApi> api_;
};

}  // namespace chaos::proxies
