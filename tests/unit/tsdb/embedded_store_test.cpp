// Tests for tsdb/embedded_store.cpp and group_commit.cpp: append/latest, limits, group commit, the background
// error, backpressure, checkpoints and durability modes, against a real directory.
#include "tsdb/embedded_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "test_util.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"
#include "tsdb/sample_codec.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {
namespace {

using test::append_sync;
using test::dbl;
using test::latest_one;

class Store : public ::testing::Test {
 protected:
  std::unique_ptr<TimeSeriesStore> open(StoreOptions options = {}, const std::string& sub = "db") {
    std::unique_ptr<TimeSeriesStore> store;
    const auto ec = open_store(dir_.sub(sub), options, store);
    EXPECT_FALSE(ec) << ec.message();
    return store;
  }
  test::TempDir dir_;
};

TEST_F(Store, EveryKindRoundTripsBitExact) {
  auto store = open();
  const auto batch = test::every_kind();
  ASSERT_FALSE(append_sync(*store, batch));
  for (const Sample& want : batch) test::expect_same(latest_one(*store, want.asset_id, want.point_id), want);
}

TEST_F(Store, LatestKeepsTheNewestByTime) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 100, 1)}));
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 50, 2)}));
  EXPECT_EQ(latest_one(*store, "a", "p").value.d, 1);
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 100, 3)}));
  EXPECT_EQ(latest_one(*store, "a", "p").value.d, 3);
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 101, 4)}));
  EXPECT_EQ(latest_one(*store, "a", "p").value.d, 4);
}

TEST_F(Store, LatestOfAllPointsIsSortedByPointId) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {dbl("a", "z", 1, 1), dbl("a", "c", 1, 2), dbl("b", "a", 1, 3)}));
  const auto got = store->latest("a", {});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].point_id, "c");
  EXPECT_EQ(got[1].point_id, "z");
}

TEST_F(Store, EmptyBatchCompletesWithSuccess) {
  auto store = open();
  EXPECT_FALSE(append_sync(*store, {}));
}

TEST_F(Store, BatchWithABadSampleIsRefusedWhole) {
  auto store = open();
  EXPECT_EQ(append_sync(*store, {dbl("a", "p", 1, 1), dbl("a", "", 1, 1)}), errc::bad_sample);
  EXPECT_EQ(
      append_sync(*store, {dbl("a", "p", 1, 1), dbl(std::string(kMaxAssetIdBytes + 1, 'x'), "p", 1, 1)}),
      errc::id_too_long);
  EXPECT_TRUE(store->latest("a", {}).empty());
  // A refused batch is the caller's fault, not the disk's: the store goes on.
  EXPECT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  EXPECT_EQ(store->stats().rejected_batches, 2u);
}

TEST_F(Store, BatchOfExactlyMaxBatchBytesIsAcceptedOneMoreIsRefused) {
  std::vector<Sample> batch{dbl("asset", "p1", 1, 1), dbl("asset", "p2", 1, 2)};
  std::string payload;
  ASSERT_FALSE(encode_samples_payload(batch, payload));
  StoreOptions o;
  o.max_batch_bytes = payload.size();
  auto store = open(o);
  EXPECT_FALSE(append_sync(*store, batch));
  batch[1].point_id = "p22";  // one byte more
  EXPECT_EQ(append_sync(*store, batch), errc::batch_too_large);
  EXPECT_EQ(latest_one(*store, "asset", "p2").value.d, 2);
  EXPECT_TRUE(latest_one(*store, "asset", "p22").point_id.empty());
}

TEST_F(Store, GroupCommitEightThreadsShareFewFsyncs) {
  auto store = open();
  constexpr int kThreads = 8, kAppends = 2000;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string asset = "dev" + std::to_string(t);
      for (int i = 0; i < kAppends; ++i) {
        store->append({dbl(asset, "v", i, i), dbl(asset, "i", i, -i)},
                      [&](std::error_code ec) { (ec ? failed : ok).fetch_add(1); });
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_FALSE(store->flush());  // everything queued before it is done once it returns
  EXPECT_EQ(ok.load(), kThreads * kAppends);
  EXPECT_EQ(failed.load(), 0);
  const StoreStats s = store->stats();
  EXPECT_EQ(s.appended_batches, uint64_t{kThreads * kAppends});
  EXPECT_EQ(s.appended_samples, uint64_t{2 * kThreads * kAppends});
  EXPECT_LT(s.fsyncs * 10, s.appended_batches) << "fsyncs " << s.fsyncs;
  EXPECT_GT(s.max_group_batches, 10u);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(latest_one(*store, "dev" + std::to_string(t), "v").time_ms, kAppends - 1);
  }
}

TEST_F(Store, WaitingCallersStillShareFsyncs) {
  auto store = open();
  constexpr int kThreads = 8, kAppends = 150;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        if (append_sync(*store, {dbl("dev" + std::to_string(t), "v", i, i)})) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  const StoreStats s = store->stats();
  EXPECT_EQ(s.appended_batches, uint64_t{kThreads * kAppends});
  EXPECT_LT(s.fsyncs, s.appended_batches);
}

TEST_F(Store, FailedWriteRefusesThatBatchAndEveryLaterOne) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  static_cast<EmbeddedStore&>(*store).TEST_break_wal_fd();
  const auto ec = append_sync(*store, {dbl("a", "p", 2, 2)});
  EXPECT_EQ(ec, std::error_code(EBADF, std::system_category()));
  EXPECT_EQ(latest_one(*store, "a", "p").time_ms, 1) << "a refused batch must not become the latest";
  EXPECT_EQ(append_sync(*store, {dbl("b", "p", 3, 3)}), ec);
  EXPECT_TRUE(store->latest("b", {}).empty());
  EXPECT_EQ(store->flush(), ec);
  EXPECT_EQ(store->stats().rejected_batches, 2u);
}

TEST_F(Store, AppendFromACallbackOnAFullQueueDoesNotDeadlock) {
  StoreOptions o;
  o.max_batch_bytes = 1024;
  o.max_queued_bytes = 1024;
  auto store = open(o);
  auto big = [](int64_t t) {
    return test::make_sample("a", "p", t, Value::of_string(std::string(600, 'x')));
  };
  std::promise<std::error_code> second;
  // While the first batch's callback runs its 600 bytes still count as queued, so the second would not fit;
  // appending from the writer thread must not wait for the writer thread.
  store->append({big(1)}, [&](std::error_code) {
    store->append({big(2)}, [&](std::error_code ec) { second.set_value(ec); });
  });
  EXPECT_FALSE(second.get_future().get());
  EXPECT_EQ(latest_one(*store, "a", "p").time_ms, 2);
}

TEST_F(Store, ThrowingCallbackDoesNotStopTheWriter) {
  auto store = open();
  store->append({dbl("a", "p", 1, 1)}, [](std::error_code) { throw std::runtime_error("boom"); });
  EXPECT_FALSE(append_sync(*store, {dbl("a", "p", 2, 2)}));
  EXPECT_EQ(latest_one(*store, "a", "p").time_ms, 2);
}

TEST_F(Store, LatestIsConsistentWhileOtherThreadsAppend) {
  auto store = open();
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      int64_t seen = -1;
      while (!stop.load()) {
        const auto got = store->latest("a", {});
        for (const Sample& s : got) {
          // Both points of one batch carry the same time and the time as value.
          if (s.value.d != static_cast<double>(s.time_ms)) ++violations;
        }
        if (!got.empty()) {
          if (got[0].time_ms < seen) ++violations;
          seen = got[0].time_ms;
        }
        std::this_thread::yield();  // two cores: spinning readers would starve the writer thread
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 500; ++i) {
        const int64_t t = 2 * i + w;
        ASSERT_FALSE(append_sync(
            *store, {dbl("a", "p", t, static_cast<double>(t)), dbl("a", "q", t, static_cast<double>(t))}));
      }
    });
  }
  for (auto& th : writers) th.join();
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(latest_one(*store, "a", "p").time_ms, 999);
}

TEST_F(Store, FullQueueBlocksAppendersUntilTheWriterDrains) {
  StoreOptions o;
  o.max_batch_bytes = 4096;
  o.max_queued_bytes = 4096;
  auto store = open(o);
  constexpr int kThreads = 4, kAppends = 100;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        Sample s =
            test::make_sample("dev" + std::to_string(t), "blob", i, Value::of_string(std::string(1000, 'x')));
        store->append({std::move(s)}, [&](std::error_code ec) {
          if (!ec) ++ok;
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_FALSE(store->flush());
  EXPECT_EQ(ok.load(), kThreads * kAppends);
  EXPECT_GT(store->stats().backpressure_waits, 0u);
  // The flush's group is released just after its callbacks ran.
  for (int i = 0; i < 100 && store->stats().queued_bytes != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(store->stats().queued_bytes, 0u);
}

TEST_F(Store, ForgetAssetDropsItsLatestValuesOnly) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1), dbl("b", "p", 1, 1)}));
  store->forget_asset("a");
  EXPECT_TRUE(store->latest("a", {}).empty());
  EXPECT_EQ(store->latest("b", {}).size(), 1u);
  store->forget_asset("");  // nothing to do, no hang
  // Appends after a forget start the asset afresh.
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 0, 5)}));
  EXPECT_EQ(latest_one(*store, "a", "p").value.d, 5);
}

TEST_F(Store, FlushWritesACheckpointAndDeletesCoveredSegments) {
  auto store = open();
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  EXPECT_EQ(test::wal_files(dir_.sub("db")), std::vector<std::string>{"00000001.log"});
  ASSERT_FALSE(store->flush());
  EXPECT_TRUE(std::filesystem::exists(dir_.sub("db/latest.chk")));
  EXPECT_EQ(test::wal_files(dir_.sub("db")), std::vector<std::string>{"00000002.log"});
  EXPECT_EQ(store->stats().checkpoints, 1u);
  // Nothing new: the checkpoint is rewritten but no empty segment is rolled.
  ASSERT_FALSE(store->flush());
  EXPECT_EQ(test::wal_files(dir_.sub("db")), std::vector<std::string>{"00000002.log"});
}

TEST_F(Store, FullSegmentTriggersACheckpoint) {
  StoreOptions o;
  o.wal_segment_bytes = 1024;
  auto store = open(o);
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(append_sync(*store, {dbl("a", "p" + std::to_string(i), i, i)}));
  EXPECT_GE(store->stats().checkpoints, 1u);
  EXPECT_LE(test::wal_files(dir_.sub("db")).size(), 2u);
}

TEST_F(Store, IntervalTriggersACheckpointOnlyAfterAppends) {
  StoreOptions o;
  o.checkpoint_interval = std::chrono::milliseconds(20);
  auto store = open(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(store->stats().checkpoints, 0u) << "an idle store has nothing to checkpoint";
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  for (int i = 0; i < 100 && store->stats().checkpoints == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(store->stats().checkpoints, 1u);
}

TEST_F(Store, RecoveryThatReplayedRecordsCheckpointsAndSealsAtOnce) {
  // Intervals far longer than the test: only the recovery itself may make the writer act.
  StoreOptions o;
  o.checkpoint_interval = std::chrono::hours(1);
  o.seal_interval = std::chrono::hours(1);
  {
    auto live = open(o, "live");
    Sample s = dbl("a", "p", 1, 1);
    s.history = category_bit(Category::AiRaw);
    ASSERT_FALSE(append_sync(*live, {s, dbl("a", "q", 1, 2)}));
    test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  }
  auto copy = open(o, "copy");
  for (int i = 0; i < 300 && (copy->stats().checkpoints == 0 || copy->stats().seals == 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(copy->stats().checkpoints, 1u);
  EXPECT_EQ(copy->stats().seals, 1u);
  // The replayed segment is covered by both and gone: a second crash replays nothing from it.
  for (int i = 0; i < 300 && test::wal_files(dir_.sub("copy")).size() > 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(test::wal_files(dir_.sub("copy")), std::vector<std::string>{"00000002.log"});
  EXPECT_EQ(latest_one(*copy, "a", "q").value.d, 2);
}

TEST_F(Store, CleanRecoveryWaitsForTheIntervals) {
  StoreOptions o;
  o.checkpoint_interval = std::chrono::hours(1);
  o.seal_interval = std::chrono::hours(1);
  { auto store = open(o); }
  auto store = open(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(store->stats().checkpoints, 0u);
  EXPECT_EQ(store->stats().seals, 0u);
}

TEST_F(Store, HistorySegmentsOutliveTheCheckpoint) {
  auto store = open();
  Sample s = dbl("a", "p", 1, 1);
  s.history = category_bit(Category::AiRaw);
  ASSERT_FALSE(append_sync(*store, {s}));
  ASSERT_FALSE(store->flush());
  ASSERT_FALSE(append_sync(*store, {dbl("a", "q", 1, 1)}));
  ASSERT_FALSE(store->flush());
  // Segment 1 holds history nothing else keeps yet; segment 2 only latest values, which the checkpoint has.
  EXPECT_EQ(test::wal_files(dir_.sub("db")), (std::vector<std::string>{"00000001.log", "00000003.log"}));
}

TEST_F(Store, FlushModeWritesWithoutFsync) {
  StoreOptions o;
  o.durability = Durability::Flush;
  auto store = open(o);
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(append_sync(*store, {dbl("a", "p", i, i)}));
  const StoreStats s = store->stats();
  EXPECT_EQ(s.fsyncs, 0u);
  EXPECT_EQ(s.wal_writes, 20u);
  EXPECT_EQ(std::filesystem::file_size(dir_.sub("db/wal/00000001.log")), s.wal_bytes);
}

TEST_F(Store, NoneModeBuffersUntilTheDelayPasses) {
  StoreOptions o;
  o.durability = Durability::None;
  auto store = open(o);
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  EXPECT_EQ(latest_one(*store, "a", "p").time_ms, 1);
  EXPECT_EQ(store->stats().wal_writes, 0u);
  for (int i = 0; i < 100 && store->stats().wal_writes == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(store->stats().wal_writes, 1u);
  EXPECT_EQ(store->stats().fsyncs, 0u);
}

TEST_F(Store, EveryDurabilityModeReadsBackAfterACleanClose) {
  for (Durability d : {Durability::None, Durability::Flush, Durability::Fsync}) {
    const std::string sub = "db" + std::to_string(static_cast<int>(d));
    StoreOptions o;
    o.durability = d;
    {
      auto store = open(o, sub);
      ASSERT_FALSE(append_sync(*store, test::every_kind()));
    }
    auto store = open(o, sub);
    for (const Sample& want : test::every_kind()) {
      test::expect_same(latest_one(*store, want.asset_id, want.point_id), want);
    }
  }
}

TEST_F(Store, SecondOpenOfTheSameDirectoryIsLocked) {
  auto store = open();
  std::unique_ptr<TimeSeriesStore> second;
  EXPECT_EQ(open_store(dir_.sub("db"), {}, second), errc::locked);
  EXPECT_FALSE(second);
  store.reset();
  EXPECT_FALSE(open_store(dir_.sub("db"), {}, second));
}

TEST_F(Store, OptionsOutOfRangeAreRefused) {
  std::unique_ptr<TimeSeriesStore> store;
  auto refused = [&](StoreOptions o) { return open_store(dir_.sub("db"), o, store) == errc::bad_options; };
  StoreOptions o;
  o.wal_segment_bytes = 0;
  EXPECT_TRUE(refused(o));
  o = {};
  o.wal_segment_bytes = kMaxSegmentBytes + 1;
  EXPECT_TRUE(refused(o));
  o = {};
  o.max_batch_bytes = kMaxRecordBytes + 1;
  o.max_queued_bytes = kMaxRecordBytes + 1;
  EXPECT_TRUE(refused(o));
  o = {};
  o.max_batch_bytes = 0;
  EXPECT_TRUE(refused(o));
  o = {};
  o.max_queued_bytes = o.max_batch_bytes - 1;
  EXPECT_TRUE(refused(o));
  o = {};
  o.checkpoint_interval = std::chrono::milliseconds(-1);
  EXPECT_TRUE(refused(o));
  o = {};
  o.partition_ms = 0;
  EXPECT_TRUE(refused(o));
  o = {};
  o.head_max_bytes = 0;
  EXPECT_TRUE(refused(o));
  o = {};
  o.seal_interval = std::chrono::milliseconds(0);
  EXPECT_TRUE(refused(o));
  o = {};
  o.wal_segment_bytes = kMaxSegmentBytes;
  o.max_batch_bytes = kMaxRecordBytes;
  o.max_queued_bytes = kMaxRecordBytes;
  o.partition_ms = 1;
  o.head_max_bytes = 1;
  o.seal_interval = std::chrono::milliseconds(1);
  EXPECT_FALSE(open_store(dir_.sub("db"), o, store));
}

TEST_F(Store, DirectoryThatIsAFileFailsToOpen) {
  test::write_bytes(dir_.sub("file"), "x");
  std::unique_ptr<TimeSeriesStore> store;
  EXPECT_TRUE(open_store(dir_.sub("file"), {}, store));
  EXPECT_FALSE(store);
}

}  // namespace
}  // namespace gridhub::tsdb
