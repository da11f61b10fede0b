// Opening the journal: connection settings, versioned migrations, and refusing what we cannot read.

#include "store/migrator.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "raw_sqlite.h"
#include "store/migrations.h"
#include "store/sqlite_database.h"
#include "store/store.h"
#include "temp_dir.h"

namespace chaos::store {
namespace {

using testing::raw_query;
using testing::Rows;
using testing::TempDir;

TEST(StoreMigrations, StepsAreOrderedFromOneWithoutGaps) {
  int expected = 1;
  for (const Migration& step : migrations()) {
    EXPECT_EQ(step.version, expected++) << step.name;
    EXPECT_NE(std::string(step.name), "");
  }
  EXPECT_EQ(latest_schema_version(), expected - 1);
}

TEST(StoreMigrations, FreshDatabaseGetsEveryStepOnceAndRecordsIt) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  auto store = Store::open(path);
  ASSERT_TRUE(store) << store.status().message();
  EXPECT_EQ((*store)->schema_version(), latest_schema_version());

  Rows recorded = raw_query(path, "SELECT version, applied_unix_ms > 0 FROM schema_migrations");
  ASSERT_EQ(recorded.size(), migrations().size());
  for (size_t i = 0; i < recorded.size(); ++i) {
    EXPECT_EQ(recorded[i][0], std::to_string(migrations()[i].version));
    EXPECT_EQ(recorded[i][1], "1");
  }
  Rows tables = raw_query(path,
                          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN "
                          "('runs', 'events', 'samples', 'checks') ORDER BY name");
  EXPECT_EQ(tables, (Rows{{"checks"}, {"events"}, {"runs"}, {"samples"}}));
  Rows indexes = raw_query(path,
                           "SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN "
                           "('events_by_run', 'samples_by_run_series_time', 'runs_by_started') "
                           "ORDER BY name");
  EXPECT_EQ(indexes,
            (Rows{{"events_by_run"}, {"runs_by_started"}, {"samples_by_run_series_time"}}));
}

TEST(StoreMigrations, ReopeningIsANoOp) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  ASSERT_TRUE(Store::open(path));
  const std::string everything =
      "SELECT 'm', version, name, applied_unix_ms FROM schema_migrations "
      "UNION ALL SELECT 's', type, name, sql FROM sqlite_schema ORDER BY 1, 2, 3";
  const Rows before = raw_query(path, everything);

  auto again = Store::open(path);
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_EQ((*again)->schema_version(), latest_schema_version());
  EXPECT_EQ(raw_query(path, everything), before);
}

TEST(StoreMigrations, RefusesADatabaseNewerThanTheCodeNamingBothVersions) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  ASSERT_TRUE(Store::open(path));
  const int newer = latest_schema_version() + 1;
  raw_query(path, "INSERT INTO schema_migrations (version, name, applied_unix_ms) VALUES (" +
                      std::to_string(newer) + ", 'from the future', 1)");

  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().code(), Status::Code::kFailed);
  const std::string& message = store.status().message();
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("schema version " + std::to_string(newer)), std::string::npos) << message;
  EXPECT_NE(message.find("(version " + std::to_string(latest_schema_version()) + ")"),
            std::string::npos)
      << message;
}

TEST(StoreMigrations, ProcessesOpeningAFreshFileAtOnceMigrateItOnce) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    const pid_t child = fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
      auto store = Store::open(path);
      if (!store) fprintf(stderr, "child %d: %s\n", i, store.status().message().c_str());
      _exit(store ? 0 : 1);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(raw_query(path, "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations"),
            (Rows{{std::to_string(migrations().size()), std::to_string(migrations().size())}}));
}

TEST(StoreMigrations, AppliesOnlyPendingStepsAndStampsThemWithTheGivenClock) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  ManualClock clock(1'700'000'000'000);
  const Migration first{1, "first", "CREATE TABLE a (x INTEGER)"};
  const Migration second{2, "second", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (7)"};
  {
    auto db = SqliteDatabase::open(path);
    ASSERT_TRUE(db) << db.status().message();
    const std::vector<Migration> v1{first};
    auto version = apply_migrations(**db, clock, v1);
    ASSERT_TRUE(version) << version.status().message();
    EXPECT_EQ(*version, 1);
  }
  clock.advance(std::chrono::seconds(5));
  {
    auto db = SqliteDatabase::open(path);
    ASSERT_TRUE(db);
    const std::vector<Migration> v2{first, second};
    auto version = apply_migrations(**db, clock, v2);
    ASSERT_TRUE(version) << version.status().message();
    EXPECT_EQ(*version, 2);
  }
  EXPECT_EQ(raw_query(path, "SELECT version, name, applied_unix_ms FROM schema_migrations"),
            (Rows{{"1", "first", "1700000000000"}, {"2", "second", "1700000005000"}}));
  EXPECT_EQ(raw_query(path, "SELECT x FROM a"), (Rows{{"7"}}));  // step 2 ran exactly once
}

TEST(StoreMigrations, AFailingStepIsRolledBackAndNamed) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  ManualClock clock;
  const std::vector<Migration> steps{
      {1, "first", "CREATE TABLE a (x INTEGER)"},
      {2, "broken", "CREATE TABLE b (y INTEGER); CREATE TABLE a (x INTEGER)"},
  };
  auto db = SqliteDatabase::open(path);
  ASSERT_TRUE(db);
  auto version = apply_migrations(**db, clock, steps);
  ASSERT_FALSE(version);
  const std::string& message = version.status().message();
  EXPECT_NE(message.find("cannot migrate " + path + " to schema version 2 (broken)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("table a already exists"), std::string::npos) << message;

  auto applied = applied_schema_version(**db);
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, 1);
  EXPECT_TRUE(raw_query(path, "SELECT name FROM sqlite_schema WHERE name = 'b'").empty());
}

TEST(StoreConnection, UsesWalJournalMode) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  auto store = Store::open(path);
  ASSERT_TRUE(store);
  EXPECT_EQ(raw_query(path, "PRAGMA journal_mode"), (Rows{{"wal"}}));
}

TEST(StoreConnection, EnforcesForeignKeys) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  auto store = Store::open(path);
  ASSERT_TRUE(store);
  EventRecord orphan;
  orphan.run_id = 999;
  orphan.kind = "log";
  auto id = (*store)->append_event(orphan);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(id.status().message().find("FOREIGN KEY"), std::string::npos);
  EXPECT_NE(id.status().message().find(path), std::string::npos);
}

TEST(StoreConnection, OpenFailureNamesTheFileAndTheReason) {
  TempDir dir;
  const std::string path = dir.file("missing-dir/chaos.db");
  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().message(), "cannot open " + path + ": unable to open database file");
}

TEST(StoreConnection, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << std::string(4096, 'x');
  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().message(), "cannot open " + path + ": file is not a database");
}

TEST(StoreConnection, RefusesAnEmptyPath) {
  auto store = Store::open("");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace chaos::store

namespace chaos::store {
namespace {

// A journal written by a chaosctl that knew only version 1 opens in this one: its samples are
// kept and read back with an empty detail.
TEST(StoreMigrations, Version1JournalUpgradesKeepingItsSamples) {
  TempDir dir;
  const std::string path = dir.file("chaos.db");
  ManualClock clock;
  {
    auto db = SqliteDatabase::open(path);
    ASSERT_TRUE(db);
    const std::vector<Migration> v1(migrations().begin(), migrations().begin() + 1);
    ASSERT_TRUE(apply_migrations(**db, clock, v1));
  }
  raw_query(path, "INSERT INTO runs (experiment_path, started_unix_ms, state) VALUES ('x.lua', 1, 'done')");
  raw_query(path, "INSERT INTO samples (run_id, series, unix_ms, value, ok) VALUES (1, 'p', 5, 2.5, 1)");

  auto store = Store::open(path);
  ASSERT_TRUE(store) << store.status().message();
  EXPECT_EQ((*store)->schema_version(), latest_schema_version());
  auto samples = (*store)->samples(1);
  ASSERT_TRUE(samples);
  ASSERT_EQ(samples->size(), 1u);
  EXPECT_EQ((*samples)[0].value, 2.5);
  EXPECT_EQ((*samples)[0].detail, "");

  SampleRecord with_detail = (*samples)[0];
  with_detail.detail = "query=up time=5 -> 1";
  ASSERT_TRUE((*store)->append_samples({with_detail}));
  EXPECT_EQ((*store)->samples(1)->back().detail, "query=up time=5 -> 1");
}

}  // namespace
}  // namespace chaos::store
