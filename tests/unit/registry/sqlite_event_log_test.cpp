// The SQLite event log: group commit and its acknowledgements, ids, every search filter, paging, OU isolation,
// durability across reopen, failed batches, retention and device deletes.
#include "registry/event_log.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::registry {
namespace {

void raw_exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

Event make_event(const std::string& org, const std::string& asset, const std::string& key, int64_t ts,
                 const std::string& type = "INFO") {
  Event e;
  e.org_id = org;
  e.asset_id = asset;
  e.product_key = "pk_" + asset;
  e.device_key = "dk_" + asset;
  e.tsl_event_key = key;
  e.tsl_event_type = type;
  e.output = R"({"v":)" + std::to_string(ts) + "}";
  e.timestamp = ts;
  e.create_time = ts + 1;
  return e;
}

// A filter on one string field, or on a time range ([start, end), 0 = open).
EventFilter where(std::string EventFilter::*field, std::string value) {
  EventFilter f;
  f.*field = std::move(value);
  return f;
}
EventFilter between(int64_t start, int64_t end) {
  EventFilter f;
  f.start_time = start;
  f.end_time = end;
  return f;
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gridhub-events-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    open();
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string path() const { return dir_ + "/events.db"; }
  void open() {
    auto r = open_sqlite_event_log(path());
    ASSERT_TRUE(r) << r.error().message();
    log_ = std::move(*r);
  }
  void reopen() {
    log_.reset();
    open();
  }
  // Appends and waits for the acknowledgement.
  std::error_code append(std::vector<Event> events) {
    // Shared with the callback: the promise must outlive set_value() even once get() has returned.
    auto acked = std::make_shared<std::promise<std::error_code>>();
    auto f = acked->get_future();
    log_->append(std::move(events), [acked](std::error_code ec) { acked->set_value(ec); });
    return f.get();
  }
  void append_ok(std::vector<Event> events) {
    auto ec = append(std::move(events));
    ASSERT_FALSE(ec) << ec.message();
  }
  PageResult<Event> search(const std::string& org, const EventFilter& f = {}, Page page = {1, 200}) {
    return log_->search(org, f, page);
  }
  static std::vector<std::string> keys(const PageResult<Event>& r) {
    std::vector<std::string> out;
    for (const auto& e : r.items) out.push_back(e.tsl_event_key);
    return out;
  }

  std::string dir_;
  std::unique_ptr<EventLog> log_;
};

using Keys = std::vector<std::string>;

// --- file and schema ---

TEST_F(EventLogTest, NewFileIsInWalModeWithItsOwnSchemaVersion) {
  log_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(EventLogTest, FileFromANewerBuildIsRefused) {
  log_.reset();
  raw_exec(path(), "UPDATE schema_version SET version = 2");
  auto r = open_sqlite_event_log(path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::schema_too_new);
}

TEST_F(EventLogTest, UnopenablePathIsAStorageError) {
  auto r = open_sqlite_event_log(dir_ + "/no/such/dir/events.db");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::storage_error);
}

// --- appends, ids, get ---

TEST_F(EventLogTest, IdsIncreaseInAppendOrderAndGetReadsEveryField) {
  append_ok({make_event("o1", "A", "first", 500), make_event("o1", "A", "second", 100)});
  append_ok({make_event("o1", "B", "third", 300, "ERROR")});
  auto all = search("o1");
  ASSERT_EQ(all.total, 3);
  std::map<std::string, int64_t> id;
  for (const auto& e : all.items) id[e.tsl_event_key] = e.event_id;
  EXPECT_GT(id["first"], 0);
  EXPECT_LT(id["first"], id["second"]);
  EXPECT_LT(id["second"], id["third"]);

  auto e = log_->get("o1", id["third"]);
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->event_id, id["third"]);
  EXPECT_EQ(e->org_id, "o1");
  EXPECT_EQ(e->asset_id, "B");
  EXPECT_EQ(e->product_key, "pk_B");
  EXPECT_EQ(e->device_key, "dk_B");
  EXPECT_EQ(e->tsl_event_key, "third");
  EXPECT_EQ(e->tsl_event_type, "ERROR");
  EXPECT_EQ(e->output, R"({"v":300})");
  EXPECT_EQ(e->timestamp, 300);
  EXPECT_EQ(e->create_time, 301);
}

TEST_F(EventLogTest, AnotherOusEventAndUnknownIdsAreNotFound) {
  append_ok({make_event("o1", "A", "mine", 1)});
  const int64_t id = search("o1").items.at(0).event_id;
  EXPECT_TRUE(log_->get("o1", id));
  EXPECT_EQ(log_->get("o2", id).error(), errc::not_found);
  EXPECT_EQ(log_->get("", id).error(), errc::not_found);
  EXPECT_EQ(log_->get("o1", id + 1).error(), errc::not_found);
  EXPECT_EQ(log_->get("o1", 0).error(), errc::not_found);
  EXPECT_EQ(log_->get("o1", -1).error(), errc::not_found);
  EXPECT_EQ(search("o2").total, 0) << "a search never crosses OUs";
}

TEST_F(EventLogTest, AnEmptyAppendIsAcknowledged) {
  append_ok({});
  EXPECT_EQ(search("o1").total, 0);
}

TEST_F(EventLogTest, AcknowledgedEventsSurviveReopen) {
  append_ok({make_event("o1", "A", "k1", 10), make_event("o1", "A", "k2", 20)});
  const auto before = search("o1");
  reopen();
  const auto after = search("o1");
  ASSERT_EQ(after.total, 2);
  EXPECT_EQ(keys(after), keys(before));
  EXPECT_EQ(after.items[0].event_id, before.items[0].event_id);
  append_ok({make_event("o1", "A", "k3", 30)});
  EXPECT_GT(search("o1").items[0].event_id, before.items[0].event_id) << "ids keep increasing after reopen";
}

TEST_F(EventLogTest, DestroyingTheLogWritesWhatIsQueuedAndAcknowledgesIt) {
  constexpr int kAppends = 2000;
  std::atomic<int> ok{0}, failed{0};
  for (int i = 0; i < kAppends; ++i)
    log_->append({make_event("o1", "A", "k", i)}, [&](std::error_code ec) { (ec ? failed : ok)++; });
  log_.reset();
  EXPECT_EQ(ok.load(), kAppends);
  EXPECT_EQ(failed.load(), 0);
  open();
  EXPECT_EQ(search("o1").total, kAppends);
}

TEST_F(EventLogTest, IdsAreNeverReusedAfterTheNewestEventsAreDeleted) {
  append_ok({make_event("o1", "A", "a", 1), make_event("o1", "A", "b", 2)});
  const int64_t last = search("o1").items.at(0).event_id;
  ASSERT_TRUE(log_->delete_before(100));
  append_ok({make_event("o1", "A", "c", 3)});
  EXPECT_GT(search("o1").items.at(0).event_id, last);
}

// A trigger added behind the log's back makes SQLite refuse one append: its done gets the error, appends
// acknowledged before stay, and the log goes on writing.
TEST_F(EventLogTest, AFailedBatchReportsItsErrorAndLaterAppendsStillCommit) {
  append_ok({make_event("o1", "A", "before", 1)});
  raw_exec(path(),
           "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.tsl_event_key = 'boom' "
           "BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
  auto ec = append({make_event("o1", "A", "ok-in-bad-batch", 2), make_event("o1", "A", "boom", 3)});
  ASSERT_TRUE(ec);
  EXPECT_EQ(ec, errc::storage_error);
  append_ok({make_event("o1", "A", "after", 4)});
  EXPECT_EQ(keys(search("o1")), (Keys{"after", "before"})) << "the failed batch left nothing behind";
}

// 4 threads x 2,500 appends of one event: every done is called once, with success, every event is readable,
// and each thread's appends got ids in the order it made them.
TEST_F(EventLogTest, ABurstFromFourThreadsIsAllAcknowledgedAndReadable) {
  constexpr int kThreads = 4, kPerThread = 2500;
  std::atomic<int> ok{0}, failed{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      struct Acks {
        std::atomic<int> count{0};
        std::promise<void> all;
      };
      auto acks = std::make_shared<Acks>();
      auto all_done = acks->all.get_future();
      for (int i = 0; i < kPerThread; ++i) {
        Event e = make_event("o1", "A" + std::to_string(t), std::to_string(i), i);
        log_->append({std::move(e)}, [&ok, &failed, acks, kPerThread](std::error_code ec) {
          (ec ? failed : ok)++;
          if (++acks->count == kPerThread) acks->all.set_value();
        });
      }
      all_done.wait();
    });
  }
  for (auto& th : threads) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  std::printf("[ figures  ] %d single-event appends from %d threads acknowledged in %.3f s (%.0f/s)\n",
              kThreads * kPerThread, kThreads, seconds, kThreads * kPerThread / seconds);

  EXPECT_EQ(search("o1").total, kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    EventFilter f;
    f.asset_ids = {"A" + std::to_string(t)};
    int64_t prev_id = -1;
    // Pages are newest first by timestamp (= the thread's append index), so ids must fall as we go.
    int seen = 0;
    for (int page = 1; page <= (kPerThread + kMaxPageSize - 1) / kMaxPageSize; ++page) {
      auto r = log_->search("o1", f, {page, kMaxPageSize});
      ASSERT_EQ(r.total, kPerThread);
      for (const auto& e : r.items) {
        EXPECT_EQ(e.tsl_event_key, std::to_string(e.timestamp));
        if (prev_id != -1) {
          EXPECT_LT(e.event_id, prev_id) << "thread " << t << " index " << e.timestamp;
        }
        prev_id = e.event_id;
        ++seen;
      }
    }
    EXPECT_EQ(seen, kPerThread);
  }
}

// --- search ---

class EventSearch : public EventLogTest {
 protected:
  void SetUp() override {
    EventLogTest::SetUp();
    append_ok({
        make_event("o1", "A", "overheat", 100, "WARN"),
        make_event("o1", "A", "fault", 200, "ERROR"),
        make_event("o1", "B", "overheat", 300, "WARN"),
        make_event("o1", "C", "hello", 400, "INFO"),
        make_event("o2", "X", "overheat", 250, "WARN"),
    });
  }
};

TEST_F(EventSearch, NoFilterIsTheWholeOuNewestFirst) {
  auto r = search("o1");
  EXPECT_EQ(r.total, 4);
  EXPECT_EQ(keys(r), (Keys{"hello", "overheat", "fault", "overheat"}));
  EXPECT_EQ(r.items[1].asset_id, "B");
}

TEST_F(EventSearch, EqualTimestampsPutTheLaterAppendFirst) {
  append_ok({make_event("o1", "D", "tie-1", 400), make_event("o1", "D", "tie-2", 400)});
  auto r = search("o1");
  EXPECT_EQ(keys(r), (Keys{"tie-2", "tie-1", "hello", "overheat", "fault", "overheat"}));
}

TEST_F(EventSearch, AssetIdsMatchAnyOfTheList) {
  EventFilter f;
  f.asset_ids = {"A"};
  EXPECT_EQ(keys(search("o1", f)), (Keys{"fault", "overheat"}));
  f.asset_ids = {"A", "C"};
  EXPECT_EQ(keys(search("o1", f)), (Keys{"hello", "fault", "overheat"}));
  f.asset_ids = {"nope"};
  EXPECT_EQ(search("o1", f).total, 0);
  f.asset_ids = {"X"};
  EXPECT_EQ(search("o1", f).total, 0) << "another OU's device";
  f.asset_ids = {R"(A"])", "B"};
  EXPECT_EQ(keys(search("o1", f)), (Keys{"overheat"})) << "ids are data, never JSON or SQL";
}

TEST_F(EventSearch, ProductKeyDeviceKeyEventKeyAndTypeMatchExactly) {
  EXPECT_EQ(keys(search("o1", where(&EventFilter::product_key, "pk_B"))), (Keys{"overheat"}));
  EXPECT_EQ(keys(search("o1", where(&EventFilter::device_key, "dk_A"))), (Keys{"fault", "overheat"}));
  EXPECT_EQ(search("o1", where(&EventFilter::device_key, "dk_")).total, 0) << "no prefix match";
  EXPECT_EQ(keys(search("o1", where(&EventFilter::tsl_event_key, "overheat"))), (Keys{"overheat", "overheat"}));
  EXPECT_EQ(keys(search("o1", where(&EventFilter::tsl_event_type, "ERROR"))), (Keys{"fault"}));
  EXPECT_EQ(search("o1", where(&EventFilter::tsl_event_type, "error")).total, 0);
  EventFilter pk_a_warn = where(&EventFilter::product_key, "pk_A");
  pk_a_warn.tsl_event_type = "WARN";
  EXPECT_EQ(keys(search("o1", pk_a_warn)), (Keys{"overheat"}));
}

TEST_F(EventSearch, TimeRangeIncludesTheStartAndExcludesTheEnd) {
  EXPECT_EQ(keys(search("o1", between(200, 0))), (Keys{"hello", "overheat", "fault"}));
  EXPECT_EQ(keys(search("o1", between(201, 0))), (Keys{"hello", "overheat"}));
  EXPECT_EQ(keys(search("o1", between(0, 300))), (Keys{"fault", "overheat"}));
  EXPECT_EQ(keys(search("o1", between(0, 301))), (Keys{"overheat", "fault", "overheat"}));
  EXPECT_EQ(keys(search("o1", between(200, 300))), (Keys{"fault"}));
  EXPECT_EQ(search("o1", between(300, 300)).total, 0);
  EXPECT_EQ(search("o1", between(400, 100)).total, 0);
}

TEST_F(EventSearch, FiltersUpToKMaxFilterBytesMatchAndLongerOnesMatchNothing) {
  const std::string at_limit(kMaxFilterBytes, 'k');
  append_ok({make_event("o1", "A", at_limit, 1)});
  EXPECT_EQ(search("o1", where(&EventFilter::tsl_event_key, at_limit)).total, 1);
  EXPECT_EQ(search("o1", where(&EventFilter::tsl_event_key, at_limit + "k")).total, 0);
  EXPECT_EQ(search("o1", where(&EventFilter::product_key, std::string(kMaxFilterBytes + 1, 'p'))).total, 0);
}

TEST_F(EventLogTest, PagesAreClampedLikeTheRegistrysSearches) {
  constexpr int kEvents = kMaxPageSize + 1;
  std::vector<Event> events;
  for (int i = 0; i < kEvents; ++i) events.push_back(make_event("o1", "A", std::to_string(i), 1000 + i));
  append_ok(std::move(events));

  auto first = log_->search("o1", {}, {1, 10});
  EXPECT_EQ(first.total, kEvents);
  ASSERT_EQ(first.items.size(), 10u);
  EXPECT_EQ(first.items[0].timestamp, 1000 + kEvents - 1);
  auto second = log_->search("o1", {}, {2, 10});
  ASSERT_EQ(second.items.size(), 10u);
  EXPECT_EQ(second.items[0].timestamp, first.items[9].timestamp - 1) << "pages follow on without gap";
  // The last page holds the remainder; the page after it is empty but still reports the total.
  EXPECT_EQ(log_->search("o1", {}, {21, 10}).items.size(), 1u);
  auto past = log_->search("o1", {}, {22, 10});
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, kEvents);
  // pageNo < 1 reads page 1; size < 1 is the default; sizes above the maximum are the maximum.
  EXPECT_EQ(log_->search("o1", {}, {0, 10}).items[0].timestamp, first.items[0].timestamp);
  EXPECT_EQ(log_->search("o1", {}, {-5, 10}).items[0].timestamp, first.items[0].timestamp);
  EXPECT_EQ(log_->search("o1", {}, {1, 0}).items.size(), static_cast<size_t>(kDefaultPageSize));
  EXPECT_EQ(log_->search("o1", {}, {1, -1}).items.size(), static_cast<size_t>(kDefaultPageSize));
  EXPECT_EQ(log_->search("o1", {}, {1, kMaxPageSize}).items.size(), static_cast<size_t>(kMaxPageSize));
  EXPECT_EQ(log_->search("o1", {}, {1, kMaxPageSize + 1}).items.size(), static_cast<size_t>(kMaxPageSize));
  EXPECT_EQ(log_->search("o1", {}, {2, kMaxPageSize}).items.size(), 1u);
}

// --- deletes ---

TEST_F(EventLogTest, DeleteBeforeKeepsTheCutoffItselfAndCountsWhatWent) {
  std::vector<Event> events;
  for (int i = 0; i < 10; ++i) events.push_back(make_event(i % 2 ? "o1" : "o2", "A", "k", 100 + i));
  append_ok(std::move(events));
  auto n = log_->delete_before(105);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 5) << "over every OU";
  EXPECT_EQ(search("o1").total + search("o2").total, 5);
  EXPECT_EQ(search("o1").items.back().timestamp, 105);
  EXPECT_EQ(*log_->delete_before(105), 0);
  EXPECT_EQ(*log_->delete_before(106), 1);
}

// Deletes go in chunks of kEventDeleteChunk: exactly two chunks, and one more row.
TEST_F(EventLogTest, DeleteBeforeCrossesChunksAtNAndNPlusOne) {
  for (int64_t rows : {2 * kEventDeleteChunk, 2 * kEventDeleteChunk + 1}) {
    std::vector<Event> events;
    for (int64_t i = 0; i < rows; ++i) events.push_back(make_event("o1", "A", "k", i));
    events.push_back(make_event("o1", "A", "kept", rows));
    append_ok(std::move(events));
    auto n = log_->delete_before(rows);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, rows);
    EXPECT_EQ(keys(search("o1")), (Keys{"kept"}));
    ASSERT_TRUE(log_->delete_before(rows + 1));
  }
}

TEST_F(EventLogTest, DeleteDeviceRemovesOnlyThatDeviceOfThatOu) {
  append_ok({make_event("o1", "A", "a1", 1), make_event("o1", "A", "a2", 2), make_event("o1", "B", "b", 3),
             make_event("o2", "A", "other-ou", 4)});
  ASSERT_TRUE(log_->delete_device("o1", "A"));
  EXPECT_EQ(keys(search("o1")), (Keys{"b"}));
  EXPECT_EQ(keys(search("o2")), (Keys{"other-ou"}));
  EXPECT_TRUE(log_->delete_device("o1", "nobody")) << "a device without events is fine";
}

}  // namespace
}  // namespace gridhub::registry
