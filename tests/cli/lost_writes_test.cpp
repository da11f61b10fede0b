// A run killed with SIGKILL whose database then loses its last writes (the WAL cut short, as a
// torn write or a damaged disk leaves it: SQLite drops such frames silently) is reported at the
// next start with what was lost, instead of its samples vanishing (issue 17.10).
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::test {
namespace {

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";

class LostWrites : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("quick.lua"), "experiment { title = 'quick', method = function() end }\n");
    // A latency fault's metrics: samples every second while it is on.
    write_file(dir_.file("slow.lua"), R"(experiment {
  title = "killed",
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:9", delay = "1ms",
    duration = "60s" } },
})");
  }

  std::optional<int> chaosctl(const std::vector<std::string>& args, const std::string& log) {
    std::vector<std::string> all = {"--db", db_, "--no-color"};
    all.insert(all.end(), args.begin(), args.end());
    ChildProcess child(kChaosctl, all, dir_.file(log));
    return child.wait_exit(std::chrono::seconds(30));
  }

  // What the run's controller counted: "events N samples M".
  std::pair<long, long> ledger(int64_t run) {
    std::ifstream in(db_ + ".runs/" + std::to_string(run));
    std::string a, b;
    long events = -1, samples = -1;
    in >> a >> events >> b >> samples;
    return {events, samples};
  }

  // Starts slow.lua, waits for at least `samples` samples committed, and SIGKILLs it.
  void kill_after_samples(long samples) {
    ChildProcess run(kChaosctl, {"--db", db_, "--no-color", "run", dir_.file("slow.lua")},
                     dir_.file("slow.log"));
    ASSERT_TRUE(wait_for([&] { return ledger(2).second >= samples; }, std::chrono::seconds(30)))
        << read_file(dir_.file("slow.log"));
    ASSERT_EQ(kill(run.pid(), SIGKILL), 0);
    run.wait_exit(std::chrono::seconds(10));
  }

  TempDir dir_;
  std::string db_ = dir_.file("chaos.db");
};

TEST_F(LostWrites, AFinishedRunLeavesNoLedger) {
  ASSERT_EQ(chaosctl({"run", dir_.file("quick.lua")}, "quick.log"), 0);
  EXPECT_FALSE(std::filesystem::exists(db_ + ".runs")) << "the ledger of an ended run is removed";
}

TEST_F(LostWrites, NothingLostIsNotReported) {
  ASSERT_EQ(chaosctl({"run", dir_.file("quick.lua")}, "quick.log"), 0);
  kill_after_samples(16);
  ASSERT_EQ(chaosctl({"recover"}, "recover.log"), 0) << read_file(dir_.file("recover.log"));
  const std::string out = read_file(dir_.file("recover.log"));
  EXPECT_EQ(out.find("lost"), std::string::npos) << out;
  EXPECT_NE(out.find("run 2 was left running by a controller that died"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(db_ + ".runs/2"));
}

TEST_F(LostWrites, ACutShortWalIsReportedWithWhatWasLost) {
  // The first run ends cleanly, so its writes are checkpointed into chaos.db: the WAL then
  // holds only the killed run's.
  ASSERT_EQ(chaosctl({"run", dir_.file("quick.lua")}, "quick.log"), 0);
  kill_after_samples(32);
  const auto [events, samples] = ledger(2);
  const std::string wal = db_ + "-wal";
  const auto size = std::filesystem::file_size(wal);
  const uintmax_t frame = 24 + 4096;  // a frame header and a page
  const uintmax_t frames = (size - 32) / frame;
  ASSERT_GT(frames, 8u);
  std::filesystem::resize_file(wal, 32 + frame * (frames / 3));  // a torn tail

  ASSERT_EQ(chaosctl({"recover"}, "recover.log"), 0) << read_file(dir_.file("recover.log"));
  const std::string out = read_file(dir_.file("recover.log"));
  const bool partly = out.find(
                          "warning: run 2: the database lost part of what this run had "
                          "written") != std::string::npos;
  const bool wholly = out.find("warning: run 2 is not in the store at all") != std::string::npos;
  ASSERT_TRUE(partly || wholly) << out;
  EXPECT_FALSE(std::filesystem::exists(db_ + ".runs/2")) << "reported once, then forgotten";
  if (wholly) return;

  // The run's timeline says what was lost, and the figures add up with what survived.
  ASSERT_EQ(chaosctl({"show", "2", "--json"}, "show.log"), 0);
  const auto shown = boost::json::parse(read_file(dir_.file("show.log")));
  const boost::json::object* lost = nullptr;
  size_t stored_events = 0;
  for (const auto& e : shown.at("events").as_array()) {
    if (e.at("detail").as_object().contains("lost_samples")) {
      lost = &e.at("detail").as_object();
    } else if (e.at("kind") != "interrupted") {
      ++stored_events;
    }
  }
  ASSERT_NE(lost, nullptr) << read_file(dir_.file("show.log"));
  EXPECT_EQ(lost->at("events_written").as_int64(), events);
  EXPECT_EQ(lost->at("samples_written").as_int64(), samples);
  EXPECT_EQ(lost->at("lost_events").as_int64(), events - static_cast<long>(stored_events));
  EXPECT_GT(lost->at("lost_samples").as_int64(), 0);
  EXPECT_EQ(lost->at("lost_samples").as_int64() +
                static_cast<int64_t>(shown.at("samples").as_array().size()),
            samples);
}

}  // namespace
}  // namespace chaos::test
