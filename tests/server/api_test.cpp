// The JSON API over real loopback HTTP: every endpoint, the token where promised, and bad input
// answered with 4xx and a JSON error, never a crash.
#include <boost/json.hpp>

#include "server/host_check.h"
#include "server_fixture.h"

namespace chaos::server {
namespace {

namespace json = boost::json;

json::value body_of(const Reply& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::string error_of(const Reply& r) {
  json::value v = body_of(r);
  if (!v.is_object() || !v.as_object().contains("error")) return "<no error field>";
  return std::string(v.at("error").as_string());
}

// Built field by field: the structs grow, and positional initialisers would silently shift.
HttpRequest request(const std::string& method, const std::string& target,
                    const std::string& authorization = "", const std::string& body = "",
                    const std::string& host = "") {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.authorization = authorization;
  r.body = body;
  r.host = host;
  return r;
}

using ApiTest = ServerFixture;

TEST_F(ApiTest, RunsListIsPaginatedAndFilteredWithoutSources) {
  for (int i = 0; i < 3; ++i) add_run("a.lua", "passed", 1000 + i);
  add_run("b.lua", "aborted", 2000);
  Reply r = get("/api/v1/runs?limit=2&offset=1");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = body_of(r);
  EXPECT_EQ(v.at("total").as_int64(), 4);
  ASSERT_EQ(v.at("runs").as_array().size(), 2u);
  const auto& first = v.at("runs").as_array()[0].as_object();
  EXPECT_EQ(first.at("started_unix_ms").as_int64(), 1002);
  EXPECT_FALSE(first.contains("source"));
  EXPECT_EQ(first.at("abort_latency_ms").as_double(), 42.5);
  EXPECT_EQ(first.at("time_to_recover_ms").as_int64(), 900);
  EXPECT_EQ(first.at("duration_ms").as_int64(), 5000);

  v = body_of(get("/api/v1/runs?verdict=aborted"));
  EXPECT_EQ(v.at("total").as_int64(), 1);
  v = body_of(get("/api/v1/runs?experiment=a.lua&verdict=passed"));
  EXPECT_EQ(v.at("total").as_int64(), 3);
  v = body_of(get("/api/v1/runs?experiment=a%2Elua"));  // percent-encoded
  EXPECT_EQ(v.at("total").as_int64(), 3);
  EXPECT_EQ(v.at("experiments").as_array().size(), 2u);
}

TEST_F(ApiTest, BadPaginationIs400) {
  EXPECT_EQ(get("/api/v1/runs?limit=0").status, 400);
  EXPECT_EQ(get("/api/v1/runs?limit=abc").status, 400);
  EXPECT_EQ(get("/api/v1/runs?offset=-1").status, 400);
  EXPECT_EQ(get("/api/v1/runs?limit=100000").status, 400);
}

TEST_F(ApiTest, RunDetailEventsSamplesAndChecks) {
  const int64_t id = add_run("a.lua", "deviated", 1000);
  store::EventRecord e{0, id, 1100, "injecting", "fault_start", "start latency", R"({"id":1,"name":"latency-1"})"};
  ASSERT_TRUE(store_->append_event(e));
  ASSERT_TRUE(store_->append_samples({{id, "checkout", 1100, 12.5, true, "baseline", "", ""},
                                      {id, "checkout", 1200, 0, false, "injecting", "timeout", ""}}));
  ASSERT_TRUE(store_->append_check({id, "checkout", "injecting", "p99_ms", 567, "<= 300", "failed", 40, 1300}));

  ASSERT_TRUE(store_->mark_pending_recovery({id, 1, "process_pause", "pause-1", "{}"}, 1500,
                                            "the plugin of kind 'process_pause' is not loaded"));

  json::value run = body_of(get("/api/v1/runs/" + std::to_string(id)));
  EXPECT_EQ(run.at("verdict").as_string(), "deviated");
  ASSERT_EQ(run.at("pending_recovery").as_array().size(), 1u) << run;
  EXPECT_EQ(run.at("pending_recovery").as_array()[0].at("fault"), "pause-1");
  EXPECT_EQ(run.at("source").as_string(), "experiment { title = 'x' }");
  EXPECT_EQ(run.at("source_sha256").as_string(), std::string(64, 'c'));

  json::value events = body_of(get("/api/v1/runs/" + std::to_string(id) + "/events"));
  ASSERT_EQ(events.at("events").as_array().size(), 1u);
  EXPECT_EQ(events.at("events").as_array()[0].at("detail").at("name").as_string(), "latency-1");

  json::value samples = body_of(get("/api/v1/runs/" + std::to_string(id) + "/samples"));
  const auto& series = samples.at("series").as_array();
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].at("t").as_array().size(), 2u);
  EXPECT_TRUE(series[0].at("v").as_array()[1].is_null());  // a failed reading is a gap
  EXPECT_EQ(series[0].at("errors").as_int64(), 1);

  json::value checks = body_of(get("/api/v1/runs/" + std::to_string(id) + "/checks"));
  EXPECT_EQ(checks.at("checks").as_array()[0].at("expectation").as_string(), "<= 300");
}

TEST_F(ApiTest, BadAndUnknownRunIdsAre4xxWithJsonErrors) {
  for (const char* target : {"/api/v1/runs/abc", "/api/v1/runs/-1", "/api/v1/runs/0",
                             "/api/v1/runs/1x", "/api/v1/runs/99999999999999999999999"}) {
    Reply r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_NE(error_of(r).find("bad run id"), std::string::npos) << target;
  }
  Reply r = get("/api/v1/runs/12345");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(error_of(r).find("no run 12345"), std::string::npos);
  EXPECT_EQ(get("/api/v1/runs/12345/events").status, 404);
  EXPECT_EQ(get("/api/v1/runs/12345/samples").status, 404);
  EXPECT_EQ(get("/api/v1/nothing").status, 404);
  EXPECT_EQ(get("/api/v2/runs").status, 404);
}

TEST_F(ApiTest, StateChangesNeedTheBearerToken) {
  Reply r = post("/api/v1/halt", "", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(error_of(r).find("Bearer"), std::string::npos);
  EXPECT_EQ(post("/api/v1/halt", "", "Bearer wrong").status, 401);
  EXPECT_EQ(post("/api/v1/halt", "", kToken).status, 401);  // no "Bearer " prefix
  EXPECT_EQ(post("/api/v1/runs", R"({"experiment":"x"})", "").status, 401);
  EXPECT_EQ(post("/api/v1/runs/1/abort", "", "").status, 401);
  r = post("/api/v1/halt", "");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(body_of(r).at("halting").as_array().empty());
}

TEST_F(ApiTest, NoStateChangeThroughGet) {
  EXPECT_EQ(get("/api/v1/halt").status, 405);
  EXPECT_EQ(get("/api/v1/runs/1/abort").status, 405);
  EXPECT_EQ(http(port_, "DELETE", "/api/v1/runs").status, 405);
  EXPECT_EQ(http(port_, "PUT", "/api/v1/runs/1").status, 405);
}

TEST_F(ApiTest, MalformedStartRequestsAre4xx) {
  EXPECT_EQ(post("/api/v1/runs", "{not json").status, 400);
  EXPECT_EQ(post("/api/v1/runs", "[1,2]").status, 400);
  EXPECT_EQ(post("/api/v1/runs", R"({"experiment": 5})").status, 400);
  Reply r = post("/api/v1/runs", R"({"experiment":"/etc/passwd"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(error_of(r).find("not one of the experiments"), std::string::npos);
  EXPECT_EQ(post("/api/v1/runs/abc/abort", "").status, 400);
  EXPECT_EQ(post("/api/v1/runs/777/abort", "").status, 404);
}

TEST_F(ApiTest, OversizedBodiesAre413) {
  Reply r = post("/api/v1/runs", std::string(HttpServer::kMaxBody + 10, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(get("/api/v1/runs").status, 200);  // and the server is still there
}

TEST_F(ApiTest, InvalidExperimentIs422AndNothingRuns) {
  experiments_.clear();
  const std::string bad = write_experiment("bad.lua", "experiment { titel = 'x' }");
  Api api(api_config(kToken, {bad}, db_path_), *store_, registry_, *runs_, clock_);
  HttpResponse r = api.handle(request("POST", "/api/v1/runs", std::string("Bearer ") + kToken,
                                      R"({"experiment":")" + bad + "\"}"));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("titel"), std::string::npos);
  EXPECT_TRUE(runs_->active().empty());
}

TEST_F(ApiTest, StartThenHaltAbortsTheRunAndReportsIt) {
  const std::string slow =
      write_experiment("slow.lua", "experiment { title = 'slow', method = function() "
                                   "chaos.sleep('60s') end }");
  server_->stop();
  io_.join();
  server_.reset();
  api_ = std::make_unique<Api>(api_config(kToken, {slow}, db_path_), *store_, registry_, *runs_,
                               clock_);
  server_ = std::make_unique<HttpServer>(*api_, *hub_);
  ASSERT_TRUE(server_->listen("127.0.0.1:0"));
  port_ = server_->port();
  io_ = std::thread([this] { server_->run(); });

  json::value experiments = body_of(get("/api/v1/experiments"));
  EXPECT_EQ(experiments.at("experiments").as_array()[0].at("title").as_string(), "slow");
  EXPECT_EQ(experiments.at("experiments").as_array()[0].at("method_length_ms").as_int64(), 60000);

  Reply started = post("/api/v1/runs", R"({"experiment":")" + slow + "\"}");
  ASSERT_EQ(started.status, 202) << started.body;
  const int64_t id = body_of(started).at("run_id").as_int64();
  EXPECT_EQ(post("/api/v1/runs", R"({"experiment":")" + slow + "\"}").status, 409);
  ASSERT_TRUE(test::wait_for([&] {
    json::value s = body_of(get("/api/v1/status"));
    const auto& active = s.at("active").as_array();
    return !active.empty() && active[0].at("phase").as_string() == "injecting";
  }));
  EXPECT_NE(get("/metrics").body.find("chaosctl_active_runs 1"), std::string::npos);

  Reply halted = post("/api/v1/halt", "");
  ASSERT_EQ(halted.status, 202);
  EXPECT_EQ(body_of(halted).at("halting").as_array()[0].as_int64(), id);
  ASSERT_TRUE(test::wait_for([&] {
    return body_of(get("/api/v1/runs/" + std::to_string(id))).at("verdict").as_string() ==
           "aborted";
  }));
  ASSERT_TRUE(test::wait_for([&] {
    json::value s = body_of(get("/api/v1/status"));
    return s.at("last_halt").at("done_unix_ms").as_int64() != 0;
  }));
  EXPECT_NE(get("/metrics").body.find("chaosctl_runs{verdict=\"aborted\"} 1"), std::string::npos);
}

TEST_F(ApiTest, MetricsExposeRunsByVerdictAndAbortLatency) {
  add_run("a.lua", "passed", 1);
  add_run("a.lua", "aborted", 2);
  Reply r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/plain", 0), 0u);
  EXPECT_NE(r.body.find("chaosctl_runs{verdict=\"passed\"} 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("chaosctl_active_faults 0"), std::string::npos);
  EXPECT_NE(r.body.find("chaosctl_last_abort_latency_ms 42.5"), std::string::npos);
}

TEST_F(ApiTest, PluginsAndExperimentsAreListed) {
  json::value plugins = body_of(get("/api/v1/plugins"));
  EXPECT_TRUE(plugins.at("plugins").is_array());
  json::value experiments = body_of(get("/api/v1/experiments"));
  EXPECT_EQ(experiments.at("experiments").as_array()[0].at("title").as_string(), "ok");
}

TEST_F(ApiTest, TheEmbeddedUiIsServed) {
  Reply index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("chaosctl"), std::string::npos);
  Reply app = get("/app.js");
  EXPECT_EQ(app.status, 200);
  EXPECT_EQ(app.content_type, "text/javascript; charset=utf-8");
  Reply uplot = get("/vendor/uPlot.iife.min.js");
  EXPECT_EQ(uplot.status, 200);
  EXPECT_GT(uplot.body.size(), 20000u);
  EXPECT_EQ(get("/vendor/uPlot.min.css").status, 200);
  EXPECT_EQ(get("/nope.js").status, 404);
}

// An Api over a store, called directly: no server, no sockets.
class ApiPure : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::open(dir_.file("chaos.db"));
    ASSERT_TRUE(store);
    store_ = std::move(store).value();
    runs_ = std::make_unique<RunManager>(dir_.file("chaos.db"), registry_, clock_, hub_);
  }
  ApiConfig config() { return api_config("t", {}, dir_.file("chaos.db")); }
  Api make_api(ApiConfig config) { return Api(std::move(config), *store_, registry_, *runs_, clock_); }

  test::TempDir dir_;
  SystemClock clock_;
  plugin_host::PluginRegistry registry_;
  LiveHub hub_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<RunManager> runs_;
};

TEST_F(ApiPure, HandlesRequestsWithoutSockets) {
  Api api = make_api(config());
  EXPECT_EQ(api.handle(request("GET", "/api/v1/runs/%00", "")).status, 400);
  EXPECT_EQ(api.handle(request("GET", "/api/v1/runs", "")).status, 200);
  EXPECT_EQ(api.handle(request("POST", "/api/v1/halt", "Bearer t")).status, 202);
  EXPECT_TRUE(Api::is_live_stream(request("GET", "/api/v1/live?x=1", "")));
  EXPECT_FALSE(Api::is_live_stream(request("POST", "/api/v1/live", "")));
}

// DNS rebinding: a page on another site that re-points its name at 127.0.0.1 still sends that
// name in Host, so such requests are refused before anything is read or changed.
TEST_F(ApiPure, AnswersOnlyLoopbackListenAndAllowedHostNames) {
  ApiConfig with_names = config();
  with_names.listen_host = "chaos-box.test";  // a name only: nothing here opens a connection
  with_names.allowed_hosts = {"chaos.internal"};
  Api api = make_api(with_names);
  auto status_for = [&](const std::string& host, const std::string& method = "GET",
                        const std::string& target = "/api/v1/runs") {
    return api.handle(request(method, target, "Bearer t", "", host)).status;
  };
  for (const char* ok : {"", "localhost:8080", "LOCALHOST", "127.0.0.1:8080", "127.9.9.9",
                         "[::1]:8080", "chaos-box.test:8080", "Chaos.Internal:443"}) {
    EXPECT_EQ(status_for(ok), 200) << ok;
  }
  for (const char* bad : {"evil.example", "evil.example:8080", "127.evil.example:8080",
                          "localhost.evil.example", "chaos-box.test.evil.example",
                          "other-box.test"}) {
    EXPECT_EQ(status_for(bad), 421) << bad;
    EXPECT_EQ(status_for(bad, "POST", "/api/v1/halt"), 421) << bad;  // before the token
    EXPECT_EQ(status_for(bad, "GET", "/"), 421) << bad;
  }
  const HttpResponse refused = api.handle(request("GET", "/api/v1/runs", "", "", "evil.example:8080"));
  EXPECT_NE(refused.body.find("--allow-host evil.example"), std::string::npos) << refused.body;
  EXPECT_EQ(host_name_of("[::1]:80"), "::1");
  EXPECT_EQ(host_name_of("Example.COM:80"), "example.com");
}

}  // namespace
}  // namespace chaos::server
