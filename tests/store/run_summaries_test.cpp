// The runs list: pages of run summaries filtered by experiment and verdict, newest first,
// without the runs' sources, using the indexes of schema version 3.

#include <gtest/gtest.h>

#include <string>

#include "raw_sqlite.h"
#include "store/store.h"
#include "temp_dir.h"

namespace chaos::store {
namespace {

using testing::TempDir;

class RunSummariesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("chaos.db");
    auto store = Store::open(path_);
    ASSERT_TRUE(store) << store.status().message();
    store_ = std::move(store).value();
  }

  int64_t add(const std::string& experiment, int64_t started, const std::string& verdict) {
    RunRecord run;
    run.experiment_path = experiment;
    run.title = "title of " + experiment;
    run.source = std::string(10000, 'x');
    run.source_sha256 = std::string(64, 'b');
    run.started_unix_ms = started;
    auto id = store_->begin_run(run);
    EXPECT_TRUE(id) << id.status().message();
    if (!verdict.empty()) {
      EXPECT_TRUE(store_->finish_run(*id, started + 1000, verdict, "because",
                                     R"({"abort_latency_ms":12.5})"));
    }
    return *id;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(RunSummariesTest, PagesAreNewestFirstWithTheTotal) {
  for (int i = 0; i < 5; ++i) add("a.lua", 1000 + i, "passed");
  auto page = store_->list_run_summaries({.limit = 2, .offset = 1});
  ASSERT_TRUE(page) << page.status().message();
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->runs.size(), 2u);
  EXPECT_EQ(page->runs[0].started_unix_ms, 1003);
  EXPECT_EQ(page->runs[1].started_unix_ms, 1002);
  EXPECT_EQ(page->runs[0].verdict, "passed");
  EXPECT_EQ(page->runs[0].ended_unix_ms, 2003);
  EXPECT_EQ(page->runs[0].summary_json, R"({"abort_latency_ms":12.5})");
  EXPECT_EQ(page->runs[0].title, "title of a.lua");
}

TEST_F(RunSummariesTest, FiltersByExperimentAndVerdictAloneAndTogether) {
  add("a.lua", 1, "passed");
  add("a.lua", 2, "aborted");
  add("b.lua", 3, "aborted");
  const int64_t running = add("b.lua", 4, "");
  auto by_experiment = store_->list_run_summaries({.experiment_path = "b.lua"});
  ASSERT_TRUE(by_experiment);
  EXPECT_EQ(by_experiment->total, 2);
  EXPECT_EQ(by_experiment->runs[0].id, running);
  EXPECT_EQ(by_experiment->runs[0].state, "running");
  auto by_verdict = store_->list_run_summaries({.verdict = "aborted"});
  ASSERT_TRUE(by_verdict);
  EXPECT_EQ(by_verdict->total, 2);
  auto both = store_->list_run_summaries({.experiment_path = "a.lua", .verdict = "aborted"});
  ASSERT_TRUE(both);
  ASSERT_EQ(both->total, 1);
  EXPECT_EQ(both->runs[0].started_unix_ms, 2);
  auto none = store_->list_run_summaries({.experiment_path = "c.lua"});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->total, 0);
  EXPECT_TRUE(none->runs.empty());
}

TEST_F(RunSummariesTest, NegativeLimitIsInvalidArgument) {
  auto page = store_->list_run_summaries({.limit = -1});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.status().code(), Status::Code::kInvalidArgument);
}

TEST_F(RunSummariesTest, FilteredQueriesUseTheirIndexes) {
  auto plan = testing::raw_query(
      path_, "EXPLAIN QUERY PLAN SELECT id FROM runs WHERE verdict = 'aborted' "
             "ORDER BY started_unix_ms DESC, id DESC LIMIT 50");
  std::string text;
  for (const auto& row : plan) for (const auto& cell : row) text += cell + " ";
  EXPECT_NE(text.find("runs_by_verdict"), std::string::npos) << text;
  plan = testing::raw_query(
      path_, "EXPLAIN QUERY PLAN SELECT id FROM runs WHERE experiment_path = 'a.lua' "
             "ORDER BY started_unix_ms DESC, id DESC LIMIT 50");
  text.clear();
  for (const auto& row : plan) for (const auto& cell : row) text += cell + " ";
  EXPECT_NE(text.find("runs_by_experiment"), std::string::npos) << text;
}

TEST_F(RunSummariesTest, ExperimentPathsAreDistinctAndSorted) {
  add("b.lua", 1, "passed");
  add("a.lua", 2, "passed");
  add("b.lua", 3, "passed");
  auto paths = store_->experiment_paths();
  ASSERT_TRUE(paths);
  EXPECT_EQ(*paths, (std::vector<std::string>{"a.lua", "b.lua"}));
}

}  // namespace
}  // namespace chaos::store
