// Tests for tsdb/checkpoint.cpp: the table round-trips with its covered segment; any damage is refused and
// leaves the table untouched.
#include "tsdb/checkpoint.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <limits>

#include "test_util.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {
namespace {

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void fill(LatestTable& t) {
  std::vector<Sample> batch{test::dbl("a", "p1", 1, -0.0),
                            test::dbl("a", "p2", 2, std::bit_cast<double>(0x7ff00000deadbeefULL)),
                            test::make_sample("b", "s", 3, Value::of_string("")),
                            test::make_sample("c", "j", 4, Value::of_json("{\"k\":1}"))};
  batch[0].quality = 5;
  batch[1].history = category_bit(Category::AiRaw);
  batch[1].group = 7;
  t.apply(batch);
}

TEST(Checkpoint, TableRoundTripsWithCoveredSegment) {
  LatestTable t;
  fill(t);
  std::string bytes;
  encode_checkpoint(t, 42, bytes);
  LatestTable back;
  uint64_t covered = 0;
  ASSERT_FALSE(decode_checkpoint(bytes_of(bytes), back, covered));
  EXPECT_EQ(covered, 42u);
  EXPECT_EQ(back.size(), t.size());
  for (const char* asset : {"a", "b", "c"}) {
    const auto want = t.get(asset, {});
    const auto got = back.get(asset, {});
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t k = 0; k < got.size(); ++k) test::expect_same(got[k], want[k]);
  }
}

TEST(Checkpoint, EmptyTableRoundTrips) {
  LatestTable t;
  std::string bytes;
  encode_checkpoint(t, 0, bytes);
  EXPECT_EQ(bytes.size(), wal::kCheckpointHeaderSize + wal::kCheckpointTrailerSize);
  LatestTable back;
  uint64_t covered = 9;
  ASSERT_FALSE(decode_checkpoint(bytes_of(bytes), back, covered));
  EXPECT_EQ(covered, 0u);
  EXPECT_EQ(back.size(), 0u);
}

TEST(Checkpoint, EveryFlippedByteIsRefusedAndLeavesTheTableAlone) {
  LatestTable t;
  fill(t);
  std::string bytes;
  encode_checkpoint(t, 7, bytes);
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    std::string bad = bytes;
    bad[at] ^= 0x10;
    LatestTable back;
    std::vector<Sample> keep{test::dbl("keep", "p", 1, 1)};
    back.apply(keep);
    uint64_t covered = 99;
    EXPECT_EQ(decode_checkpoint(bytes_of(bad), back, covered), errc::corrupt_checkpoint) << at;
    EXPECT_EQ(covered, 99u);
    EXPECT_EQ(back.size(), 1u);
  }
}

TEST(Checkpoint, EveryTruncationIsRefused) {
  LatestTable t;
  fill(t);
  std::string bytes;
  encode_checkpoint(t, 7, bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    LatestTable back;
    uint64_t covered = 0;
    EXPECT_EQ(decode_checkpoint(bytes_of(bytes.substr(0, n)), back, covered), errc::corrupt_checkpoint) << n;
  }
}

}  // namespace
}  // namespace gridhub::tsdb
