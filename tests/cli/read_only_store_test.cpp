// runs, show and report read a store they cannot write (issue 17.10): on a read-only bind mount,
// made in a private mount namespace (`unshare -m`), so root's power over file modes (chmod 0444
// does not stop root) cannot fake the test. Skipped, saying why, where mounts are not allowed.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <filesystem>

#include "store/store.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::test {
namespace {

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";
constexpr int kNoMount = 77;   // the mount could not be made
constexpr int kWritable = 78;  // the mount is not read-only after all

struct Ran {
  std::optional<int> exit;
  std::string out;
};

class ReadOnlyStore : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(src_);
    std::filesystem::create_directory(ro_);
    write_file(dir_.file("quick.lua"), "experiment { title = 'quick', method = function() end }\n");
    write_file(dir_.file("slow.lua"),
               "experiment { title = 'slow', method = function() chaos.sleep('60s') end }\n");
  }

  Ran chaosctl(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--db", src_ + "/chaos.db", "--no-color"};
    all.insert(all.end(), args.begin(), args.end());
    ChildProcess child(kChaosctl, all, dir_.file("chaosctl.log"));
    Ran r{child.wait_exit(std::chrono::seconds(30)), ""};
    r.out = read_file(dir_.file("chaosctl.log"));
    return r;
  }

  // `chaosctl --db RO/chaos.db ARGS` with RO a read-only bind mount of the store's directory.
  Ran on_read_only_mount(const std::string& args) {
    const std::string script =
        "mount --bind " + src_ + " " + ro_ + " && mount -o remount,bind,ro " + ro_ + " || exit " +
        std::to_string(kNoMount) + "; touch " + ro_ + "/probe 2>/dev/null && exit " +
        std::to_string(kWritable) + "; exec " + kChaosctl + " --db " + ro_ +
        "/chaos.db --no-color " + args + " 2>" + dir_.file("stderr.log");
    ChildProcess child("/usr/bin/unshare", {"-m", "sh", "-c", script}, dir_.file("ro.log"));
    Ran r{child.wait_exit(std::chrono::seconds(30)), ""};
    r.out = read_file(dir_.file("ro.log"));
    return r;
  }

  TempDir dir_;
  std::string src_ = dir_.file("store"), ro_ = dir_.file("ro");
};

#define SKIP_WITHOUT_MOUNTS(ran) \
  if ((ran).exit == kNoMount)    \
  GTEST_SKIP() << "cannot make a read-only bind mount here (needs CAP_SYS_ADMIN): " << (ran).out

TEST_F(ReadOnlyStore, RunsShowAndReportReadAStoreOnAReadOnlyMount) {
  ASSERT_EQ(chaosctl({"run", dir_.file("quick.lua")}).exit, 0);
  const auto before = read_file(src_ + "/chaos.db");

  Ran runs = on_read_only_mount("runs --json");
  SKIP_WITHOUT_MOUNTS(runs);
  ASSERT_NE(runs.exit, kWritable) << "the bind mount is writable";
  ASSERT_EQ(runs.exit, 0) << runs.out << read_file(dir_.file("stderr.log"));
  const auto listed = boost::json::parse(runs.out);
  ASSERT_EQ(listed.as_array().size(), 1u) << runs.out;
  EXPECT_EQ(listed.as_array()[0].at("verdict"), "passed");
  // A clean close leaves no -shm: SQLite cannot make one in a read-only directory, so the file
  // is read as immutable, and the user is told what that misses.
  EXPECT_NE(read_file(dir_.file("stderr.log")).find("is read as an immutable snapshot"),
            std::string::npos)
      << read_file(dir_.file("stderr.log"));

  Ran show = on_read_only_mount("show 1 --json");
  ASSERT_EQ(show.exit, 0) << show.out << read_file(dir_.file("stderr.log"));
  EXPECT_EQ(boost::json::parse(show.out).at("title"), "quick");
  Ran report = on_read_only_mount("report 1");
  ASSERT_EQ(report.exit, 0) << report.out << read_file(dir_.file("stderr.log"));
  EXPECT_NE(report.out.find("\"schema\":\"chaosctl.report/1\""), std::string::npos);
  EXPECT_EQ(read_file(src_ + "/chaos.db"), before);
}

// A controller killed mid-run leaves its last writes in chaos.db-wal (and the -shm): the
// read-only reader sees them, the run still "running", without writing anything.
TEST_F(ReadOnlyStore, ReadsWhatAKilledRunLeftInTheWal) {
  ChildProcess killed(kChaosctl,
                      {"--db", src_ + "/chaos.db", "--no-color", "run", dir_.file("slow.lua")},
                      dir_.file("slow.log"));
  ASSERT_TRUE(wait_for(
      [&] { return read_file(dir_.file("slow.log")).find("injecting") != std::string::npos; },
      std::chrono::seconds(30)))
      << read_file(dir_.file("slow.log"));
  ASSERT_EQ(kill(killed.pid(), SIGKILL), 0);
  killed.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(std::filesystem::exists(src_ + "/chaos.db-wal"));

  Ran runs = on_read_only_mount("runs --json");
  SKIP_WITHOUT_MOUNTS(runs);
  ASSERT_EQ(runs.exit, 0) << runs.out << read_file(dir_.file("stderr.log"));
  const auto listed = boost::json::parse(runs.out);
  ASSERT_EQ(listed.as_array().size(), 1u) << runs.out;
  EXPECT_EQ(listed.as_array()[0].at("state"), "running") << runs.out;
}

// The same open path without a mount: SQLITE_OPEN_READONLY reads, and refuses every write.
TEST(ReadOnlyStoreOpen, ReadsAndRefusesWrites) {
  TempDir dir;
  const std::string db = dir.file("chaos.db");
  {
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.is_ok()) << store.status().message();
    store::RunRecord run;
    run.experiment_path = "x.lua";
    ASSERT_TRUE(store.value()->begin_run(run).is_ok());
  }
  std::string note;
  auto store = store::Store::open_for_reading(db, &note);
  ASSERT_TRUE(store.is_ok()) << store.status().message();
  EXPECT_EQ(store.value()->list_runs(10, 0).value().size(), 1u);
  store::EventRecord event;
  event.run_id = 1;
  event.kind = "log";
  auto written = store.value()->append_event(event);
  ASSERT_FALSE(written.is_ok());
  EXPECT_NE(written.status().message().find("readonly"), std::string::npos)
      << written.status().message();
}

}  // namespace
}  // namespace chaos::test
