// Tests for tsdb/recovery.cpp through open_store(): reopening restores the latest values from the WAL alone,
// the checkpoint alone, or both; a cut at every byte of the last record keeps earlier data; a flipped byte is
// refused by the CRC; golden files (tests/unit/tsdb/files/) pin the on-disk format.
#include "tsdb/recovery.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.hpp"
#include "tsdb/sample_codec.hpp"
#include "tsdb/time_series_store.hpp"
#include "tsdb/wal_format.hpp"
#include "tsdb/wal_writer.hpp"

namespace gridhub::tsdb {
namespace {

namespace stdfs = std::filesystem;
using test::append_sync;
using test::dbl;
using test::latest_one;

const std::string kFiles = std::string(GRIDHUB_SOURCE_DIR) + "/tests/unit/tsdb/files/";

class Recovery : public ::testing::Test {
 protected:
  std::unique_ptr<TimeSeriesStore> open(const std::string& sub) {
    std::unique_ptr<TimeSeriesStore> store;
    const auto ec = open_store(dir_.sub(sub), {}, store);
    EXPECT_FALSE(ec) << ec.message();
    return store;
  }
  uint64_t segment_size(const std::string& sub, int n) {
    return stdfs::file_size(
        dir_.sub(sub + "/wal/" + (n < 10 ? "0000000" : "000000") + std::to_string(n) + ".log"));
  }
  test::TempDir dir_;
};

TEST_F(Recovery, WalAloneRestoresLatest) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, test::every_kind()));
  ASSERT_FALSE(append_sync(*store, {dbl("dev1", "d_pi", 20, 2.5)}));
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  ASSERT_FALSE(stdfs::exists(dir_.sub("copy/latest.chk")));
  auto copy = open("copy");
  for (const Sample& want : test::every_kind()) {
    if (want.point_id == "d_pi") continue;
    test::expect_same(latest_one(*copy, want.asset_id, want.point_id), want);
  }
  EXPECT_EQ(latest_one(*copy, "dev1", "d_pi").value.d, 2.5);
}

TEST_F(Recovery, CheckpointAloneRestoresLatest) {
  auto store = open("live");
  auto batch = test::every_kind();
  for (Sample& s : batch) s.history = 0;  // else its segment is kept for the history layer
  ASSERT_FALSE(append_sync(*store, batch));
  ASSERT_FALSE(store->flush());
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  EXPECT_EQ(test::wal_files(dir_.sub("copy")), std::vector<std::string>{"00000002.log"});
  EXPECT_EQ(segment_size("copy", 2), 0u);
  auto copy = open("copy");
  for (const Sample& want : batch) test::expect_same(latest_one(*copy, want.asset_id, want.point_id), want);
}

TEST_F(Recovery, CheckpointPlusNewerSegmentsRestoreLatest) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 100, 1), dbl("a", "q", 100, 1)}));
  ASSERT_FALSE(store->flush());
  ASSERT_FALSE(append_sync(*store, {dbl("a", "q", 200, 2), dbl("b", "p", 1, 3)}));
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 50, 9)}));  // older than the checkpoint's: ignored
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  auto copy = open("copy");
  EXPECT_EQ(latest_one(*copy, "a", "p").value.d, 1);
  EXPECT_EQ(latest_one(*copy, "a", "q").value.d, 2);
  EXPECT_EQ(latest_one(*copy, "b", "p").value.d, 3);
}

TEST_F(Recovery, ForgottenAssetStaysForgottenAfterReopen) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1), dbl("b", "p", 1, 1)}));
  store->forget_asset("a");
  test::crash_copy(dir_.sub("live"), dir_.sub("wal-only"));
  ASSERT_FALSE(store->flush());
  test::crash_copy(dir_.sub("live"), dir_.sub("checkpoint"));
  for (const char* sub : {"wal-only", "checkpoint"}) {
    auto copy = open(sub);
    EXPECT_TRUE(copy->latest("a", {}).empty()) << sub;
    EXPECT_EQ(copy->latest("b", {}).size(), 1u) << sub;
  }
}

TEST_F(Recovery, CutAtEveryByteOfTheLastRecordKeepsEarlierData) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  ASSERT_FALSE(append_sync(*store, {dbl("a", "q", 2, 2)}));
  const uint64_t last_start = segment_size("live", 1);
  ASSERT_FALSE(
      append_sync(*store, {dbl("a", "p", 3, 3), test::make_sample("a", "s", 3, Value::of_string("text"))}));
  const uint64_t end = segment_size("live", 1);
  test::crash_copy(dir_.sub("live"), dir_.sub("base"));
  store.reset();
  for (uint64_t cut = last_start; cut < end; ++cut) {
    const std::string sub = "cut" + std::to_string(cut);
    test::crash_copy(dir_.sub("base"), dir_.sub(sub));
    stdfs::resize_file(dir_.sub(sub + "/wal/00000001.log"), cut);
    {
      auto copy = open(sub);
      ASSERT_TRUE(copy) << cut;
      EXPECT_EQ(latest_one(*copy, "a", "p").time_ms, 1) << cut;
      EXPECT_EQ(latest_one(*copy, "a", "q").time_ms, 2) << cut;
      EXPECT_TRUE(latest_one(*copy, "a", "s").point_id.empty()) << cut;
      EXPECT_EQ(segment_size(sub, 1), last_start) << "the torn tail is truncated away";
    }
    stdfs::remove_all(dir_.sub(sub));
  }
}

TEST_F(Recovery, FlippedByteInAMiddleRecordIsRefusedAndReplayStopsThere) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  const uint64_t second = segment_size("live", 1);
  ASSERT_FALSE(append_sync(*store, {dbl("a", "q", 2, 2)}));
  ASSERT_FALSE(append_sync(*store, {dbl("a", "r", 3, 3)}));
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  const std::string seg = dir_.sub("copy/wal/00000001.log");
  std::string bytes = test::read_bytes(seg);
  bytes[second + wal::kHeaderSize + 3] ^= 0x04;  // inside the second record's payload
  test::write_bytes(seg, bytes);
  auto copy = open("copy");
  EXPECT_EQ(latest_one(*copy, "a", "p").time_ms, 1);
  EXPECT_TRUE(latest_one(*copy, "a", "q").point_id.empty()) << "refused by its CRC";
  EXPECT_TRUE(latest_one(*copy, "a", "r").point_id.empty()) << "replay of the segment stops at corruption";
  EXPECT_EQ(stdfs::file_size(seg), bytes.size()) << "corruption is left in place, not truncated";
}

TEST_F(Recovery, FlippedByteInTheLastRecordIsRefusedAndTruncated) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  const uint64_t last = segment_size("live", 1);
  ASSERT_FALSE(append_sync(*store, {dbl("a", "q", 2, 2)}));
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  const std::string seg = dir_.sub("copy/wal/00000001.log");
  std::string bytes = test::read_bytes(seg);
  bytes.back() ^= 0x01;
  test::write_bytes(seg, bytes);
  auto copy = open("copy");
  EXPECT_EQ(latest_one(*copy, "a", "p").time_ms, 1);
  EXPECT_TRUE(latest_one(*copy, "a", "q").point_id.empty());
  EXPECT_EQ(stdfs::file_size(seg), last);
}

TEST_F(Recovery, LaterSegmentsReplayAfterACorruptOne) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  ASSERT_FALSE(append_sync(*store, {dbl("a", "q", 1, 1)}));
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  // A second segment, as a restart would have started: written by a store opened on the copy.
  {
    auto copy = open("copy");
    ASSERT_FALSE(append_sync(*copy, {dbl("b", "p", 5, 5)}));
    stdfs::copy_file(dir_.sub("copy/wal/00000002.log"), dir_.sub("seg2"));
  }
  stdfs::remove_all(dir_.sub("copy"));
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  stdfs::copy_file(dir_.sub("seg2"), dir_.sub("copy/wal/00000002.log"));
  std::string bytes = test::read_bytes(dir_.sub("copy/wal/00000001.log"));
  bytes[0] ^= 0x01;  // first record's CRC
  test::write_bytes(dir_.sub("copy/wal/00000001.log"), bytes);
  auto copy = open("copy");
  EXPECT_TRUE(copy->latest("a", {}).empty());
  EXPECT_EQ(latest_one(*copy, "b", "p").time_ms, 5);
}

TEST_F(Recovery, CorruptCheckpointIsSetAsideAndTheWalReplayed) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  ASSERT_FALSE(store->flush());
  ASSERT_FALSE(append_sync(*store, {dbl("a", "q", 2, 2)}));
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  std::string chk = test::read_bytes(dir_.sub("copy/latest.chk"));
  chk[chk.size() / 2] ^= 0x01;
  test::write_bytes(dir_.sub("copy/latest.chk"), chk);
  auto copy = open("copy");
  EXPECT_TRUE(stdfs::exists(dir_.sub("copy/latest.chk.corrupt")));
  EXPECT_EQ(latest_one(*copy, "a", "q").time_ms, 2);
  EXPECT_TRUE(latest_one(*copy, "a", "p").point_id.empty()) << "only the deleted segment held it";
}

TEST_F(Recovery, CoveredSegmentLeftByACrashIsRemovedAtOpen) {
  auto store = open("live");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  stdfs::copy_file(dir_.sub("live/wal/00000001.log"), dir_.sub("seg1"));
  ASSERT_FALSE(store->flush());
  test::crash_copy(dir_.sub("live"), dir_.sub("copy"));
  // As if the crash came after the checkpoint's rename and before the segment's removal.
  stdfs::copy_file(dir_.sub("seg1"), dir_.sub("copy/wal/00000001.log"));
  test::write_bytes(dir_.sub("copy/latest.chk.tmp"), "half a checkpoint");
  auto copy = open("copy");
  EXPECT_FALSE(stdfs::exists(dir_.sub("copy/wal/00000001.log")));
  EXPECT_FALSE(stdfs::exists(dir_.sub("copy/latest.chk.tmp")));
  EXPECT_EQ(latest_one(*copy, "a", "p").time_ms, 1);
}

TEST_F(Recovery, UnrelatedFilesInTheWalDirectoryAreIgnored) {
  stdfs::create_directories(dir_.sub("db/wal"));
  test::write_bytes(dir_.sub("db/wal/notes.txt"), "x");
  test::write_bytes(dir_.sub("db/wal/1.log"), "too few digits");
  auto store = open("db");
  ASSERT_FALSE(append_sync(*store, {dbl("a", "p", 1, 1)}));
  EXPECT_TRUE(stdfs::exists(dir_.sub("db/wal/00000001.log")));
}

// ---- Golden files ----

// The content of files/golden_v2.log: two batches, a forget, a deletion and a group drop, framed from segment
// offset 0. (v1, with a category byte in place of the history mask, was replaced before any release.)
std::string golden_segment() {
  std::vector<Sample> first{
      dbl("battery-01", "voltage", 1700000000000, 3.7),
      test::make_sample("battery-01", "cycle_number", 1700000000000, Value::of_int(42)),
      test::make_sample("battery-01", "state", 1700000000000, Value::of_string("charging"))};
  first[0].quality = 0;
  first[1].history = category_bit(Category::AiRaw);
  first[1].group = 2;
  first[2].group = 5;  // latest only, yet its group is kept
  std::vector<Sample> second{
      test::make_sample("battery-02", "alarm", 1700000001000, Value::of_bool(true)),
      test::make_sample("battery-02", "cells", 1700000001000, Value::of_json("[3.1,3.2]"))};
  second[1].history = category_bit(Category::Generic);
  second[1].group = 3;
  std::string out;
  WalWriter w;
  for (const auto* batch : {&first, &second}) {
    std::string payload;
    EXPECT_FALSE(encode_samples_payload(*batch, payload));
    w.add_record({reinterpret_cast<const uint8_t*>(payload.data()), payload.size()}, out);
  }
  std::string forget;
  encode_forget_payload("battery-03", forget);
  w.add_record({reinterpret_cast<const uint8_t*>(forget.data()), forget.size()}, out);
  Deletion d;
  d.asset_id = "battery-02";
  d.point_ids = {"cells"};
  d.start_ms = 1700000001000;
  d.end_ms = 1700000001001;
  std::string deletion;
  encode_delete_payload(d, deletion);
  w.add_record({reinterpret_cast<const uint8_t*>(deletion.data()), deletion.size()}, out);
  std::string drop;
  encode_drop_group_payload(7, drop);
  w.add_record({reinterpret_cast<const uint8_t*>(drop.data()), drop.size()}, out);
  return out;
}

// Regenerates the golden files (run with --gtest_also_run_disabled_tests after a deliberate format change).
TEST(GoldenFiles, DISABLED_Write) {
  const std::string good = golden_segment();
  test::write_bytes(kFiles + "golden_v2.log", good);
  test::write_bytes(kFiles + "torn_tail.log", good.substr(0, good.size() - 3));  // inside the last record
  std::string flipped = good;
  flipped[wal::kHeaderSize + 20] ^= 0x40;  // inside the first record's payload
  test::write_bytes(kFiles + "flipped_first_record.log", flipped);
}

TEST(GoldenFiles, WalFormatIsUnchanged) {
  EXPECT_EQ(test::read_bytes(kFiles + "golden_v2.log"), golden_segment())
      << "the WAL format changed: old segments would no longer replay (see docs/wal_format.md)";
}

class GoldenReplay : public Recovery {
 protected:
  std::unique_ptr<TimeSeriesStore> open_with(const std::string& file) {
    stdfs::create_directories(dir_.sub("db/wal"));
    stdfs::copy_file(kFiles + file, dir_.sub("db/wal/00000001.log"));
    return open("db");
  }
};

TEST_F(GoldenReplay, GoodSegmentReplaysEverySample) {
  auto store = open_with("golden_v2.log");
  const Sample v = latest_one(*store, "battery-01", "voltage");
  EXPECT_EQ(v.value.d, 3.7);
  EXPECT_EQ(v.quality, 0);
  EXPECT_EQ(latest_one(*store, "battery-01", "cycle_number").value.i, 42);
  EXPECT_TRUE(latest_one(*store, "battery-01", "cycle_number").history == category_bit(Category::AiRaw));
  EXPECT_EQ(latest_one(*store, "battery-01", "state").value.s, "charging");
  EXPECT_TRUE(latest_one(*store, "battery-02", "alarm").value.b);
  EXPECT_EQ(latest_one(*store, "battery-02", "cells").value.s, "[3.1,3.2]");
  EXPECT_EQ(latest_one(*store, "battery-02", "cells").group, 3u);
  EXPECT_EQ(latest_one(*store, "battery-01", "state").group, 5u);
  EXPECT_EQ(store->stats().latest_points, 5u);
  // The history replays into the head, the deletion record included.
  std::vector<Point> points;
  bool more = false;
  ASSERT_FALSE(store->range({"battery-01", "cycle_number", Category::AiRaw, 0, INT64_MAX}, points, more));
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].value.i, 42);
  ASSERT_FALSE(store->range({"battery-02", "cells", Category::Generic, 0, INT64_MAX}, points, more));
  EXPECT_TRUE(points.empty()) << "deleted by the DeleteRange record";
}

TEST_F(GoldenReplay, TornTailIsTruncatedToTheLastWholeRecord) {
  auto store = open_with("torn_tail.log");
  EXPECT_LT(stdfs::file_size(dir_.sub("db/wal/00000001.log")), stdfs::file_size(kFiles + "torn_tail.log"));
}

TEST_F(GoldenReplay, TornTailKeepsTheRecordsBeforeIt) {
  auto store = open_with("torn_tail.log");
  EXPECT_EQ(store->latest("battery-01", {}).size(), 3u);
  EXPECT_EQ(store->latest("battery-02", {}).size(), 2u);
}

TEST_F(GoldenReplay, FlippedFirstRecordStopsReplayOfTheSegment) {
  auto store = open_with("flipped_first_record.log");
  EXPECT_EQ(store->stats().latest_points, 0u);
  EXPECT_EQ(stdfs::file_size(dir_.sub("db/wal/00000001.log")),
            stdfs::file_size(kFiles + "flipped_first_record.log"));
}

}  // namespace
}  // namespace gridhub::tsdb
