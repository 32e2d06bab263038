// Tests for tsdb/wal_writer.cpp: header layout, fragmentation at block boundaries, block trailer padding.
#include "tsdb/wal_writer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {
namespace {

using wal::kBlockSize;
using wal::kHeaderSize;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Header {
  uint32_t crc;
  uint16_t length;
  uint8_t type;
};

Header header_at(const std::string& out, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(out.data() + at);
  return {coding::load_fixed32(p), coding::load_fixed16(p + 4), p[6]};
}

TEST(WalWriter, SmallRecordIsOneFullFragmentWithMaskedCrc) {
  WalWriter w;
  std::string out;
  w.add_record(bytes_of("hello"), out);
  ASSERT_EQ(out.size(), kHeaderSize + 5);
  const Header h = header_at(out, 0);
  EXPECT_EQ(h.length, 5);
  EXPECT_EQ(h.type, static_cast<uint8_t>(wal::RecordType::Full));
  EXPECT_EQ(crc32c::unmask(h.crc), crc32c::value(out.data() + 6, 1 + 5));
  EXPECT_EQ(out.substr(kHeaderSize), "hello");
  EXPECT_EQ(w.offset(), out.size());
}

TEST(WalWriter, EmptyRecordStillGetsAHeader) {
  WalWriter w;
  std::string out;
  w.add_record({}, out);
  ASSERT_EQ(out.size(), kHeaderSize);
  EXPECT_EQ(header_at(out, 0).type, static_cast<uint8_t>(wal::RecordType::Full));
}

TEST(WalWriter, RecordFillingABlockExactlyIsFull) {
  WalWriter w;
  std::string out;
  w.add_record(bytes_of(std::string(kBlockSize - kHeaderSize, 'x')), out);
  EXPECT_EQ(out.size(), kBlockSize);
  EXPECT_EQ(header_at(out, 0).type, static_cast<uint8_t>(wal::RecordType::Full));
}

TEST(WalWriter, RecordOneByteOverABlockIsSplitFirstLast) {
  WalWriter w;
  std::string out;
  w.add_record(bytes_of(std::string(kBlockSize - kHeaderSize + 1, 'x')), out);
  ASSERT_EQ(out.size(), kBlockSize + kHeaderSize + 1);
  EXPECT_EQ(header_at(out, 0).type, static_cast<uint8_t>(wal::RecordType::First));
  const Header last = header_at(out, kBlockSize);
  EXPECT_EQ(last.type, static_cast<uint8_t>(wal::RecordType::Last));
  EXPECT_EQ(last.length, 1);
}

TEST(WalWriter, LongRecordUsesMiddleFragments) {
  WalWriter w;
  std::string out;
  w.add_record(bytes_of(std::string(3 * kBlockSize, 'x')), out);
  EXPECT_EQ(header_at(out, 0).type, static_cast<uint8_t>(wal::RecordType::First));
  EXPECT_EQ(header_at(out, kBlockSize).type, static_cast<uint8_t>(wal::RecordType::Middle));
  EXPECT_EQ(header_at(out, 2 * kBlockSize).type, static_cast<uint8_t>(wal::RecordType::Middle));
  EXPECT_EQ(header_at(out, 3 * kBlockSize).type, static_cast<uint8_t>(wal::RecordType::Last));
}

TEST(WalWriter, BlockTailShorterThanAHeaderIsZeroPadded) {
  WalWriter w;
  std::string out;
  // Leave exactly kHeaderSize - 1 bytes in the first block.
  w.add_record(bytes_of(std::string(kBlockSize - 2 * kHeaderSize + 1, 'x')), out);
  ASSERT_EQ(out.size(), kBlockSize - kHeaderSize + 1);
  w.add_record(bytes_of("next"), out);
  EXPECT_EQ(out.substr(kBlockSize - kHeaderSize + 1, kHeaderSize - 1), std::string(kHeaderSize - 1, '\0'));
  EXPECT_EQ(header_at(out, kBlockSize).type, static_cast<uint8_t>(wal::RecordType::Full));
  EXPECT_EQ(w.offset(), kBlockSize + kHeaderSize + 4);
}

TEST(WalWriter, BlockTailOfExactlyAHeaderTakesAnEmptyFirstFragment) {
  WalWriter w;
  std::string out;
  w.add_record(bytes_of(std::string(kBlockSize - 2 * kHeaderSize, 'x')), out);
  w.add_record(bytes_of("next"), out);
  const Header first = header_at(out, kBlockSize - kHeaderSize);
  EXPECT_EQ(first.type, static_cast<uint8_t>(wal::RecordType::First));
  EXPECT_EQ(first.length, 0);
  EXPECT_EQ(header_at(out, kBlockSize).type, static_cast<uint8_t>(wal::RecordType::Last));
}

TEST(WalWriter, StartingOffsetDecidesTheFirstBlockBoundary) {
  WalWriter w(kBlockSize - 10);
  std::string out;
  w.add_record(bytes_of("0123456789"), out);
  // 10 bytes left: a header (7) + 3 payload bytes, then the rest in the next block.
  EXPECT_EQ(header_at(out, 0).type, static_cast<uint8_t>(wal::RecordType::First));
  EXPECT_EQ(header_at(out, 0).length, 3);
  EXPECT_EQ(header_at(out, 10).type, static_cast<uint8_t>(wal::RecordType::Last));
  EXPECT_EQ(w.offset(), kBlockSize - 10 + out.size());
}

}  // namespace
}  // namespace gridhub::tsdb
