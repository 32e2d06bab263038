// Tests for tsdb/latest_table.cpp: newest-by-time wins, lookups sorted and filtered, forget, concurrent
// readers.
#include "tsdb/latest_table.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test_util.hpp"

namespace gridhub::tsdb {
namespace {

using test::dbl;

void apply(LatestTable& t, std::vector<Sample> batch) { t.apply(batch); }

TEST(LatestTable, NewerSampleReplacesOlderDoesNot) {
  LatestTable t;
  apply(t, {dbl("a", "p", 100, 1.0)});
  apply(t, {dbl("a", "p", 50, 2.0)});
  EXPECT_EQ(t.get("a", {}).at(0).value.d, 1.0);
  apply(t, {dbl("a", "p", 150, 3.0)});
  EXPECT_EQ(t.get("a", {}).at(0).value.d, 3.0);
  EXPECT_EQ(t.get("a", {}).at(0).time_ms, 150);
}

TEST(LatestTable, SameTimeLaterSampleWins) {
  LatestTable t;
  apply(t, {dbl("a", "p", 100, 1.0), dbl("a", "p", 100, 2.0)});
  EXPECT_EQ(t.get("a", {}).at(0).value.d, 2.0);
}

TEST(LatestTable, AllPointsComeSortedByPointId) {
  LatestTable t;
  apply(t, {dbl("a", "z", 1, 1), dbl("a", "b", 1, 2), dbl("a", "m", 1, 3), dbl("other", "a", 1, 4)});
  const auto got = t.get("a", {});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].point_id, "b");
  EXPECT_EQ(got[1].point_id, "m");
  EXPECT_EQ(got[2].point_id, "z");
  for (const auto& s : got) EXPECT_EQ(s.asset_id, "a");
}

TEST(LatestTable, RequestedPointsAreSortedDedupedAndMissingOnesLeftOut) {
  LatestTable t;
  apply(t, {dbl("a", "x", 1, 1), dbl("a", "y", 1, 2), dbl("a", "z", 1, 3)});
  const std::vector<std::string> ids{"z", "nope", "x", "z"};
  const auto got = t.get("a", ids);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].point_id, "x");
  EXPECT_EQ(got[1].point_id, "z");
}

TEST(LatestTable, UnknownAssetGivesNothing) {
  LatestTable t;
  EXPECT_TRUE(t.get("none", {}).empty());
}

TEST(LatestTable, KeepsEveryFieldOfTheSample) {
  LatestTable t;
  Sample s = test::make_sample("a", "p", 7, Value::of_json("[1]"));
  s.quality = -3;
  s.history = category_bit(Category::Di);
  s.group = 9;
  Sample copy = s;
  apply(t, {s});
  test::expect_same(t.get("a", {}).at(0), copy);
}

TEST(LatestTable, ForgetDropsOnlyThatAsset) {
  LatestTable t;
  apply(t, {dbl("a", "p", 1, 1), dbl("a", "q", 1, 1), dbl("b", "p", 1, 1)});
  EXPECT_EQ(t.size(), 3u);
  t.forget("a");
  EXPECT_TRUE(t.get("a", {}).empty());
  EXPECT_EQ(t.get("b", {}).size(), 1u);
  EXPECT_EQ(t.size(), 1u);
  t.forget("never-seen");
  EXPECT_EQ(t.size(), 1u);
}

TEST(LatestTable, ForEachVisitsEverySeries) {
  LatestTable t;
  apply(t, {dbl("a", "p", 1, 1), dbl("b", "q", 2, 2), dbl("c", "r", 3, 3)});
  std::size_t n = 0;
  t.for_each([&](const Sample&) { ++n; });
  EXPECT_EQ(n, 3u);
}

TEST(LatestTable, ReadersSeeMonotonicTimesWhileOneThreadApplies) {
  LatestTable t;
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      int64_t seen = -1;
      while (!stop.load()) {
        auto got = t.get("a", {});
        if (got.empty()) continue;
        if (got[0].time_ms < seen || got[0].value.d != static_cast<double>(got[0].time_ms)) ++violations;
        seen = got[0].time_ms;
        std::this_thread::yield();
      }
    });
  }
  for (int64_t i = 0; i < 5000; ++i) apply(t, {dbl("a", "p", i, static_cast<double>(i))});
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(violations.load(), 0);
}

}  // namespace
}  // namespace gridhub::tsdb
