// Figures for docs/block_format.md and the engine's report, through the real EmbeddedStore: ingest rate,
// head and block bytes per point, read latencies. Disabled in the normal run (they take seconds and their
// numbers depend on the machine): run with
//   unit_tsdb --gtest_also_run_disabled_tests --gtest_filter='HistoryBench.*'
#include <gtest/gtest.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <array>
#include <cmath>
#include <fstream>
#include <future>
#include <sstream>

#include "test_util.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kDay = 86400000;
constexpr int64_t kT0 = 19676 * kDay;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of the whole process (caller, writer and worker threads): on a shared machine wall time measures
// the neighbours too.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A battery-like device: 10 points, one sample each every 10 s; values as a device posts them (a few
// decimals), some constant, a counter.
std::vector<Sample> device_batch(const std::string& asset, int64_t t0, int steps, uint8_t mask) {
  std::vector<Sample> batch;
  batch.reserve(static_cast<std::size_t>(steps) * 10);
  for (int k = 0; k < steps; ++k) {
    const int64_t t = t0 + int64_t{k} * 10000;
    for (int p = 0; p < 10; ++p) {
      Sample s;
      s.asset_id = asset;
      s.point_id = "point_" + std::to_string(p);
      s.time_ms = t;
      if (p == 9) {
        s.value = Value::of_int(1000 + k / 60);
      } else if (p == 8) {
        s.value = Value::of_double(1.0);
      } else {
        s.value = Value::of_double(static_cast<double>(3000 + (k * (p + 3)) % 400 + p) / 100.0);
      }
      s.history = mask;
      s.group = 1;
      batch.push_back(std::move(s));
    }
  }
  return batch;
}

void ingest(Durability d, int batches, std::size_t per_batch) {
  test::TempDir dir;
  StoreOptions o;
  o.durability = d;
  std::unique_ptr<TimeSeriesStore> store;
  ASSERT_FALSE(open_store(dir.path(), o, store));
  // Prepared up front: the figure is the store's, not the test's sample building.
  std::vector<std::vector<Sample>> all;
  for (int b = 0; b < batches; ++b) {
    auto batch = device_batch("dev" + std::to_string(b % 100), kT0 + int64_t{b / 100} * 3600000,
                              static_cast<int>(per_batch / 10), category_bit(Category::AiRaw));
    all.push_back(std::move(batch));
  }
  std::atomic<int> left{batches};
  std::promise<void> finished;
  const auto start = Clock::now();
  const double cpu_start = process_cpu_seconds();
  for (auto& batch : all) {
    store->append(std::move(batch), [&](std::error_code ec) {
      EXPECT_FALSE(ec);
      if (left.fetch_sub(1) == 1) finished.set_value();
    });
  }
  finished.get_future().wait();
  const double s = seconds_since(start);
  const double cpu = process_cpu_seconds() - cpu_start;
  const auto st = store->stats();
  const double points = static_cast<double>(batches) * static_cast<double>(per_batch);
  std::printf("ingest %-5s: %d batches x %zu samples in %.3f s = %.2f M points/s wall, %.2f M points per CPU "
              "second (all threads); head %llu points, %.2f bytes/point\n",
              d == Durability::None ? "None" : d == Durability::Flush ? "Flush" : "Fsync", batches, per_batch, s,
              points / s / 1e6, points / cpu / 1e6,
              static_cast<unsigned long long>(st.head_points),
              static_cast<double>(st.head_bytes) / static_cast<double>(std::max<uint64_t>(st.head_points, 1)));
}

TEST(HistoryBench, DISABLED_IngestRate) {
  for (int round = 0; round < 2; ++round) {  // the first round also pays for the process's first page faults
    ingest(Durability::None, 400, 10000);
    ingest(Durability::Flush, 400, 10000);
  }
}

const char* const kSeedPoints[] = {"cycle_number", "current", "voltage", "temp"};

std::vector<Sample> seed_batch(const std::vector<std::vector<std::pair<int64_t, double>>>& day, int64_t t0) {
  std::vector<Sample> batch;
  for (std::size_t c = 0; c < day.size(); ++c) {
    for (const auto& [t, v] : day[c]) {
      Sample s = test::dbl("battery-01", kSeedPoints[c], t0 + t, v);
      s.history = category_bit(Category::AiRaw);
      s.group = 1;
      batch.push_back(std::move(s));
    }
  }
  return batch;
}

TEST(HistoryBench, DISABLED_BlocksAndReads) {
  test::TempDir dir;
  std::unique_ptr<TimeSeriesStore> store;
  ASSERT_FALSE(open_store(dir.path(), {}, store));
  // 90 days of the seed sample's four series at 10 s: 3.1 M points, 90 partitions.
  const auto day = test::seed_day_columns();
  auto t = Clock::now();
  for (int64_t d = 0; d < 90; ++d) {
    ASSERT_FALSE(test::append_sync(*store, seed_batch(day, kT0 + d * kDay)));
    if (d == 0) {
      const auto st = store->stats();
      std::printf("seed day in the head: %llu points, %.2f head bytes/point\n",
                  static_cast<unsigned long long>(st.head_points),
                  static_cast<double>(st.head_bytes) / static_cast<double>(st.head_points));
    }
  }
  const double ingest_s = seconds_since(t);
  t = Clock::now();
  ASSERT_FALSE(store->compact());
  const double seal_s = seconds_since(t);
  auto st = store->stats();
  std::printf("90 seed days (4 series at 10 s): ingest %.2f s, seal+compact %.2f s; %llu partitions, %llu blocks, "
              "%llu points, %.3f block bytes/point\n",
              ingest_s, seal_s, static_cast<unsigned long long>(st.partitions), static_cast<unsigned long long>(st.blocks),
              static_cast<unsigned long long>(st.block_points),
              static_cast<double>(st.block_bytes) / static_cast<double>(st.block_points));
  // The same partitions merged again at the compaction level.
  for (int64_t d = 0; d < 90; ++d) ASSERT_FALSE(test::append_sync(*store, seed_batch(day, kT0 + d * kDay)));
  ASSERT_FALSE(store->compact());
  st = store->stats();
  std::printf("after a second pass and compaction (zstd %d): %.3f block bytes/point\n", 6,
              static_cast<double>(st.block_bytes) / static_cast<double>(st.block_points));

  std::vector<Point> out;
  bool more = false;
  const int reps = 50;
  t = Clock::now();
  for (int r = 0; r < reps; ++r) {
    RangeQuery q{"battery-01", "voltage", Category::AiRaw, kT0 + (r % 90) * kDay, kT0 + (r % 90 + 1) * kDay, 10000, false};
    ASSERT_FALSE(store->range(q, out, more));
    ASSERT_EQ(out.size(), 8640u);
  }
  std::printf("1-day raw read of one series (8640 points): %.3f ms\n", seconds_since(t) * 1000 / reps);

  std::vector<Bucket> buckets;
  t = Clock::now();
  for (int r = 0; r < 10; ++r) {
    ASSERT_FALSE(store->aggregate({"battery-01", "voltage", Category::AiRaw, kT0, kT0 + 90 * kDay, 3600000, Aggregation::Avg},
                                  buckets));
    ASSERT_EQ(buckets.size(), 90u * 24);
  }
  std::printf("90-day 1-hour avg of one series (777600 points, 90 partitions): %.3f ms\n", seconds_since(t) * 1000 / 10);

  t = Clock::now();
  RangeQuery page{"battery-01", "voltage", Category::AiRaw, kT0, kT0 + 90 * kDay, 1000, true};
  for (int r = 0; r < reps; ++r) ASSERT_FALSE(store->range(page, out, more));
  std::printf("newest 1000 points of 90 days (descending page): %.3f ms\n", seconds_since(t) * 1000 / reps);
}

}  // namespace
}  // namespace gridhub::tsdb
