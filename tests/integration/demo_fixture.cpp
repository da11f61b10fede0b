#include "demo_fixture.h"

#include <boost/json.hpp>
#include <filesystem>

#include "support/test_support.h"

namespace chaos::integration {

namespace {
const std::string kBin = CHAOS_BIN_DIR;

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}
}  // namespace

boost::json::value parsed_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text;
  return v;
}

void DemoFixture::SetUp() {
  dir_ = test::make_temp_dir();
  db_path_ = dir_ + "/chaos.db";
  chaosctl_log_ = dir_ + "/chaosctl.log";
}

void DemoFixture::TearDown() {
  shoppers_.reset();
  shop_.reset();
  db_.reset();
  if (!HasFailure() && !getenv("CHAOS_KEEP_TEST_DIRS")) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  } else {
    std::printf("chaosctl output:\n%s\n", test::read_file(chaosctl_log_).c_str());
  }
}

void DemoFixture::start_demo(bool with_shoppers, const std::string& db_flags) {
  std::vector<std::string> db_args{"--listen", "127.0.0.1:0", "--port-file", dir_ + "/db.port"};
  if (!db_flags.empty()) {
    db_args.push_back("--work");
    db_args.push_back(db_flags);
  }
  db_ = std::make_unique<test::ChildProcess>(kBin + "/chaos-demo-db", db_args, dir_ + "/db.log");
  auto db_port = test::wait_for_port_file(dir_ + "/db.port", *db_, std::chrono::seconds(10));
  ASSERT_TRUE(db_port) << db_->log();
  db_port_ = *db_port;
  proxy_port_ = test::unused_loopback_port();
  shop_ = std::make_unique<test::ChildProcess>(
      kBin + "/chaos-demo-shop",
      std::vector<std::string>{"--listen", "127.0.0.1:0", "--db",
                               "127.0.0.1:" + std::to_string(proxy_port_), "--port-file",
                               dir_ + "/shop.port"},
      dir_ + "/shop.log");
  auto shop_port = test::wait_for_port_file(dir_ + "/shop.port", *shop_, std::chrono::seconds(10));
  ASSERT_TRUE(shop_port) << shop_->log();
  shop_port_ = *shop_port;
  if (with_shoppers) {
    shoppers_ = std::make_unique<test::ChildProcess>(
        kBin + "/chaos-demo-shoppers",
        std::vector<std::string>{"--target",
                                 "http://127.0.0.1:" + std::to_string(shop_port_) + "/checkout"},
        dir_ + "/shoppers.log");
  }
}

std::string DemoFixture::write_experiment(const std::string& name, std::string text) {
  replace_all(text, "${SHOP}", "127.0.0.1:" + std::to_string(shop_port_));
  replace_all(text, "${PROXY}", "127.0.0.1:" + std::to_string(proxy_port_));
  replace_all(text, "${DB}", "127.0.0.1:" + std::to_string(db_port_));
  const std::string path = dir_ + "/" + name;
  test::write_file(path, text);
  return path;
}

std::unique_ptr<test::ChildProcess> DemoFixture::start_chaosctl(const std::vector<std::string>& args) {
  std::vector<std::string> full{"--db", db_path_, "--no-color"};
  full.insert(full.end(), args.begin(), args.end());
  return std::make_unique<test::ChildProcess>(kBin + "/chaosctl", full, chaosctl_log_);
}

int DemoFixture::run_chaosctl(const std::vector<std::string>& args) {
  auto process = start_chaosctl(args);
  auto code = process->wait_exit(std::chrono::seconds(90));
  EXPECT_TRUE(code.has_value()) << "chaosctl did not finish in 90 s";
  return code.value_or(-1);
}

std::unique_ptr<store::Store> DemoFixture::open_store() {
  auto store = store::Store::open(db_path_);
  EXPECT_TRUE(store.is_ok()) << store.status().message();
  return store ? std::move(store.value()) : nullptr;
}

std::vector<std::string> DemoFixture::event_kinds(store::Store& store, int64_t run_id) {
  std::vector<std::string> kinds;
  auto events = store.events(run_id);
  if (events) {
    for (const auto& e : events.value()) kinds.push_back(e.kind);
  }
  return kinds;
}

}  // namespace chaos::integration
