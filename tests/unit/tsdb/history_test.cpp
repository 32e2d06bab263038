// Tests for the history layer through the real EmbeddedStore in a temp directory (history*.cpp, head,
// blocks, recovery of the head): last write wins, out-of-order and resumed data, minute normalization,
// partitions, paging, seal/compaction/restart/crash, WAL segment lifetime, retention, deletion, group drop,
// aggregates, damaged blocks and bad queries.
#include "tsdb/history.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "test_util.hpp"
#include "tsdb/block_format.hpp"
#include "tsdb/embedded_store.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"

namespace gridhub::tsdb {
namespace {

namespace stdfs = std::filesystem;
using test::append_sync;

constexpr int64_t kDay = 86400000;
constexpr int64_t kT0 = 19676 * kDay;  // 2023-11-15T00:00Z, a partition start
constexpr uint8_t kRaw = category_bit(Category::AiRaw);

Sample hist(const std::string& asset, const std::string& point, int64_t t, double v, uint8_t mask = kRaw,
            uint32_t group = 1) {
  Sample s = test::dbl(asset, point, t, v);
  s.history = mask;
  s.group = group;
  return s;
}

class History : public ::testing::Test {
 protected:
  std::unique_ptr<TimeSeriesStore> open(StoreOptions o = {}, const std::string& sub = "db") {
    std::unique_ptr<TimeSeriesStore> store;
    const auto ec = open_store(dir_.sub(sub), o, store);
    EXPECT_FALSE(ec) << ec.message();
    return store;
  }
  static EmbeddedStore& embedded(TimeSeriesStore& s) { return static_cast<EmbeddedStore&>(s); }

  // Every point of a series, ascending, read in one call.
  static std::vector<Point> all(const TimeSeriesStore& s, const std::string& asset, const std::string& point,
                                Category c = Category::AiRaw, int64_t start = INT64_MIN, int64_t end = INT64_MAX) {
    std::vector<Point> out;
    bool more = false;
    RangeQuery q{asset, point, c, start, end, 1000000, false};
    EXPECT_FALSE(s.range(q, out, more));
    EXPECT_FALSE(more);
    return out;
  }
  static std::vector<std::pair<int64_t, double>> pairs(const std::vector<Point>& pts) {
    std::vector<std::pair<int64_t, double>> v;
    for (const Point& p : pts) v.emplace_back(p.time_ms, p.value.d);
    return v;
  }
  std::vector<std::string> blocks_under(const std::string& sub) {
    std::vector<std::string> out;
    const std::string root = dir_.sub(sub + "/history");
    if (!stdfs::exists(root)) return out;
    for (const auto& e : stdfs::recursive_directory_iterator(root)) {
      if (e.path().extension() == ".blk") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  test::TempDir dir_;
};

using Pairs = std::vector<std::pair<int64_t, double>>;

void flip_byte(const std::string& path, uint64_t at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(c ^ 0x5a));
}

TEST_F(History, LastWriteWinsPerTimestampInEveryLayer) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 10, 1), hist("a", "p", kT0 + 10, 2), hist("a", "p", kT0 + 20, 3)}));
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 10, 4)}));
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 10, 4}, {kT0 + 20, 3}})) << "head";
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(store->stats().head_points, 0u);
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 10, 4}, {kT0 + 20, 3}})) << "block";
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 20, 5)}));
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 10, 4}, {kT0 + 20, 5}})) << "head over block";
  ASSERT_FALSE(store->compact());  // a second block in the partition, then merged: the newer block wins
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 10, 4}, {kT0 + 20, 5}})) << "compacted";
  EXPECT_EQ(store->stats().blocks, 1u);
  EXPECT_GE(store->stats().compactions, 1u);
  store.reset();
  store = open();
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 10, 4}, {kT0 + 20, 5}})) << "after restart";
}

TEST_F(History, OutOfOrderPointsAreReadSorted) {
  auto store = open();
  std::vector<Sample> batch;
  for (int64_t t : {5, 3, 4, 1, 2, 3}) batch.push_back(hist("a", "p", kT0 + t, static_cast<double>(t * 10)));
  batch.back().value.d = 99;  // the second t=3 wins
  ASSERT_FALSE(append_sync(*store, batch));
  const Pairs want{{kT0 + 1, 10}, {kT0 + 2, 20}, {kT0 + 3, 99}, {kT0 + 4, 40}, {kT0 + 5, 50}};
  EXPECT_EQ(pairs(all(*store, "a", "p")), want);
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(pairs(all(*store, "a", "p")), want);
}

TEST_F(History, EveryValueKindRoundTripsThroughHeadAndBlocks) {
  auto store = open();
  auto batch = test::every_kind();
  for (Sample& s : batch) {
    s.history = category_bit(Category::Generic);
    s.group = 3;
  }
  ASSERT_FALSE(append_sync(*store, batch));
  for (int pass = 0; pass < 2; ++pass) {
    for (const Sample& want : batch) {
      const auto got = all(*store, want.asset_id, want.point_id, Category::Generic);
      ASSERT_EQ(got.size(), 1u) << want.point_id;
      Sample back = want;
      back.time_ms = got[0].time_ms;
      back.value = got[0].value;
      back.quality = got[0].quality;
      test::expect_same(back, want);
    }
    ASSERT_FALSE(store->compact());
  }
}

TEST_F(History, MinuteNormalizedCategoriesKeepTheLastValueOfEachMinute) {
  auto store = open();
  const uint8_t both = kRaw | category_bit(Category::AiNormalized);
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 5000, 1, both), hist("a", "p", kT0 + 59999, 2, both),
                                    hist("a", "p", kT0 + 60000, 3, both), hist("a", "p", kT0 + 30000, 4, both),
                                    hist("a", "p", -1, 5, both), hist("a", "p", -60000, 6, both)}));
  // AI_RAW keeps every value as posted.
  EXPECT_EQ(all(*store, "a", "p").size(), 6u);
  // AI_NORMALIZED: floored to the minute (also below zero), the last one written in the minute wins.
  const Pairs want{{-60000, 6}, {kT0, 4}, {kT0 + 60000, 3}};
  EXPECT_EQ(pairs(all(*store, "a", "p", Category::AiNormalized)), want);
  EXPECT_TRUE(all(*store, "a", "p", Category::Pi).empty());
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(pairs(all(*store, "a", "p", Category::AiNormalized)), want);
  EXPECT_EQ(all(*store, "a", "p").size(), 6u);
}

TEST_F(History, ReadsSpanPartitionsBlocksAndHead) {
  auto store = open();
  Pairs want;
  std::vector<Sample> batch;
  for (int64_t k = 0; k < 3 * 24; ++k) {  // one point an hour for three days
    batch.push_back(hist("a", "p", kT0 + k * 3600000, static_cast<double>(k)));
    want.emplace_back(kT0 + k * 3600000, static_cast<double>(k));
  }
  ASSERT_FALSE(append_sync(*store, batch));
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(store->stats().partitions, 3u);
  // More in the head: day 3 goes on, day 1 gets resumed data, and one point overrides a sealed one.
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 72 * 3600000, 72), hist("a", "p", kT0 + 1800000, 0.5),
                                    hist("a", "p", kT0 + 24 * 3600000, -24)}));
  want.emplace_back(kT0 + 72 * 3600000, 72);
  want.insert(want.begin() + 1, {kT0 + 1800000, 0.5});
  for (auto& w : want) {
    if (w.first == kT0 + 24 * 3600000) w.second = -24;
  }
  EXPECT_EQ(pairs(all(*store, "a", "p")), want);
  // A window inside one partition, and one cut at partition edges.
  EXPECT_EQ(all(*store, "a", "p", Category::AiRaw, kT0 + kDay, kT0 + 2 * kDay).size(), 24u);
  EXPECT_EQ(all(*store, "a", "p", Category::AiRaw, kT0 + kDay - 1, kT0 + kDay + 1).size(), 1u);
  EXPECT_EQ(all(*store, "a", "p", Category::AiRaw, kT0 + kDay - 3600000, kT0 + kDay + 3600001).size(), 3u);
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(store->stats().partitions, 4u);
  EXPECT_EQ(pairs(all(*store, "a", "p")), want);
}

TEST_F(History, EmptyRangesAndUnknownSeries) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1)}));
  EXPECT_TRUE(all(*store, "a", "p", Category::AiRaw, kT0, kT0).empty()) << "start == end";
  EXPECT_EQ(all(*store, "a", "p", Category::AiRaw, kT0, kT0 + 1).size(), 1u);
  EXPECT_TRUE(all(*store, "a", "p", Category::AiRaw, kT0 + 1, kT0 + 2).empty());
  EXPECT_TRUE(all(*store, "a", "q").empty());
  EXPECT_TRUE(all(*store, "b", "p").empty());
  EXPECT_TRUE(all(*store, "a", "p", Category::Di).empty());
  std::vector<Bucket> buckets;
  EXPECT_FALSE(store->aggregate({"a", "q", Category::AiRaw, kT0, kT0 + kDay, 60000, Aggregation::Count}, buckets));
  EXPECT_TRUE(buckets.empty());
}

TEST_F(History, LatestOnlySamplesKeepNoHistory) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {test::dbl("a", "p", kT0, 1)}));
  EXPECT_TRUE(all(*store, "a", "p").empty());
  EXPECT_EQ(store->stats().head_points, 0u);
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(store->stats().blocks, 0u);
}

TEST_F(History, PagingAscendingAndDescendingReassemblesTheSeries) {
  auto store = open();
  std::vector<Sample> batch;
  for (int64_t k = 0; k < 400; ++k) batch.push_back(hist("a", "p", kT0 + k * 600000, static_cast<double>(k)));
  ASSERT_FALSE(append_sync(*store, batch));  // ~2.8 days
  ASSERT_FALSE(store->compact());
  batch.clear();
  for (int64_t k = 400; k < 450; ++k) batch.push_back(hist("a", "p", kT0 + k * 600000, static_cast<double>(k)));
  batch.push_back(hist("a", "p", kT0 + 7 * 600000, 7.5));  // overrides a sealed point
  ASSERT_FALSE(append_sync(*store, batch));
  const auto full = all(*store, "a", "p");
  ASSERT_EQ(full.size(), 450u);
  for (std::size_t limit : {1u, 7u, 449u, 450u, 451u}) {
    for (bool desc : {false, true}) {
      std::vector<Point> got, page;
      RangeQuery q{"a", "p", Category::AiRaw, INT64_MIN, INT64_MAX, limit, desc};
      bool more = true;
      int pages = 0;
      while (more) {
        ASSERT_FALSE(store->range(q, page, more));
        ASSERT_LE(page.size(), limit);
        if (more) {
          ASSERT_EQ(page.size(), limit);
        }
        got.insert(got.end(), page.begin(), page.end());
        if (page.empty()) break;
        if (desc) {
          q.end_ms = page.back().time_ms;
        } else {
          q.start_ms = page.back().time_ms + 1;
        }
        ASSERT_LT(++pages, 1000);
      }
      if (desc) std::reverse(got.begin(), got.end());
      EXPECT_EQ(pairs(got), pairs(full)) << "limit " << limit << (desc ? " descending" : " ascending");
    }
  }
}

TEST_F(History, ResumeDataOlderThanSealedPartitionsGoesIntoNewBlocks) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 2 * kDay, 2)}));
  ASSERT_FALSE(store->compact());
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 100, 0), hist("a", "p", kT0 + 2 * kDay + 1, 2.1)}));
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(store->stats().partitions, 2u);
  EXPECT_EQ(store->stats().blocks, 2u);  // day 2 had two blocks, merged
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 100, 0}, {kT0 + 2 * kDay, 2}, {kT0 + 2 * kDay + 1, 2.1}}));
}

TEST_F(History, RestartKeepsHeadSealedAndCompactedData) {
  {
    auto store = open();
    ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1), hist("a", "p", kT0 + kDay, 2)}));
    ASSERT_FALSE(store->compact());
    ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 1, 3)}));
    ASSERT_FALSE(store->compact());
    ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 2, 4)}));  // left in the head at close
  }
  auto store = open();
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0, 1}, {kT0 + 1, 3}, {kT0 + 2, 4}, {kT0 + kDay, 2}}));
  EXPECT_EQ(store->stats().head_points, 0u) << "the close sealed the head";
}

TEST_F(History, CrashReplaysTheHeadFromTheWal) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1)}));
  ASSERT_FALSE(store->compact());
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 1, 2), hist("a", "p", kT0, 5)}));
  test::crash_copy(dir_.sub("db"), dir_.sub("copy"));
  {
    auto copy = open({}, "copy");
    EXPECT_EQ(copy->stats().head_points, 2u) << "only what was not sealed is replayed";
    EXPECT_EQ(pairs(all(*copy, "a", "p")), (Pairs{{kT0, 5}, {kT0 + 1, 2}}));
  }
  // The same through the test hook on the live directory.
  embedded(*store).TEST_crash_on_close();
  store.reset();
  store = open();
  EXPECT_EQ(store->stats().head_points, 2u);
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0, 5}, {kT0 + 1, 2}}));
}

TEST_F(History, WalSegmentsGoOnceSealedAndCheckpointed) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1)}));
  ASSERT_FALSE(store->flush());
  EXPECT_EQ(test::wal_files(dir_.sub("db")), (std::vector<std::string>{"00000001.log", "00000002.log"}))
      << "history not sealed yet: the segment outlives the checkpoint";
  ASSERT_FALSE(store->compact());
  EXPECT_TRUE(stdfs::exists(dir_.sub("db/history/SEALED")));
  ASSERT_FALSE(store->flush());
  EXPECT_EQ(test::wal_files(dir_.sub("db")).size(), 1u) << "sealed and checkpointed segments are deleted";
  store.reset();
  store = open();
  EXPECT_EQ(store->stats().head_points, 0u);
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0, 1}}));
}

TEST_F(History, HeadIsSealedBySizeAndByAge) {
  StoreOptions o;
  o.head_max_bytes = 2000;
  auto store = open(o);
  std::vector<Sample> batch;
  for (int k = 0; k < 400; ++k) batch.push_back(hist("a", "p" + std::to_string(k % 10), kT0 + k, k));
  ASSERT_FALSE(append_sync(*store, batch));
  for (int i = 0; i < 200 && store->stats().seals == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(store->stats().seals, 1u) << "past head_max_bytes";
  EXPECT_EQ(all(*store, "a", "p3").size(), 40u);
  store.reset();
  stdfs::remove_all(dir_.sub("db"));

  StoreOptions by_age;
  by_age.seal_interval = std::chrono::milliseconds(50);
  store = open(by_age);
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1)}));
  for (int i = 0; i < 200 && store->stats().seals == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(store->stats().seals, 1u) << "past seal_interval";
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0, 1}}));
}

TEST_F(History, RetentionDropsExactlyTheExpiredPartitions) {
  auto store = open();
  std::vector<Sample> batch;
  for (int64_t d = 0; d < 5; ++d) {
    batch.push_back(hist("a", "p", kT0 + d * kDay, static_cast<double>(d)));
    batch.push_back(hist("a", "p", kT0 + d * kDay, static_cast<double>(d), category_bit(Category::Di)));
    batch.push_back(hist("a", "q", kT0 + d * kDay, static_cast<double>(d), kRaw, 2));
  }
  ASSERT_FALSE(append_sync(*store, batch));
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(store->stats().partitions, 15u);
  const int64_t keep = 2 * kDay;
  store->set_retention(1, Category::AiRaw, keep);
  // Day 1 ends at kT0 + 2 * kDay: it expires at exactly that + retention, not a millisecond before.
  const int64_t day1_expiry = kT0 + 2 * kDay + keep;
  ASSERT_FALSE(store->enforce_retention(day1_expiry - 1));
  EXPECT_EQ(all(*store, "a", "p").size(), 4u) << "day 0 expired, day 1 not yet";
  ASSERT_FALSE(store->enforce_retention(day1_expiry));
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 2 * kDay, 2}, {kT0 + 3 * kDay, 3}, {kT0 + 4 * kDay, 4}}));
  EXPECT_EQ(store->stats().partitions_expired, 2u);
  EXPECT_EQ(all(*store, "a", "p", Category::Di).size(), 5u) << "another category of the group";
  EXPECT_EQ(all(*store, "a", "q").size(), 5u) << "another group";
  store.reset();
  store = open();  // retention is not persisted, the expired partitions stay gone
  EXPECT_EQ(all(*store, "a", "p").size(), 3u);
  store->set_retention(1, Category::AiRaw, 0);  // forever
  ASSERT_FALSE(store->enforce_retention(INT64_MAX));
  EXPECT_EQ(all(*store, "a", "p").size(), 3u);
  EXPECT_EQ(store->stats().partitions, 13u);
}

TEST_F(History, DropGroupRemovesItsHistoryOnly) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1, kRaw, 1), hist("a", "q", kT0, 2, kRaw, 2)}));
  ASSERT_FALSE(store->compact());
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 1, 3, kRaw, 1)}));  // in the head
  ASSERT_FALSE(store->drop_group(1));
  EXPECT_TRUE(all(*store, "a", "p").empty());
  EXPECT_EQ(all(*store, "a", "q").size(), 1u);
  EXPECT_FALSE(stdfs::exists(dir_.sub("db/history/g1")));
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 2, 4, kRaw, 1)}));  // after the drop: kept
  test::crash_copy(dir_.sub("db"), dir_.sub("copy"));
  store.reset();
  for (const char* sub : {"db", "copy"}) {
    auto s = open({}, sub);
    EXPECT_EQ(pairs(all(*s, "a", "p")), (Pairs{{kT0 + 2, 4}})) << sub;
    EXPECT_EQ(all(*s, "a", "q").size(), 1u) << sub;
  }
}

TEST_F(History, DeleteRangeRemovesOnlyWhatItNamesDurably) {
  auto store = open();
  std::vector<Sample> batch;
  for (int64_t k = 0; k < 10; ++k) {
    for (const char* point : {"p", "q", "r"}) batch.push_back(hist("a", point, kT0 + k * kDay / 4, static_cast<double>(k)));
    batch.push_back(hist("b", "p", kT0 + k * kDay / 4, static_cast<double>(k)));
  }
  ASSERT_FALSE(append_sync(*store, batch));
  ASSERT_FALSE(store->compact());  // blocks over three days
  batch.clear();
  for (int64_t k = 10; k < 12; ++k) {
    for (const char* point : {"p", "q", "r"}) batch.push_back(hist("a", point, kT0 + k * kDay / 4, static_cast<double>(k)));
  }
  ASSERT_FALSE(append_sync(*store, batch));  // and some in the head
  const std::vector<std::string> points{"q", "p"};
  // [k=2, k=11): from the first day's blocks to the head.
  ASSERT_FALSE(store->delete_range("a", points, kT0 + 2 * kDay / 4, kT0 + 11 * kDay / 4));
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 5 * kDay / 4, 55)}));  // after the call: kept
  auto check = [&](const TimeSeriesStore& s, const char* when) {
    EXPECT_EQ(pairs(all(s, "a", "p")), (Pairs{{kT0, 0}, {kT0 + kDay / 4, 1}, {kT0 + 5 * kDay / 4, 55}, {kT0 + 11 * kDay / 4, 11}}))
        << when;
    EXPECT_EQ(all(s, "a", "q").size(), 3u) << when;
    EXPECT_EQ(all(s, "a", "r").size(), 12u) << when << ": a point not named";
    EXPECT_EQ(all(s, "b", "p").size(), 10u) << when << ": another asset";
  };
  check(*store, "live");
  test::crash_copy(dir_.sub("db"), dir_.sub("copy"));
  ASSERT_FALSE(store->compact());
  check(*store, "compacted");
  store.reset();
  check(*open(), "restarted");
  check(*open({}, "copy"), "crash copy");
  // Every point of an asset, every category.
  store = open();
  ASSERT_FALSE(append_sync(*store, {hist("b", "p", kT0 + 1, 1, category_bit(Category::Di))}));
  ASSERT_FALSE(store->delete_range("b", {}, INT64_MIN, INT64_MAX));
  EXPECT_TRUE(all(*store, "b", "p").empty());
  EXPECT_TRUE(all(*store, "b", "p", Category::Di).empty());
  EXPECT_EQ(all(*store, "a", "r").size(), 12u);
}

TEST_F(History, DeletionReachesHeadsWaitingToBeSealed) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1), hist("a", "p", kT0 + 1, 2)}));
  embedded(*store).TEST_fail_block_writes_after(0);
  EXPECT_TRUE(store->compact()) << "the seal fails: the head waits, swapped out";
  ASSERT_FALSE(store->delete_range("a", {}, kT0, kT0 + 1));
  embedded(*store).TEST_fail_block_writes_after(-1);
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 1, 2}}));
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 1, 2}}));
  store.reset();
  EXPECT_EQ(pairs(all(*open(), "a", "p")), (Pairs{{kT0 + 1, 2}}));
}

TEST_F(History, FullDiskDuringASealKeepsHeadAndSegmentsAndRetries) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1), hist("a", "p", kT0 + 2 * kDay, 2)}));
  embedded(*store).TEST_fail_block_writes_after(1);  // the second partition's block fails, the first is durable
  const auto ec = store->compact();
  EXPECT_EQ(ec, std::error_code(ENOSPC, std::system_category()));
  EXPECT_TRUE(blocks_under("db").empty()) << "a failed seal leaves no block behind";
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0, 1}, {kT0 + 2 * kDay, 2}}));
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 1, 3)})) << "appends go on";
  ASSERT_FALSE(store->flush());
  EXPECT_TRUE(stdfs::exists(dir_.sub("db/wal/00000001.log"))) << "its segment is kept";
  test::crash_copy(dir_.sub("db"), dir_.sub("copy"));
  EXPECT_EQ(all(*open({}, "copy"), "a", "p").size(), 3u);
  embedded(*store).TEST_fail_block_writes_after(-1);
  ASSERT_FALSE(store->compact()) << "retried";
  EXPECT_EQ(store->stats().head_points, 0u);
  EXPECT_EQ(all(*store, "a", "p").size(), 3u);
}

TEST_F(History, CategoriesMaskStoresOneSampleInEach) {
  auto store = open();
  const uint8_t mask = kRaw | category_bit(Category::Generic) | category_bit(Category::Pi);
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0 + 1500, 1, mask, 4)}));
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 1500, 1}}));
  EXPECT_EQ(pairs(all(*store, "a", "p", Category::Generic)), (Pairs{{kT0 + 1500, 1}}));
  EXPECT_EQ(pairs(all(*store, "a", "p", Category::Pi)), (Pairs{{kT0, 1}}));
  EXPECT_TRUE(all(*store, "a", "p", Category::Di).empty());
  EXPECT_EQ(store->stats().head_series, 3u);
  ASSERT_FALSE(store->compact());
  EXPECT_EQ(store->stats().partitions, 3u);
  EXPECT_TRUE(stdfs::exists(dir_.sub("db/history/g4/GENERIC/" + std::to_string(kT0))));
  EXPECT_EQ(pairs(all(*store, "a", "p", Category::Pi)), (Pairs{{kT0, 1}}));
}

TEST_F(History, AggregatesEveryFunctionOverAlignedWindows) {
  auto store = open();
  // Window [kT0, +60s): 1, 2 (Int), true; [+60s, +120s): nothing; [+120s, +180s): 10 and a string.
  std::vector<Sample> batch{hist("a", "p", kT0 + 1000, 1)};
  batch.push_back(test::make_sample("a", "p", kT0 + 2000, Value::of_int(2)));
  batch.push_back(test::make_sample("a", "p", kT0 + 3000, Value::of_bool(true)));
  batch.push_back(hist("a", "p", kT0 + 121000, 10));
  batch.push_back(test::make_sample("a", "p", kT0 + 122000, Value::of_string("x")));
  for (Sample& s : batch) {
    s.history = kRaw;
    s.group = 1;
  }
  ASSERT_FALSE(append_sync(*store, {batch[0], batch[1], batch[3]}));
  ASSERT_FALSE(store->compact());  // part in blocks, part in the head
  ASSERT_FALSE(append_sync(*store, {batch[2], batch[4]}));
  auto run = [&](Aggregation fn, int64_t interval = 60000, int64_t start = kT0) {
    std::vector<Bucket> out;
    EXPECT_FALSE(store->aggregate({"a", "p", Category::AiRaw, start, kT0 + 180000, interval, fn}, out));
    return out;
  };
  auto dbl_at = [](const std::vector<Bucket>& b, std::size_t i) { return b.at(i).value.d; };
  auto avg = run(Aggregation::Avg);
  ASSERT_EQ(avg.size(), 2u) << "the empty window is left out";
  EXPECT_EQ(avg[0].time_ms, kT0);
  EXPECT_DOUBLE_EQ(dbl_at(avg, 0), 4.0 / 3);
  EXPECT_EQ(avg[1].time_ms, kT0 + 120000);
  EXPECT_DOUBLE_EQ(dbl_at(avg, 1), 10) << "the string is not averaged";
  EXPECT_EQ(avg[0].value.kind, ValueKind::Double);
  EXPECT_DOUBLE_EQ(dbl_at(run(Aggregation::Sum), 0), 4);
  EXPECT_DOUBLE_EQ(dbl_at(run(Aggregation::Min), 0), 1);
  EXPECT_DOUBLE_EQ(dbl_at(run(Aggregation::Max), 0), 2);
  auto count = run(Aggregation::Count);
  ASSERT_EQ(count.size(), 2u);
  EXPECT_EQ(count[0].value.kind, ValueKind::Int);
  EXPECT_EQ(count[0].value.i, 3);
  EXPECT_EQ(count[1].value.i, 2) << "the string is counted";
  auto first = run(Aggregation::First);
  EXPECT_EQ(first[0].value.d, 1);
  EXPECT_EQ(first[1].value.d, 10);
  auto last = run(Aggregation::Last);
  EXPECT_EQ(last[0].value.kind, ValueKind::Bool);
  EXPECT_EQ(last[1].value.kind, ValueKind::String);
  EXPECT_EQ(last[1].value.s, "x");
  // Windows aligned to start_ms, not to the epoch.
  auto shifted = run(Aggregation::Count, 60000, kT0 + 1500);
  ASSERT_EQ(shifted.size(), 3u);
  EXPECT_EQ(shifted[0].time_ms, kT0 + 1500);
  EXPECT_EQ(shifted[0].value.i, 2);
  EXPECT_EQ(shifted[1].time_ms, kT0 + 61500);
  EXPECT_EQ(shifted[2].time_ms, kT0 + 121500);
  // One window for everything.
  auto one = run(Aggregation::Count, 180000);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].value.i, 5);
  // Only strings: nothing numeric to report.
  ASSERT_FALSE(append_sync(*store, {[] {
    Sample s = test::make_sample("a", "s", kT0, Value::of_string("on"));
    s.history = kRaw;
    return s;
  }()}));
  std::vector<Bucket> out;
  ASSERT_FALSE(store->aggregate({"a", "s", Category::AiRaw, kT0, kT0 + 60000, 60000, Aggregation::Max}, out));
  EXPECT_TRUE(out.empty());
}

TEST_F(History, MinAndMaxSkipNaN) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, std::nan("")), hist("a", "p", kT0 + 1, 3),
                                    hist("a", "p", kT0 + 60000, std::nan(""))}));
  std::vector<Bucket> out;
  ASSERT_FALSE(store->aggregate({"a", "p", Category::AiRaw, kT0, kT0 + 120000, 60000, Aggregation::Max}, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].value.d, 3);
  EXPECT_TRUE(std::isnan(out[1].value.d)) << "only NaN in the window";
}

TEST_F(History, AggregateWindowLimitAtNAndNPlusOne) {
  auto store = open();
  std::vector<Bucket> out;
  const int64_t n = static_cast<int64_t>(kMaxAggregateWindows);
  EXPECT_FALSE(store->aggregate({"a", "p", Category::AiRaw, 0, n, 1, Aggregation::Count}, out));
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, 0, n + 1, 1, Aggregation::Count}, out), errc::bad_query);
  EXPECT_FALSE(store->aggregate({"a", "p", Category::AiRaw, 0, 2 * n, 2, Aggregation::Count}, out));
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, 0, 2 * n + 1, 2, Aggregation::Count}, out), errc::bad_query)
      << "a partial last window counts";
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, INT64_MIN, INT64_MAX, 1, Aggregation::Count}, out),
            errc::bad_query);
}

TEST_F(History, BadQueriesAreRefused) {
  auto store = open();
  std::vector<Point> pts;
  std::vector<Bucket> buckets;
  bool more = false;
  EXPECT_EQ(store->range({"", "p", Category::AiRaw, 0, 1}, pts, more), errc::bad_query);
  EXPECT_EQ(store->range({"a", "", Category::AiRaw, 0, 1}, pts, more), errc::bad_query);
  EXPECT_EQ(store->range({std::string(kMaxAssetIdBytes + 1, 'a'), "p", Category::AiRaw, 0, 1}, pts, more),
            errc::bad_query);
  EXPECT_FALSE(store->range({std::string(kMaxAssetIdBytes, 'a'), "p", Category::AiRaw, 0, 1}, pts, more));
  EXPECT_EQ(store->range({"a", "p", Category::AiRaw, 2, 1}, pts, more), errc::bad_query);
  EXPECT_EQ(store->range({"a", "p", Category::AiRaw, 0, 1, 0}, pts, more), errc::bad_query);
  EXPECT_EQ(store->range({"a", "p", static_cast<Category>(kCategoryCount), 0, 1}, pts, more), errc::bad_query);
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, 0, 10, 0, Aggregation::Avg}, buckets), errc::bad_query);
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, 0, 10, -5, Aggregation::Avg}, buckets), errc::bad_query);
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, 10, 0, 1, Aggregation::Avg}, buckets), errc::bad_query);
  EXPECT_EQ(store->aggregate({"a", "", Category::AiRaw, 0, 10, 1, Aggregation::Avg}, buckets), errc::bad_query);
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, 0, 10, 1, static_cast<Aggregation>(7)}, buckets),
            errc::bad_query);
  EXPECT_EQ(store->delete_range("", {}, 0, 1), errc::bad_query);
  EXPECT_EQ(store->delete_range("a", {}, 2, 1), errc::bad_query);
  const std::vector<std::string> empty_id{""};
  EXPECT_EQ(store->delete_range("a", empty_id, 0, 1), errc::bad_query);
  std::vector<std::string> many(kMaxDeletePoints + 1, "p");
  EXPECT_EQ(store->delete_range("a", many, 0, 1), errc::bad_query);
  many.pop_back();
  EXPECT_FALSE(store->delete_range("a", many, 0, 1));
}

TEST_F(History, DamagedBlockFailsItsReadsOnlyAndIsQuarantinedAtOpen) {
  auto store = open();
  std::vector<Sample> batch;
  // Two series far apart in the index, each big enough for its own frame.
  for (int64_t k = 0; k < 40000; ++k) {
    batch.push_back(hist("a", "p", kT0 + k * 1000, static_cast<double>(k * 7919 % 10007) / 3));
    batch.push_back(hist("z", "p", kT0 + k * 1000, static_cast<double>(k * 104729 % 10007) / 7));
  }
  ASSERT_FALSE(append_sync(*store, batch));
  ASSERT_FALSE(store->compact());
  const auto blocks = blocks_under("db");
  ASSERT_EQ(blocks.size(), 1u);
  // In place, as a bad disk would: the running store maps the file and sees the change.
  flip_byte(blocks[0], block::kHeaderSize + 100);  // inside the first frame: series "a"
  std::vector<Point> out;
  bool more = false;
  EXPECT_EQ(store->range({"a", "p", Category::AiRaw, INT64_MIN, INT64_MAX}, out, more), errc::corrupt_block);
  std::vector<Bucket> buckets;
  EXPECT_EQ(store->aggregate({"a", "p", Category::AiRaw, kT0, kT0 + kDay, 3600000, Aggregation::Avg}, buckets),
            errc::corrupt_block);
  EXPECT_EQ(all(*store, "z", "p").size(), 40000u) << "other frames still read";
  // Damage to the index is found at open: the block is set aside, the store serves the rest.
  ASSERT_FALSE(append_sync(*store, {hist("b", "p", kT0 + 5 * kDay, 1)}));
  ASSERT_FALSE(store->compact());
  store.reset();
  flip_byte(blocks[0], stdfs::file_size(blocks[0]) - block::kFooterSize - 3);  // the entry offset table
  store = open();
  EXPECT_TRUE(stdfs::exists(blocks[0] + ".corrupt"));
  EXPECT_TRUE(all(*store, "z", "p").empty());
  EXPECT_EQ(all(*store, "b", "p").size(), 1u);
}

TEST_F(History, CrashInTheMiddleOfACompactionKeepsTheMergedBlockOnly) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {hist("a", "p", kT0, 1), hist("a", "p", kT0 + 1, 2)}));
  ASSERT_FALSE(store->compact());
  const auto first = blocks_under("db");
  ASSERT_EQ(first.size(), 1u);
  const std::string old_bytes = test::read_bytes(first[0]);
  ASSERT_FALSE(store->delete_range("a", {}, kT0, kT0 + 1));
  store.reset();
  // As if the crash came after the rewritten block was durable and before the old one was unlinked.
  test::write_bytes(first[0], old_bytes);
  test::write_bytes(dir_.sub("db/history/g1/AI_RAW/" + std::to_string(kT0) + "/0000000000000099.blk.tmp"), "half");
  store = open();
  EXPECT_EQ(pairs(all(*store, "a", "p")), (Pairs{{kT0 + 1, 2}})) << "the deleted point stays deleted";
  EXPECT_EQ(blocks_under("db").size(), 1u);
  EXPECT_FALSE(stdfs::exists(first[0]));
}

}  // namespace
}  // namespace gridhub::tsdb
