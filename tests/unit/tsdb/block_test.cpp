// Tests for tsdb/block_builder.cpp and block_reader.cpp: round trips over many series, chunks and frames,
// binary search, reads of a time range, and refusal of every damaged header, footer, meta or index byte and
// of a damaged frame.
#include "tsdb/block_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.hpp"
#include "tsdb/block_builder.hpp"
#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/block_format.hpp"
#include "tsdb/errc.hpp"

namespace gridhub::tsdb {
namespace {

std::vector<Point> series(int64_t n, int64_t t0, int64_t step, double scale) {
  std::vector<Point> pts(static_cast<std::size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    pts[k].time_ms = t0 + k * step;
    pts[k].value = Value::of_double(static_cast<double>(k * 7919 % 10007) / scale);
    if (k % 3 == 0) pts[k].quality = static_cast<int32_t>(k);
  }
  return pts;
}

class Block : public ::testing::Test {
 protected:
  BlockMeta meta() {
    BlockMeta m;
    m.group = 42;
    m.category = Category::Pi;
    m.start_ms = -1000;
    m.last_ms = 1000000000;
    m.id = 17;
    m.supersedes = {3, 5};
    return m;
  }
  std::string build(const std::vector<std::pair<std::string, std::vector<Point>>>& all) {
    BlockBuilder b(meta(), block::kSealLevel);
    for (const auto& [id, pts] : all) b.add_series("asset", id, pts);
    std::string bytes;
    EXPECT_FALSE(b.finish(bytes));
    return bytes;
  }
  std::error_code open_bytes(const std::string& bytes, std::shared_ptr<const BlockReader>& out) {
    const std::string path = dir_.sub("b" + std::to_string(++files_) + ".blk");
    test::write_bytes(path, bytes);
    return BlockReader::open(path, out);
  }
  test::TempDir dir_;
  int files_ = 0;
};

TEST_F(Block, SeriesRoundTripAcrossChunksAndFrames) {
  std::vector<std::pair<std::string, std::vector<Point>>> all;
  all.emplace_back("a", series(block::kChunkMaxPoints * 2 + 1, 0, 10, 3));  // three chunks
  all.emplace_back("b", series(block::kChunkMaxPoints, -1000, 1, 7));       // exactly one chunk
  all.emplace_back("c", series(1, 5, 1, 1));
  std::vector<Point> strings;
  for (int k = 0; k < 3; ++k) {
    Point p;
    p.time_ms = k;
    p.value = Value::of_string(std::string(block::kChunkMaxValueBytes / 2, static_cast<char>('x' + k)));
    strings.push_back(p);
  }
  all.emplace_back("s", strings);  // cut by value bytes: two chunks
  std::shared_ptr<const BlockReader> r;
  ASSERT_FALSE(open_bytes(build(all), r));
  EXPECT_EQ(r->meta().group, 42u);
  EXPECT_EQ(r->meta().category, Category::Pi);
  EXPECT_EQ(r->meta().start_ms, -1000);
  EXPECT_EQ(r->meta().id, 17u);
  EXPECT_EQ(r->meta().supersedes, (std::vector<uint64_t>{3, 5}));
  EXPECT_EQ(r->entry_count(), 3u + 1 + 1 + 2);
  EXPECT_EQ(r->points(), block::kChunkMaxPoints * 3 + 2 + 3);
  FrameCache cache;
  for (const auto& [id, want] : all) {
    std::vector<Point> got;
    ASSERT_FALSE(r->read_series("asset", id, INT64_MIN, INT64_MAX, cache, got)) << id;
    ASSERT_EQ(got.size(), want.size()) << id;
    for (std::size_t k = 0; k < got.size(); ++k) {
      ASSERT_EQ(got[k].time_ms, want[k].time_ms);
      ASSERT_EQ(got[k].quality, want[k].quality);
      ASSERT_EQ(got[k].value.s, want[k].value.s);
      ASSERT_EQ(std::bit_cast<uint64_t>(got[k].value.d), std::bit_cast<uint64_t>(want[k].value.d));
    }
  }
  std::vector<Point> none;
  ASSERT_FALSE(r->read_series("asset", "bb", INT64_MIN, INT64_MAX, cache, none));
  ASSERT_FALSE(r->read_series("assez", "a", INT64_MIN, INT64_MAX, cache, none));
  EXPECT_TRUE(none.empty());
}

TEST_F(Block, ReadOfATimeRangeIsCutAtBothEnds) {
  std::shared_ptr<const BlockReader> r;
  ASSERT_FALSE(open_bytes(build({{"a", series(block::kChunkMaxPoints * 3, 0, 10, 3)}}), r));
  FrameCache cache;
  std::vector<Point> got;
  const int64_t lo = block::kChunkMaxPoints * 10 - 5, last = block::kChunkMaxPoints * 20 + 10;
  ASSERT_FALSE(r->read_series("asset", "a", lo, last, cache, got));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front().time_ms, block::kChunkMaxPoints * 10);
  EXPECT_EQ(got.back().time_ms, last);
  EXPECT_EQ(got.size(), block::kChunkMaxPoints + 2);
  EXPECT_TRUE(r->has_points("asset", "a", lo, last));
  EXPECT_FALSE(r->has_points("asset", "a", -10, -1));
  EXPECT_TRUE(r->has_asset_points("asset", 0, 0));
  EXPECT_FALSE(r->has_asset_points("other", INT64_MIN, INT64_MAX));
}

TEST_F(Block, LowerBoundFindsEverySeries) {
  std::vector<std::pair<std::string, std::vector<Point>>> all;
  for (int k = 0; k < 300; ++k) all.emplace_back("p" + std::to_string(1000 + k), series(3, k, 1, 1));
  std::shared_ptr<const BlockReader> r;
  ASSERT_FALSE(open_bytes(build(all), r));
  std::string_view a, p;
  ChunkRef ref;
  for (int k = 0; k < 300; ++k) {
    const std::size_t at = r->lower_bound("asset", "p" + std::to_string(1000 + k));
    ASSERT_TRUE(r->entry(at, a, p, ref));
    EXPECT_EQ(p, "p" + std::to_string(1000 + k));
    EXPECT_EQ(ref.min_time, k);
  }
  EXPECT_EQ(r->lower_bound("asset", "q"), 300u);
  EXPECT_EQ(r->lower_bound("", ""), 0u);
}

TEST_F(Block, EveryDamagedByteOutsideTheFramesIsFoundAtOpen) {
  const std::string good = build({{"a", series(50, 0, 1, 3)}, {"b", series(20, 0, 1, 3)}});
  std::shared_ptr<const BlockReader> r;
  ASSERT_FALSE(open_bytes(good, r));
  // Where the frames end: the footer's meta offset.
  const uint64_t meta_at = coding::load_fixed64(reinterpret_cast<const uint8_t*>(good.data()) + good.size() - block::kFooterSize);
  std::vector<std::size_t> positions;
  for (std::size_t at = 0; at < block::kHeaderSize; ++at) positions.push_back(at);
  for (std::size_t at = meta_at; at < good.size(); ++at) positions.push_back(at);
  for (std::size_t at : positions) {
    std::string bad = good;
    bad[at] ^= 0x21;
    EXPECT_EQ(open_bytes(bad, r), errc::corrupt_block) << at;
  }
  for (std::size_t n : {std::size_t{0}, std::size_t{11}, good.size() - 1, good.size() / 2}) {
    EXPECT_EQ(open_bytes(good.substr(0, n), r), errc::corrupt_block) << n;
  }
}

TEST_F(Block, DamagedFrameFailsItsChunksOnly) {
  std::vector<std::pair<std::string, std::vector<Point>>> all;
  all.emplace_back("a", series(40000, 0, 1, 3));  // several frames
  all.emplace_back("b", series(100, 0, 1, 3));
  std::string bytes = build(all);
  bytes[block::kHeaderSize + 10] ^= 0x10;
  std::shared_ptr<const BlockReader> r;
  ASSERT_FALSE(open_bytes(bytes, r));
  FrameCache cache;
  std::vector<Point> got;
  EXPECT_EQ(r->read_series("asset", "a", INT64_MIN, INT64_MAX, cache, got), errc::corrupt_block);
  got.clear();
  EXPECT_FALSE(r->read_series("asset", "b", INT64_MIN, INT64_MAX, cache, got));
  EXPECT_EQ(got.size(), 100u);
}

// Rewrites the raw size of frame 0 and the CRCs over it, as a writer bug (not a bad disk) would.
std::string with_frame_raw_size(std::string bytes, uint32_t raw) {
  const auto* base = reinterpret_cast<const uint8_t*>(bytes.data());
  const std::size_t footer = bytes.size() - block::kFooterSize;
  const uint64_t meta_at = coding::load_fixed64(base + footer);
  // meta: varint group (42: 1 byte), u8 category, zigzag start (-1000: 2 bytes), zigzag last (5 bytes for
  // 1e9), varint id, varint n + 2 superseded ids (1 byte each), varint frame count, then the frame table.
  const std::size_t frame0 = meta_at + 1 + 1 + 2 + 5 + 1 + 1 + 2 + 1;
  std::string patched;
  coding::put_fixed32(patched, raw);
  bytes.replace(frame0 + 12, 4, patched);
  patched.clear();
  const uint32_t crc = crc32c::value(bytes.data() + meta_at, footer - meta_at);
  coding::put_fixed32(patched, crc32c::mask(crc));
  bytes.replace(footer + 32, 4, patched);
  patched.clear();  // the footer's own CRC covers the one just replaced
  coding::put_fixed32(patched, crc32c::mask(crc32c::value(bytes.data() + footer, 36)));
  bytes.replace(footer + 36, 4, patched);
  return bytes;
}

TEST_F(Block, FrameRawSizeIsBoundedAtOpen) {
  const std::string good = build({{"a", series(10, 0, 1, 3)}});
  std::shared_ptr<const BlockReader> r;
  ASSERT_FALSE(open_bytes(with_frame_raw_size(good, block::kMaxFrameRawBytes), r));
  FrameCache cache;
  std::vector<Point> got;
  EXPECT_FALSE(r->read_series("asset", "a", INT64_MIN, INT64_MAX, cache, got))
      << "a claim within the bound only sizes the buffer; the chunk is all there";
  EXPECT_EQ(got.size(), 10u);
  EXPECT_EQ(open_bytes(with_frame_raw_size(good, block::kMaxFrameRawBytes + 1), r), errc::corrupt_block);
}

TEST_F(Block, AWindowMayEndAtTheLastMillisecond) {
  BlockMeta m;
  m.start_ms = INT64_MAX - 10;
  m.last_ms = INT64_MAX;
  BlockBuilder b(m, block::kCompactLevel);
  std::vector<Point> pts = series(2, INT64_MAX - 1, 1, 1);
  b.add_series("x", "y", pts);
  std::string bytes;
  ASSERT_FALSE(b.finish(bytes));
  std::shared_ptr<const BlockReader> r;
  ASSERT_FALSE(open_bytes(bytes, r));
  FrameCache cache;
  std::vector<Point> got;
  ASSERT_FALSE(r->read_series("x", "y", INT64_MIN, INT64_MAX, cache, got));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got.back().time_ms, INT64_MAX);
}

}  // namespace
}  // namespace gridhub::tsdb
