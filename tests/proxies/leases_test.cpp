// Leased faults on standing proxies: they act while renewed and go by themselves when their
// owner stops renewing (the case of a controller that was SIGKILLed), on an injected clock.
// Also: the journal record a proxy process keeps, and the config file's errors.

#include <boost/json.hpp>

#include "common/clock.h"
#include "plugins/loopback.h"
#include "proxies/proxies_fixture.h"
#include "proxies/proxy_config.h"
#include "store/raw_sqlite.h"
#include "store/store.h"
#include "support/test_support.h"

namespace chaos::proxies {
namespace {

namespace json = boost::json;
using chaos::testing::Client;
using chaos::testing::LoopbackServer;
using std::chrono::milliseconds;

class LeaseTest : public ProxiesTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.load_file(CHAOS_NETWORK_PLUGIN));
    journal_ = ProxyJournal::discard(manual_);
    proxies_ = std::make_unique<StandingProxies>(registry_, *journal_, manual_);
    api_ = std::make_unique<ToxiproxyApi>(ToxiproxyApiConfig{"t", true, "", "x"}, *proxies_);
  }
  ManualClock manual_;
};

TEST_F(LeaseTest, LeasedFaultActsUntilItsLeaseRunsOut) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t port = create("db", echo.port());
  Client client(port);
  ASSERT_TRUE(client.connected());
  auto leased = proxies_->add_leased("db", "latency", json::parse(R"({"delay":"150ms"})"),
                                     milliseconds(3000), "run 7 on test");
  ASSERT_TRUE(leased) << leased.message;
  EXPECT_GE(client.echo_rtt().count(), 150);
  manual_.advance(milliseconds(2000));
  ASSERT_TRUE(proxies_->renew(leased.value->id, milliseconds(3000)));
  manual_.advance(milliseconds(2000));
  EXPECT_EQ(proxies_->expire(), 0u);  // renewed: 1 s left
  EXPECT_GE(client.echo_rtt().count(), 150);
  manual_.advance(milliseconds(1001));
  EXPECT_EQ(proxies_->expire(), 1u);
  EXPECT_TRUE(proxies_->leased().empty());
  const milliseconds after = client.echo_rtt();  // the same connection, a passthrough again
  EXPECT_GE(after.count(), 0);
  EXPECT_LT(after.count(), 100);
  EXPECT_FALSE(proxies_->renew(leased.value->id, milliseconds(1000)));
}

TEST_F(LeaseTest, LeasedFaultsAreRefusedWithTheFieldNamed) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  create("db", echo.port());
  auto r = proxies_->add_leased("db", "latency", json::parse(R"({"delay":"nope"})"),
                                milliseconds(1000), "x");
  EXPECT_EQ(r.refusal, Refusal::kBadRequest);
  EXPECT_NE(r.message.find("delay"), std::string::npos) << r.message;
  r = proxies_->add_leased("nope", "latency", json::parse(R"({"delay":"1ms"})"), milliseconds(1000), "x");
  EXPECT_EQ(r.refusal, Refusal::kNotFound);
  r = proxies_->add_leased("db", "latency", json::parse(R"({"delay":"1ms"})"), milliseconds(0), "x");
  EXPECT_EQ(r.refusal, Refusal::kBadRequest);
  r = proxies_->add_leased("db", "proxy", json::object(), milliseconds(1000), "x");
  EXPECT_EQ(r.refusal, Refusal::kBadRequest);
}

TEST_F(LeaseTest, ApiCreatesRenewsAndDeletesLeasedFaults) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  create("db", echo.port());
  Reply r = call("POST", "/chaosctl/v1/faults",
                 R"({"proxy":"db","kind":"outage","params":{"mode":"reset"},"ttl_ms":5000,"owner":"me"})");
  ASSERT_EQ(r.status, 201) << json::serialize(r.body);
  const std::string id(r.body.as_object().at("id").as_string());
  EXPECT_EQ(r.body.as_object().at("expires_unix_ms").as_int64(), manual_.unix_ms() + 5000);
  EXPECT_EQ(call("GET", "/chaosctl/v1/faults").body.as_array().size(), 1u);
  r = call("POST", "/chaosctl/v1/faults/" + id + "/renew", R"({"ttl_ms":9000})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.as_object().at("expires_unix_ms").as_int64(), manual_.unix_ms() + 9000);
  EXPECT_EQ(call("DELETE", "/chaosctl/v1/faults/" + id).status, 204);
  EXPECT_EQ(call("DELETE", "/chaosctl/v1/faults/" + id).status, 404);
}

TEST(ProxyJournalTest, ToxicsAreJournaledAsFaultsOfTheProcessRecord) {
  chaos::test::TempDir dir;
  SystemClock clock;
  plugin_host::PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(CHAOS_NETWORK_PLUGIN));
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  int64_t record = 0;
  {
    auto journal = ProxyJournal::open(dir.file("chaos.db"), "chaosctl proxy (test)", "{}", clock);
    ASSERT_TRUE(journal) << journal.status().message();
    record = journal.value()->record_id();
    StandingProxies proxies(registry, *journal.value(), clock);
    ASSERT_TRUE(proxies.add({"db", "127.0.0.1:0", "127.0.0.1:" + std::to_string(echo.port())}));
    auto toxic = proxies.add_toxic("db", json::parse(R"({"type":"latency","attributes":{"latency":10}})"));
    ASSERT_TRUE(toxic) << toxic.message;
    ASSERT_TRUE(proxies.remove_toxic("db", "latency_downstream"));
  }
  auto store = store::Store::open(dir.file("chaos.db"));
  ASSERT_TRUE(store);
  auto run = store.value()->get_run(record);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->experiment_path, "(standing proxies)");
  EXPECT_EQ(run->state, "done");
  auto events = store.value()->events(record);
  ASSERT_TRUE(events);
  std::vector<std::string> kinds;
  for (const auto& e : events.value()) {
    if (e.kind != "plugin_log") kinds.push_back(e.kind);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"proxy_start", "fault_start", "fault_stop", "proxy_stop"}));
  for (const auto& e : events.value()) {
    if (e.kind != "fault_start") continue;
    const json::object d = json::parse(e.detail_json).as_object();
    EXPECT_EQ(d.at("kind"), "latency");
    EXPECT_EQ(d.at("name"), "db/latency_downstream");
    EXPECT_EQ(d.at("toxic").as_object().at("type"), "latency");
    EXPECT_TRUE(d.contains("id"));
  }
}

// Journal first holds for updates too: a toxic change the store cannot record is refused and
// the toxic keeps acting as it was; removing it still works (a stop never waits on the journal).
TEST(ProxyJournalTest, AToxicUpdateTheJournalCannotTakeIsRefusedAndTheToxicStaysAsItWas) {
  chaos::test::TempDir dir;
  SystemClock clock;
  plugin_host::PluginRegistry registry;
  ASSERT_TRUE(registry.load_file(CHAOS_NETWORK_PLUGIN));
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto journal = ProxyJournal::open(dir.file("chaos.db"), "chaosctl proxy (test)", "{}", clock);
  ASSERT_TRUE(journal) << journal.status().message();
  StandingProxies proxies(registry, *journal.value(), clock);
  ASSERT_TRUE(proxies.add({"db", "127.0.0.1:0", "127.0.0.1:" + std::to_string(echo.port())}));
  ASSERT_TRUE(proxies.add_toxic("db", json::parse(R"({"type":"latency","attributes":{"latency":10}})")));
  store::testing::raw_query(dir.file("chaos.db"),
                            "CREATE TRIGGER full BEFORE INSERT ON events WHEN NEW.kind = "
                            "'fault_update' BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");

  auto updated = proxies.update_toxic("db", "latency_downstream",
                                      json::parse(R"({"attributes":{"latency":500}})"));
  EXPECT_FALSE(updated);
  EXPECT_NE(updated.message.find("disk full (test)"), std::string::npos) << updated.message;
  auto toxic = proxies.get_toxic("db", "latency_downstream");
  ASSERT_TRUE(toxic);
  EXPECT_EQ(toxic.value->attributes.at("latency").to_number<int64_t>(), 10);
  EXPECT_TRUE(proxies.remove_toxic("db", "latency_downstream"));
}

TEST(ProxyConfigTest, ErrorsNameTheFileAndField) {
  auto ok = parse_proxy_config(R"({"proxies":[{"name":"db","listen":"127.0.0.1:1","upstream":"db:5432"}]})", "p.json");
  ASSERT_TRUE(ok) << ok.status().message();
  EXPECT_EQ(ok.value().at(0).upstream, "db:5432");
  EXPECT_TRUE(ok.value().at(0).enabled);
  auto toxiproxy_form = parse_proxy_config(R"([{"name":"db","listen":"127.0.0.1:1","upstream":"db:5432","enabled":false}])", "p.json");
  ASSERT_TRUE(toxiproxy_form);
  EXPECT_FALSE(toxiproxy_form.value().at(0).enabled);
  auto missing = parse_proxy_config(R"({"proxies":[{"name":"db","listen":"127.0.0.1:1"}]})", "p.json");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("p.json"), std::string::npos);
  EXPECT_NE(missing.status().message().find("upstream"), std::string::npos) << missing.status().message();
  auto typo = parse_proxy_config(R"({"proxies":[{"name":"db","listen":"a:1","upstream":"b:2","upsteam":"c"}]})", "p.json");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.status().message().find("upsteam"), std::string::npos) << typo.status().message();
  auto twice = parse_proxy_config(R"({"proxies":[{"name":"db","listen":"a:1","upstream":"b:2"},{"name":"db","listen":"a:3","upstream":"b:4"}]})", "p.json");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.status().message().find("proxies[1].name"), std::string::npos) << twice.status().message();
  EXPECT_FALSE(parse_proxy_config("{", "p.json"));
}

}  // namespace
}  // namespace chaos::proxies
