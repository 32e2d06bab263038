// Tests for tsdb/head.cpp: arrival-order encoding read back sorted with the last write winning, every value
// kind bit-exact, categories and groups, minute normalization, erase and drop_group, and its memory figure.
#include "tsdb/head.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "test_util.hpp"

namespace gridhub::tsdb {
namespace {

constexpr uint8_t kRaw = category_bit(Category::AiRaw);

Sample hs(std::string asset, std::string point, int64_t t, Value v, uint8_t mask = kRaw, uint32_t group = 0) {
  Sample s = test::make_sample(std::move(asset), std::move(point), t, std::move(v));
  s.history = mask;
  s.group = group;
  return s;
}

std::vector<Point> read(const Head& h, const char* asset, const char* point, Category c = Category::AiRaw,
                        int64_t lo = std::numeric_limits<int64_t>::min(), int64_t hi = std::numeric_limits<int64_t>::max()) {
  std::vector<Point> out;
  h.read(asset, point, c, lo, hi, out);
  return out;
}

TEST(Head, ReadsSortedWithTheLastWriteWinning) {
  Head h;
  std::vector<Sample> batch{hs("a", "p", 30, Value::of_int(3)), hs("a", "p", 10, Value::of_int(1)),
                            hs("a", "p", 30, Value::of_int(33)), hs("a", "p", 20, Value::of_int(2))};
  h.append(batch);
  h.append(std::vector<Sample>{hs("a", "p", 10, Value::of_int(11))});
  const auto got = read(h, "a", "p");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].time_ms, 10);
  EXPECT_EQ(got[0].value.i, 11);
  EXPECT_EQ(got[1].value.i, 2);
  EXPECT_EQ(got[2].value.i, 33);
  EXPECT_EQ(h.points(), 5u) << "duplicates are kept until read or sealed";
  EXPECT_EQ(h.series(), 1u);
  EXPECT_EQ(read(h, "a", "p", Category::AiRaw, 10, 30).size(), 2u) << "[lo, hi)";
  EXPECT_TRUE(read(h, "a", "p", Category::AiRaw, 10, 10).empty());
}

TEST(Head, EveryKindAndTimeRoundTripsBitExact) {
  Head h;
  auto batch = test::every_kind();
  for (Sample& s : batch) s.history = kRaw;
  // Extreme times and deltas: the encoder's differences wrap, the decoder's too.
  batch.push_back(hs("dev1", "t", std::numeric_limits<int64_t>::max(), Value::of_int(std::numeric_limits<int64_t>::min())));
  batch.push_back(hs("dev1", "t", std::numeric_limits<int64_t>::min(), Value::of_int(std::numeric_limits<int64_t>::max())));
  batch.push_back(hs("dev1", "t", 0, Value::of_int(-1)));
  h.append(batch);
  for (const Sample& want : batch) {
    if (want.point_id == "t") continue;
    const auto got = read(h, want.asset_id.c_str(), want.point_id.c_str());
    ASSERT_EQ(got.size(), 1u) << want.point_id;
    Sample back = want;
    back.time_ms = got[0].time_ms;
    back.value = got[0].value;
    back.quality = got[0].quality;
    test::expect_same(back, want);
  }
  // read() is half-open, so INT64_MAX itself is only seen by for_each_series (the seal).
  const auto t = read(h, "dev1", "t");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].value.i, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(t[1].value.i, -1);
  bool seen_max = false;
  h.for_each_series([&](uint32_t, Category, std::string_view, std::string_view point, std::vector<Point>& pts) {
    if (point == "t") {
      ASSERT_EQ(pts.size(), 3u);
      seen_max = pts.back().time_ms == std::numeric_limits<int64_t>::max() &&
                 pts.back().value.i == std::numeric_limits<int64_t>::min();
    }
  });
  EXPECT_TRUE(seen_max);
}

TEST(Head, SamplesGoToEachCategoryOfTheirMaskInTheirGroup) {
  Head h;
  const uint8_t mask = kRaw | category_bit(Category::AiNormalized) | category_bit(Category::Di);
  h.append(std::vector<Sample>{hs("a", "p", 61000, Value::of_double(1), mask, 7),
                               hs("a", "p", 119999, Value::of_double(2), mask, 7),
                               hs("a", "p", -1, Value::of_double(3), mask, 7),
                               hs("a", "p", 0, Value::of_double(0), 0, 7)});  // latest only
  EXPECT_EQ(h.series(), 3u);
  EXPECT_EQ(read(h, "a", "p").size(), 3u);
  EXPECT_EQ(read(h, "a", "p", Category::Di).size(), 3u);
  const auto norm = read(h, "a", "p", Category::AiNormalized);
  ASSERT_EQ(norm.size(), 2u);
  EXPECT_EQ(norm[0].time_ms, -60000);
  EXPECT_EQ(norm[1].time_ms, 60000);
  EXPECT_EQ(norm[1].value.d, 2);
  EXPECT_TRUE(read(h, "a", "p", Category::Generic).empty());
}

TEST(Head, AcrossGroupsTheHigherGroupWinsATimestamp) {
  Head h;
  h.append(std::vector<Sample>{hs("a", "p", 1, Value::of_int(9), kRaw, 9), hs("a", "p", 1, Value::of_int(2), kRaw, 2),
                               hs("a", "p", 2, Value::of_int(22), kRaw, 2)});
  const auto got = read(h, "a", "p");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].value.i, 9);
  EXPECT_EQ(got[1].value.i, 22);
}

TEST(Head, EraseRemovesOnlyTheNamedRange) {
  Head h;
  std::vector<Sample> batch;
  for (int t = 0; t < 10; ++t) {
    for (const char* p : {"p", "q"}) batch.push_back(hs("a", p, t, Value::of_int(t), kRaw | category_bit(Category::Di), t % 2));
    batch.push_back(hs("b", "p", t, Value::of_int(t)));
  }
  h.append(batch);
  const uint64_t bytes = h.bytes();
  Deletion d;
  d.asset_id = "a";
  d.point_ids = {"p"};
  d.start_ms = 3;
  d.end_ms = 7;
  h.erase(d);
  auto p = read(h, "a", "p");
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[2].time_ms, 2);
  EXPECT_EQ(p[3].time_ms, 7);
  EXPECT_EQ(read(h, "a", "p", Category::Di).size(), 6u);
  EXPECT_EQ(read(h, "a", "q").size(), 10u);
  EXPECT_EQ(read(h, "b", "p").size(), 10u);
  EXPECT_EQ(h.points(), 50u - 8);
  EXPECT_LT(h.bytes(), bytes);
  d.point_ids.clear();
  d.start_ms = std::numeric_limits<int64_t>::min();
  d.end_ms = std::numeric_limits<int64_t>::max();
  h.erase(d);
  EXPECT_TRUE(read(h, "a", "q").empty());
  EXPECT_EQ(h.points(), 10u);
  EXPECT_EQ(h.series(), 1u);
}

TEST(Head, DropGroupRemovesItsSeries) {
  Head h;
  h.append(std::vector<Sample>{hs("a", "p", 1, Value::of_int(1), kRaw, 1), hs("a", "p", 1, Value::of_int(2), kRaw, 2),
                               hs("b", "p", 1, Value::of_int(3), kRaw, 1)});
  h.drop_group(1);
  EXPECT_EQ(h.series(), 1u);
  EXPECT_EQ(h.points(), 1u);
  EXPECT_GT(h.bytes(), 0u);
  EXPECT_EQ(read(h, "a", "p")[0].value.i, 2);
  EXPECT_TRUE(read(h, "b", "p").empty());
  h.drop_group(2);
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.bytes(), 0u);
}

TEST(Head, SeriesAreVisitedInKeyOrder) {
  Head h;
  h.append(std::vector<Sample>{hs("b", "p", 1, Value::of_int(1), kRaw, 1), hs("a", "q", 1, Value::of_int(1), kRaw, 1),
                               hs("a", "p", 1, Value::of_int(1), category_bit(Category::Di), 1),
                               hs("z", "z", 1, Value::of_int(1), kRaw, 0)});
  std::vector<std::string> order;
  h.for_each_series([&](uint32_t g, Category c, std::string_view a, std::string_view p, std::vector<Point>&) {
    order.push_back(std::to_string(g) + std::string(to_string(c)) + std::string(a) + std::string(p));
  });
  EXPECT_EQ(order, (std::vector<std::string>{"0AI_RAWzz", "1AI_RAWaq", "1AI_RAWbp", "1DIap"}));
}

TEST(Head, RegularDoublesTakeAFewBytesAPoint) {
  Head h;
  std::vector<Sample> batch;
  for (int k = 0; k < 10000; ++k) {
    Sample s = hs("dev", "v", 1700000000000 + k * 10000, Value::of_double(230.0 + (k % 50) * 0.5));
    batch.push_back(std::move(s));
  }
  h.append(batch);
  const double per_point = static_cast<double>(h.bytes()) / static_cast<double>(h.points());
  std::printf("head: %.2f bytes/point for a 10 s series of x.5 doubles\n", per_point);
  EXPECT_LT(per_point, 3.5);
}

}  // namespace
}  // namespace gridhub::tsdb
