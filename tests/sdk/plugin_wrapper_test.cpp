// chaos/plugin.hpp: the generated table, the exception-to-status trampolines, Host's size
// checks, Params, the JSON reader and writer, and durations. Built as C++17.

#include <gtest/gtest.h>

#include <chaos/plugin.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace {

using chaos::sdk::Params;

int stops = 0;  // stop() calls across Toy instances

class Toy : public chaos::sdk::Fault {
 public:
  static constexpr const char* kName = "toy";
  static constexpr const char* kSummary = "A fault that does what its params say.";
  static constexpr const char* kSchema = R"({"type":"object"})";

  static std::unique_ptr<Toy> create(chaos::sdk::Host& host, const Params& params) {
    params.expect_only({"throw", "level"});
    auto toy = std::unique_ptr<Toy>(new Toy(host));
    toy->throw_ = params.get_string("throw", "");
    if (toy->throw_ == "create") throw chaos::sdk::InvalidParams("level", "must be positive");
    return toy;
  }
  void start() override {
    if (throw_ == "runtime") throw std::runtime_error("the socket is gone");
    if (throw_ == "int") throw 42;
    if (started_) throw chaos::sdk::StateError("already started");
    started_ = true;
    host_.info("started");
    host_.metric("level", 3);
    host_.event("toy_started", R"({"x":1})");
  }
  void stop() override {
    ++stops;
    started_ = false;
    if (throw_ == "stop") throw std::runtime_error("stop went wrong");
  }
  std::string status_json() override {
    return chaos::sdk::JsonObject().add("started", started_).add("name", "toy \"1\"").str();
  }
  void update(const Params& params) override {
    if (params.get_number("level") < 0) throw chaos::sdk::Unsupported("no negative levels");
  }

 private:
  explicit Toy(chaos::sdk::Host& host) : host_(host) {}
  chaos::sdk::Host& host_;
  std::string throw_;
  bool started_ = false;
};

int recovered = 0;

class Plain : public chaos::sdk::Fault {
 public:
  static constexpr const char* kName = "plain";
  static constexpr const char* kSummary = "No update; has recover.";
  static constexpr const char* kSchema = R"({"type":"object"})";
  static std::unique_ptr<Plain> create(chaos::sdk::Host&, const Params&) {
    return std::make_unique<Plain>();
  }
  static void recover(chaos::sdk::Host&, const Params& params) {
    recovered += static_cast<int>(params.get_number("n", 1));
  }
  void start() override {}
  void stop() override {}
};

}  // namespace

CHAOS_PLUGIN("toys", "1.2.3", "Test kinds.", Toy, Plain)

namespace {

struct Recorder {
  std::vector<std::string> lines;
  static void log(chaos_host_ctx* ctx, chaos_log_level level, const char* msg, size_t len) {
    self(ctx).lines.push_back("log" + std::to_string(level) + ":" + std::string(msg, len));
  }
  static void metric(chaos_host_ctx* ctx, const char* name, size_t len, double value, int64_t) {
    self(ctx).lines.push_back("metric:" + std::string(name, len) + "=" +
                              std::to_string(int(value)));
  }
  static void event(chaos_host_ctx* ctx, const char* kind, size_t len, const char* d, size_t dl) {
    self(ctx).lines.push_back("event:" + std::string(kind, len) + std::string(d, dl));
  }
  static Recorder& self(chaos_host_ctx* ctx) { return *reinterpret_cast<Recorder*>(ctx); }
  chaos_host_ctx* ctx() { return reinterpret_cast<chaos_host_ctx*>(this); }
};

void append(void* ctx, const char* data, size_t len) {
  static_cast<std::string*>(ctx)->append(data, len);
}

const chaos_fault_kind& kind(size_t i) { return chaos_plugin_entry()->kinds[i]; }

TEST(PluginWrapperTest, EntryDescribesThePluginAndItsKinds) {
  EXPECT_EQ(chaos_plugin_stamp.magic, CHAOS_ABI_MAGIC);
  EXPECT_EQ(chaos_plugin_stamp.abi_major, CHAOS_ABI_MAJOR);
  const chaos_plugin* p = chaos_plugin_entry();
  EXPECT_EQ(p, chaos_plugin_entry());  // static storage
  EXPECT_EQ(p->struct_size, sizeof(chaos_plugin));
  EXPECT_STREQ(p->name, "toys");
  EXPECT_STREQ(p->version, "1.2.3");
  ASSERT_EQ(p->kind_count, 2u);
  EXPECT_EQ(kind(0).struct_size, sizeof(chaos_fault_kind));
  EXPECT_STREQ(kind(0).name, "toy");
  EXPECT_STREQ(kind(1).name, "plain");
  EXPECT_NE(kind(0).update, nullptr);
  EXPECT_EQ(kind(0).recover, nullptr);
  EXPECT_EQ(kind(1).update, nullptr);  // Plain does not override update
  EXPECT_NE(kind(1).recover, nullptr);
}

TEST(PluginWrapperTest, ExceptionsBecomeStatusesWithMessages) {
  chaos_host_api api{sizeof(chaos_host_api), &Recorder::log, &Recorder::metric, &Recorder::event};
  Recorder rec;
  auto create = [&](const std::string& json, std::string* message) {
    chaos_fault* f = nullptr;
    chaos_writer w{message, &append};
    const chaos_status s = kind(0).create(&api, rec.ctx(), json.data(), json.size(), &f, &w);
    return std::make_pair(s, f);
  };
  std::string message;
  auto [bad, none] = create(R"({"throw":"create"})", &message);
  EXPECT_EQ(bad, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(message, "level: must be positive");
  message.clear();
  EXPECT_EQ(create(R"({"color":"red"})", &message).first, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(message, "color: unknown parameter");
  message.clear();
  EXPECT_EQ(create("[1]", &message).first, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(message, "parameters must be a JSON object");

  auto run = [&](const char* json) {
    std::string m;
    auto [s, f] = create(json, &m);
    EXPECT_EQ(s, CHAOS_OK) << m;
    std::string err;
    chaos_writer w{&err, &append};
    const chaos_status st = kind(0).start(f, &w);
    kind(0).destroy(f);
    return std::make_pair(st, err);
  };
  EXPECT_EQ(run(R"({"throw":"runtime"})"),
            std::make_pair(CHAOS_ERR_FAILED, std::string("the socket is gone")));
  EXPECT_EQ(run(R"({"throw":"int"})"),
            std::make_pair(CHAOS_ERR_FAILED, std::string("unknown exception")));

  auto [ok, f] = create("{}", &message);
  ASSERT_EQ(ok, CHAOS_OK);
  std::string err, status;
  chaos_writer w{&err, &append}, out{&status, &append};
  EXPECT_EQ(kind(0).start(f, &w), CHAOS_OK);
  EXPECT_EQ(kind(0).start(f, &w), CHAOS_ERR_STATE);
  EXPECT_EQ(err, "already started");
  EXPECT_EQ(kind(0).status(f, &out, &w), CHAOS_OK);
  EXPECT_EQ(status, R"({"started":true,"name":"toy \"1\""})");
  const std::string negative = R"({"level":-1})";
  EXPECT_EQ(kind(0).update(f, negative.data(), negative.size(), &w), CHAOS_ERR_UNSUPPORTED);
  EXPECT_EQ(kind(0).update(f, "{}", 2, &w), CHAOS_ERR_INVALID_PARAMS);  // level is required
  EXPECT_NE(err.find("level: is required"), std::string::npos);
  const int before = stops;
  kind(0).destroy(f);  // stops first
  EXPECT_EQ(stops, before + 1);
  EXPECT_EQ(rec.lines, (std::vector<std::string>{"log1:started", "metric:level=3",
                                                 R"(event:toy_started{"x":1})"}));
}

TEST(PluginWrapperTest, DestroyLogsAFailedStopInsteadOfThrowing) {
  chaos_host_api api{sizeof(chaos_host_api), &Recorder::log, &Recorder::metric, &Recorder::event};
  Recorder rec;
  const std::string json = R"({"throw":"stop"})";
  chaos_fault* f = nullptr;
  ASSERT_EQ(kind(0).create(&api, rec.ctx(), json.data(), json.size(), &f, nullptr), CHAOS_OK);
  kind(0).destroy(f);
  ASSERT_EQ(rec.lines.size(), 1u);
  EXPECT_EQ(rec.lines[0], "log2:stop during destroy failed: stop went wrong");
}

TEST(PluginWrapperTest, HostSkipsCallbacksBeyondTheHostsTableSize) {
  // A host built when the table ended after `log`.
  chaos_host_api api{static_cast<uint32_t>(offsetof(chaos_host_api, metric)), &Recorder::log,
                     &Recorder::metric, &Recorder::event};
  Recorder rec;
  chaos::sdk::Host host(&api, rec.ctx());
  host.warn("w");
  host.metric("m", 1);
  host.event("e");
  EXPECT_EQ(rec.lines, std::vector<std::string>{"log2:w"});
  chaos::sdk::Host nothing;  // drops everything
  nothing.error("e");
}

TEST(PluginWrapperTest, RecoverIsWiredForKindsThatDeclareIt) {
  const std::string json = R"({"n":2})";
  std::string err;
  chaos_writer w{&err, &append};
  EXPECT_EQ(kind(1).recover(nullptr, nullptr, json.data(), json.size(), &w), CHAOS_OK);
  EXPECT_EQ(recovered, 2);
}

TEST(PluginWrapperTest, ParamsGettersNameTheFieldOnError) {
  const Params p = Params::parse(
      R"({"listen":"127.0.0.1:1","p":0.25,"n":3,"flag":true,"delay":"250ms","nested":{"a":[1,"x"]},"nil":null})");
  EXPECT_EQ(p.get_string("listen"), "127.0.0.1:1");
  EXPECT_EQ(p.get_string("missing", "dflt"), "dflt");
  EXPECT_EQ(p.get_number("p"), 0.25);
  EXPECT_EQ(p.get_number("missing", 1.0), 1.0);
  EXPECT_EQ(p.get_number("nil", 7.0), 7.0);  // null counts as absent
  EXPECT_EQ(p.get_int("n", 0, 10), 3);
  EXPECT_TRUE(p.get_bool("flag"));
  EXPECT_EQ(p.get_duration_us("delay"), 250000);
  EXPECT_EQ(p.get_duration_us("jitter", "1s"), 1000000);
  ASSERT_NE(p.find("nested"), nullptr);
  EXPECT_EQ(p.find("nested")->find("a")->items()[1].as_string(), "x");

  auto message = [&](auto fn) {
    try {
      fn();
    } catch (const chaos::sdk::InvalidParams& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_EQ(message([&] { p.get_string("upstream"); }), "upstream: is required");
  EXPECT_EQ(message([&] { p.get_string("p"); }), "p: must be a string");
  EXPECT_EQ(message([&] { p.get_int("p"); }), "p: must be an integer");
  EXPECT_EQ(message([&] { p.get_int("n", 5, 9); }), "n: must be between 5 and 9");
  EXPECT_EQ(message([&] {
              p.get_duration_us("listen");
            }).rfind("listen: '127.0.0.1:1' is not a duration", 0),
            0u);
  EXPECT_EQ(message([&] { p.expect_only({"listen"}); }), "p: unknown parameter");
}

TEST(PluginWrapperTest, DurationsNeedAUnit) {
  using chaos::sdk::parse_duration_us;
  EXPECT_EQ(parse_duration_us("500us"), 500);
  EXPECT_EQ(parse_duration_us("250ms"), 250000);
  EXPECT_EQ(parse_duration_us("1.5s"), 1500000);
  EXPECT_EQ(parse_duration_us("2m"), 120000000);
  EXPECT_EQ(parse_duration_us("1h"), 3600000000);
  EXPECT_EQ(parse_duration_us("0ms"), 0);
  for (const char* bad :
       {"", "250", "ms", "-1s", "1.s", ".5s", "1 s", "1sec", "1e3ms", "5 parsecs"}) {
    EXPECT_FALSE(parse_duration_us(bad).has_value()) << bad;
  }
  EXPECT_EQ(chaos::sdk::format_duration_us(250000), "250ms");
  EXPECT_EQ(chaos::sdk::format_duration_us(1500), "1.5ms");
  EXPECT_EQ(chaos::sdk::format_duration_us(2000000), "2s");
  EXPECT_EQ(chaos::sdk::format_duration_us(0), "0ms");
}

TEST(PluginWrapperTest, JsonReaderHandlesEscapesNumbersAndRejectsMalformedText) {
  using chaos::sdk::Json;
  const Json v = Json::parse(
      R"( {"s":"a\"b\\c\u00e9\ud83d\ude00\n","n":[-0.5,1e3,12,0],"t":true,"f":false} )");
  EXPECT_EQ(v.find("s")->as_string(), "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80\n");
  const auto& n = v.find("n")->items();
  EXPECT_EQ(n[0].as_number(), -0.5);
  EXPECT_EQ(n[1].as_number(), 1000);
  EXPECT_EQ(n[2].as_number(), 12);
  EXPECT_TRUE(v.find("t")->as_bool());
  EXPECT_FALSE(v.find("f")->as_bool());
  for (const char* bad : {"", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "01", "\"\\x\"", "tru",
                          "{\"a\":1} x", "\"\\ud800\"", "\"a\nb\""}) {
    EXPECT_THROW(Json::parse(bad), chaos::sdk::InvalidParams) << bad;
  }
  // What JsonObject writes, the reader reads back.
  const std::string out = chaos::sdk::JsonObject()
                              .add("q", "tab\there \"quoted\"")
                              .add("d", 0.1)
                              .add("i", uint64_t{18446744073709551615ull})
                              .add_raw("o", R"({"k":[]})")
                              .str();
  const Json back = Json::parse(out);
  EXPECT_EQ(back.find("q")->as_string(), "tab\there \"quoted\"");
  EXPECT_EQ(back.find("d")->as_number(), 0.1);
  EXPECT_TRUE(back.find("o")->find("k")->is_array());
}

}  // namespace
