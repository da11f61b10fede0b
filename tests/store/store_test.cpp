// The run journal's records: what goes in comes back, in the promised order, across connections
// and across a writer that dies without closing.

#include "store/store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace chaos::store {
namespace {

using testing::TempDir;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = open_store(); }

  std::unique_ptr<Store> open_store() {
    auto store = Store::open(path_);
    EXPECT_TRUE(store) << store.status().message();
    return store ? std::move(store).value() : nullptr;
  }

  static RunRecord a_run(const std::string& title, int64_t started_unix_ms) {
    RunRecord run;
    run.experiment_path = "experiments/" + title + ".lua";
    run.title = title;
    run.description = "what " + title + " checks";
    run.source = "return { title = '" + title + "' }";
    run.source_sha256 = std::string(64, 'a');
    run.plugins_json = R"([{"name":"network","version":"1.0.0"}])";
    run.seed = 42;
    run.started_unix_ms = started_unix_ms;
    return run;
  }

  int64_t begin(const RunRecord& run) {
    auto id = store_->begin_run(run);
    EXPECT_TRUE(id) << id.status().message();
    return id ? *id : 0;
  }

  static EventRecord an_event(int64_t run_id, const std::string& kind, const std::string& message) {
    EventRecord event;
    event.run_id = run_id;
    event.unix_ms = 1'700'000'000'000;
    event.phase = "injecting";
    event.kind = kind;
    event.message = message;
    event.detail_json = R"({"fault":"db-latency"})";
    return event;
  }

  TempDir dir_;
  std::string path_ = dir_.file("chaos.db");
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, BeginAndFinishRunRoundTripsEveryField) {
  const RunRecord run = a_run("db_slowdown", 1'700'000'000'000);
  const int64_t id = begin(run);
  ASSERT_GT(id, 0);

  auto running = store_->get_run(id);
  ASSERT_TRUE(running) << running.status().message();
  EXPECT_EQ(running->id, id);
  EXPECT_EQ(running->experiment_path, run.experiment_path);
  EXPECT_EQ(running->title, run.title);
  EXPECT_EQ(running->description, run.description);
  EXPECT_EQ(running->source, run.source);
  EXPECT_EQ(running->source_sha256, run.source_sha256);
  EXPECT_EQ(running->plugins_json, run.plugins_json);
  EXPECT_EQ(running->seed, 42);
  EXPECT_EQ(running->started_unix_ms, run.started_unix_ms);
  EXPECT_EQ(running->ended_unix_ms, 0);
  EXPECT_EQ(running->state, "running");
  EXPECT_EQ(running->verdict, "");

  const std::string summary = R"({"abort_latency_ms":12,"time_to_recover_ms":3400})";
  ASSERT_TRUE(store_->finish_run(id, 1'700'000'060'000, "deviated", "p99 above 300 ms", summary));
  auto done = store_->get_run(id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(done->ended_unix_ms, 1'700'000'060'000);
  EXPECT_EQ(done->verdict, "deviated");
  EXPECT_EQ(done->reason, "p99 above 300 ms");
  EXPECT_EQ(done->summary_json, summary);
  EXPECT_EQ(done->source, run.source);
}

TEST_F(StoreTest, EmptyJsonFieldsAreStoredAsEmptyJsonValues) {
  RunRecord run = a_run("bare", 1);
  run.plugins_json.clear();
  const int64_t id = begin(run);
  EventRecord event = an_event(id, "log", "hello");
  event.detail_json.clear();
  ASSERT_TRUE(store_->append_event(event));

  EXPECT_EQ(store_->get_run(id)->plugins_json, "[]");
  EXPECT_EQ(store_->get_run(id)->summary_json, "{}");
  EXPECT_EQ(store_->events(id)->at(0).detail_json, "{}");
}

TEST_F(StoreTest, FinishingARunThatIsNotRunningFailsWithTheReason) {
  const int64_t id = begin(a_run("twice", 1));
  ASSERT_TRUE(store_->finish_run(id, 2, "passed", "", "{}"));
  Status again = store_->finish_run(id, 3, "errored", "", "{}");
  EXPECT_EQ(again.code(), Status::Code::kFailed);
  EXPECT_NE(again.message().find("no longer running (state done)"), std::string::npos)
      << again.message();
  EXPECT_EQ(store_->get_run(id)->verdict, "passed");

  EXPECT_EQ(store_->finish_run(id + 100, 3, "passed", "", "{}").code(), Status::Code::kNotFound);
}

TEST_F(StoreTest, EventsComeBackInWriteOrderWithIncreasingIds) {
  const int64_t first = begin(a_run("first", 1));
  const int64_t second = begin(a_run("second", 2));
  std::vector<int64_t> first_ids;
  for (int i = 0; i < 20; ++i) {
    // Interleave runs and go backwards in time: order is the write order, not the timestamp.
    EventRecord event = an_event(i % 2 == 0 ? first : second, "log", "event " + std::to_string(i));
    event.unix_ms = 1'000 - i;
    auto id = store_->append_event(event);
    ASSERT_TRUE(id) << id.status().message();
    if (i % 2 == 0) first_ids.push_back(*id);
  }
  auto events = store_->events(first);
  ASSERT_TRUE(events) << events.status().message();
  ASSERT_EQ(events->size(), 10u);
  for (size_t i = 0; i < events->size(); ++i) {
    const EventRecord& event = (*events)[i];
    EXPECT_EQ(event.id, first_ids[i]);
    EXPECT_EQ(event.run_id, first);
    EXPECT_EQ(event.message, "event " + std::to_string(2 * i));
    EXPECT_EQ(event.unix_ms, 1'000 - static_cast<int64_t>(2 * i));
    EXPECT_EQ(event.phase, "injecting");
    EXPECT_EQ(event.kind, "log");
    EXPECT_EQ(event.detail_json, R"({"fault":"db-latency"})");
    if (i > 0) {
      EXPECT_GT(event.id, (*events)[i - 1].id);
    }
  }
  EXPECT_TRUE(store_->events(first + second + 100)->empty());
}

TEST_F(StoreTest, SamplesAreBatchInsertedAndReadBackBySeriesThenTime) {
  const int64_t id = begin(a_run("samples", 1));
  const int64_t other = begin(a_run("other", 2));
  std::vector<SampleRecord> batch;
  auto sample = [](int64_t run, std::string series, int64_t t, double v) {
    SampleRecord s;
    s.run_id = run;
    s.series = std::move(series);
    s.unix_ms = t;
    s.value = v;
    s.phase = "baseline";
    return s;
  };
  batch.push_back(sample(id, "latency_ms", 30, 3.5));
  batch.push_back(sample(id, "errors", 20, 0));
  batch.push_back(sample(other, "latency_ms", 5, 99));
  batch.push_back(sample(id, "latency_ms", 10, 1.25));
  SampleRecord failed = sample(id, "latency_ms", 20, std::nan(""));
  failed.ok = false;
  failed.error = "connect: connection refused";
  batch.push_back(failed);
  ASSERT_TRUE(store_->append_samples(batch));
  ASSERT_TRUE(store_->append_samples({}));

  auto samples = store_->samples(id);
  ASSERT_TRUE(samples) << samples.status().message();
  ASSERT_EQ(samples->size(), 4u);
  const auto& s = *samples;
  EXPECT_EQ(s[0].series, "errors");
  EXPECT_EQ(s[1].series, "latency_ms");
  EXPECT_EQ(s[1].unix_ms, 10);
  EXPECT_EQ(s[1].value, 1.25);
  EXPECT_TRUE(s[1].ok);
  EXPECT_EQ(s[1].phase, "baseline");
  EXPECT_EQ(s[2].unix_ms, 20);
  EXPECT_TRUE(std::isnan(s[2].value));
  EXPECT_FALSE(s[2].ok);
  EXPECT_EQ(s[2].error, "connect: connection refused");
  EXPECT_EQ(s[3].unix_ms, 30);
  EXPECT_EQ(s[3].value, 3.5);
  for (const SampleRecord& r : s) EXPECT_EQ(r.run_id, id);
}

TEST_F(StoreTest, ABatchWithABadSampleStoresNoneOfIt) {
  const int64_t id = begin(a_run("atomic", 1));
  SampleRecord good;
  good.run_id = id;
  good.series = "latency_ms";
  SampleRecord orphan = good;
  orphan.run_id = id + 100;
  Status s = store_->append_samples({good, orphan});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find(path_), std::string::npos) << s.message();
  EXPECT_TRUE(store_->samples(id)->empty());
}

TEST_F(StoreTest, ChecksRoundTripInWriteOrder) {
  const int64_t id = begin(a_run("checks", 1));
  CheckRecord p99;
  p99.run_id = id;
  p99.probe = "checkout";
  p99.phase = "injecting";
  p99.aggregate = "p99_ms";
  p99.value = 412.5;
  p99.expectation = "<= 300";
  p99.outcome = "failed";
  p99.samples = 120;
  p99.unix_ms = 1'700'000'000'123;
  CheckRecord errors = p99;
  errors.aggregate = "error_ratio";
  errors.value = 0.002;
  errors.expectation = "< 0.01";
  errors.outcome = "ok";
  ASSERT_TRUE(store_->append_check(p99));
  ASSERT_TRUE(store_->append_check(errors));

  auto checks = store_->checks(id);
  ASSERT_TRUE(checks) << checks.status().message();
  ASSERT_EQ(checks->size(), 2u);
  const CheckRecord& c = (*checks)[0];
  EXPECT_EQ(c.run_id, id);
  EXPECT_EQ(c.probe, "checkout");
  EXPECT_EQ(c.phase, "injecting");
  EXPECT_EQ(c.aggregate, "p99_ms");
  EXPECT_EQ(c.value, 412.5);
  EXPECT_EQ(c.expectation, "<= 300");
  EXPECT_EQ(c.outcome, "failed");
  EXPECT_EQ(c.samples, 120);
  EXPECT_EQ(c.unix_ms, 1'700'000'000'123);
  EXPECT_EQ((*checks)[1].aggregate, "error_ratio");
  EXPECT_EQ((*checks)[1].value, 0.002);
}

TEST_F(StoreTest, ListRunsIsNewestFirstWithLimitAndOffset) {
  const int64_t old_run = begin(a_run("old", 1'000));
  const int64_t newest = begin(a_run("newest", 3'000));
  const int64_t middle = begin(a_run("middle", 2'000));
  const int64_t tie = begin(a_run("tie", 2'000));  // same start: the later insert is newer

  auto all = store_->list_runs(10, 0);
  ASSERT_TRUE(all) << all.status().message();
  std::vector<int64_t> ids;
  for (const RunRecord& run : *all) ids.push_back(run.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{newest, tie, middle, old_run}));

  auto page = store_->list_runs(2, 1);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, tie);
  EXPECT_EQ((*page)[1].id, middle);
  EXPECT_EQ((*page)[1].title, "middle");

  EXPECT_TRUE(store_->list_runs(0, 0)->empty());
  EXPECT_TRUE(store_->list_runs(10, 4)->empty());
  EXPECT_EQ(store_->list_runs(-1, 0).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(StoreTest, GetRunOfAMissingIdIsNotFound) {
  auto run = store_->get_run(12345);
  ASSERT_FALSE(run);
  EXPECT_EQ(run.status().code(), Status::Code::kNotFound);
  EXPECT_NE(run.status().message().find("12345"), std::string::npos);
}

TEST_F(StoreTest, RunsLeftRunningCanBeMarkedInterrupted) {
  const int64_t finished = begin(a_run("finished", 1));
  const int64_t crashed = begin(a_run("crashed", 2));
  const int64_t also_crashed = begin(a_run("also_crashed", 3));
  ASSERT_TRUE(store_->finish_run(finished, 10, "passed", "steady state held", "{}"));

  auto left = store_->runs_left_running();
  ASSERT_TRUE(left) << left.status().message();
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].id, crashed);
  EXPECT_EQ((*left)[1].id, also_crashed);
  EXPECT_EQ((*left)[0].source, a_run("crashed", 2).source);

  ASSERT_TRUE(store_->mark_interrupted(crashed, 50, "controller exited during injecting"));
  auto run = store_->get_run(crashed);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->state, "interrupted");
  EXPECT_EQ(run->ended_unix_ms, 50);
  EXPECT_EQ(run->reason, "controller exited during injecting");
  EXPECT_EQ(run->verdict, "");

  left = store_->runs_left_running();
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].id, also_crashed);

  // An interrupted run cannot be finished afterwards, nor interrupted twice.
  EXPECT_EQ(store_->finish_run(crashed, 60, "passed", "", "{}").code(), Status::Code::kFailed);
  EXPECT_EQ(store_->mark_interrupted(crashed, 60, "again").code(), Status::Code::kFailed);
  EXPECT_EQ(store_->mark_interrupted(999, 60, "none").code(), Status::Code::kNotFound);
}

TEST_F(StoreTest, ASecondStoreOnTheSameFileSeesCommittedEvents) {
  auto other = open_store();
  ASSERT_NE(other, nullptr);
  const int64_t id = begin(a_run("shared", 1));

  ASSERT_TRUE(store_->append_event(an_event(id, "fault_start", "db-latency 200ms")));
  auto seen = other->events(id);
  ASSERT_TRUE(seen) << seen.status().message();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].kind, "fault_start");

  // And the other way round, interleaved: ids keep increasing across connections.
  auto from_other = other->append_event(an_event(id, "fault_stop", "db-latency"));
  ASSERT_TRUE(from_other) << from_other.status().message();
  auto all = store_->events(id);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].id, *from_other);
  EXPECT_GT((*all)[1].id, (*all)[0].id);
}

// The journal's reason to exist: a controller that dies mid-run leaves its events behind.
TEST_F(StoreTest, EventsSurviveAWriterThatDiesWithoutClosing) {
  store_.reset();  // the child gets the file to itself; no connection crosses the fork
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto store = Store::open(path_);
    if (!store) _exit(2);
    auto id = (*store)->begin_run(a_run("doomed", 1));
    if (!id) _exit(3);
    if (!(*store)->append_event(an_event(*id, "fault_start", "pause db"))) _exit(4);
    _exit(0);  // no destructors: the connection is never closed, the WAL never checkpointed
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  store_ = open_store();
  ASSERT_NE(store_, nullptr);
  auto left = store_->runs_left_running();
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  auto events = store_->events((*left)[0].id);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].kind, "fault_start");
  EXPECT_EQ((*events)[0].message, "pause db");
}

TEST_F(StoreTest, UnicodeAndLargeSourceSurvive) {
  RunRecord run = a_run("unicode", 1);
  std::string source = "-- Grüße, 日本語, emoji 🔥💥, RTL עברית, combining é\n";
  source += std::string("embedded\0nul\n", 13);
  while (source.size() < 8 * 1024 * 1024) source += "chaos.sleep(\"30s\") -- ünïcödé 🐒\n";
  run.source = source;
  run.title = "Überlast 🔥";
  const int64_t id = begin(run);

  EventRecord event = an_event(id, "log", "Ω≈ç√∫ 😀 " + std::string(100'000, 'z'));
  ASSERT_TRUE(store_->append_event(event));

  auto reopened = open_store();
  ASSERT_NE(reopened, nullptr);
  auto back = reopened->get_run(id);
  ASSERT_TRUE(back) << back.status().message();
  EXPECT_EQ(back->source.size(), source.size());
  EXPECT_TRUE(back->source == source);  // not EXPECT_EQ: a mismatch would print 8 MB
  EXPECT_EQ(back->title, "Überlast 🔥");
  EXPECT_TRUE(reopened->events(id)->at(0).message == event.message);
}

}  // namespace
}  // namespace chaos::store
