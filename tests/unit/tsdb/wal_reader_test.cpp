// Tests for tsdb/wal_reader.cpp: records read back whole (LevelDB db/log_test.cc style), a cut at every byte
// of the last record is a torn tail, a flipped byte is refused by the CRC, damage with good data after it is
// corruption.
#include "tsdb/wal_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tsdb/wal_format.hpp"
#include "tsdb/wal_writer.hpp"

namespace gridhub::tsdb {
namespace {

using wal::kBlockSize;
using wal::kHeaderSize;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A record whose bytes say which record and position they are, so a mix-up cannot pass.
std::string payload(std::size_t index, std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t k = 0; k < size; ++k) s[k] = static_cast<char>('a' + (index * 7 + k) % 26);
  return s;
}

struct Segment {
  std::string bytes;
  std::vector<std::string> records;
  std::vector<uint64_t> offsets;  // where each record's first fragment starts
};

Segment build(const std::vector<std::size_t>& sizes) {
  Segment seg;
  WalWriter w;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    seg.records.push_back(payload(i, sizes[i]));
    // The first fragment starts after any trailer padding the writer inserts.
    const uint64_t left = kBlockSize - w.offset() % kBlockSize;
    seg.offsets.push_back(left < kHeaderSize ? w.offset() + left : w.offset());
    w.add_record(bytes_of(seg.records.back()), seg.bytes);
  }
  return seg;
}

struct ReadResult {
  std::vector<std::string> records;
  std::vector<uint64_t> offsets;
  WalEnd end;
  uint64_t end_offset;
};

ReadResult read_all(const std::string& bytes) {
  WalReader r(bytes_of(bytes));
  ReadResult out;
  std::span<const uint8_t> rec;
  uint64_t off = 0;
  while (r.next(rec, off)) {
    out.records.emplace_back(reinterpret_cast<const char*>(rec.data()), rec.size());
    out.offsets.push_back(off);
  }
  out.end = r.end();
  out.end_offset = r.end_offset();
  EXPECT_FALSE(r.next(rec, off)) << "a stopped reader stays stopped";
  return out;
}

TEST(WalReader, ReadsBackRecordsOfEverySizeWithTheirOffsets) {
  const Segment seg = build({0, 1, 100, kBlockSize - kHeaderSize, kBlockSize, 3 * kBlockSize + 5, 10,
                             kBlockSize - 2 * kHeaderSize + 3, 7, 2 * kBlockSize});
  const ReadResult got = read_all(seg.bytes);
  EXPECT_EQ(got.records, seg.records);
  EXPECT_EQ(got.offsets, seg.offsets);
  EXPECT_EQ(got.end, WalEnd::Clean);
  EXPECT_EQ(got.end_offset, seg.bytes.size());
}

TEST(WalReader, EmptySegmentIsClean) {
  const ReadResult got = read_all("");
  EXPECT_TRUE(got.records.empty());
  EXPECT_EQ(got.end, WalEnd::Clean);
  EXPECT_EQ(got.end_offset, 0u);
}

TEST(WalReader, CutAtEveryByteOfTheLastRecordIsATornTail) {
  const Segment seg = build({50, 300, 120});
  const uint64_t last = seg.offsets.back();
  for (uint64_t cut = last; cut < seg.bytes.size(); ++cut) {
    const ReadResult got = read_all(seg.bytes.substr(0, cut));
    ASSERT_EQ(got.records.size(), 2u) << cut;
    EXPECT_EQ(got.records[1], seg.records[1]);
    if (cut == last) {
      EXPECT_EQ(got.end, WalEnd::Clean);
    } else {
      EXPECT_EQ(got.end, WalEnd::TornTail) << cut;
      EXPECT_EQ(got.end_offset, last) << cut;
    }
  }
}

TEST(WalReader, CutInsideAFragmentedLastRecordIsATornTailAtItsFirstFragment) {
  const Segment seg = build({40, 2 * kBlockSize + 100});
  const uint64_t last = seg.offsets.back();
  std::vector<uint64_t> cuts;
  for (uint64_t cut = last + 1; cut < seg.bytes.size(); cut += 211) cuts.push_back(cut);
  for (uint64_t b = kBlockSize; b < seg.bytes.size(); b += kBlockSize) {
    for (uint64_t d : {0, 1, 6, 7, 8}) cuts.push_back(b + d);  // around each fragment header
  }
  cuts.push_back(seg.bytes.size() - 1);
  for (uint64_t cut : cuts) {
    const ReadResult got = read_all(seg.bytes.substr(0, cut));
    ASSERT_EQ(got.records.size(), 1u) << cut;
    EXPECT_EQ(got.end, WalEnd::TornTail) << cut;
    EXPECT_EQ(got.end_offset, last) << cut;
  }
}

TEST(WalReader, FlippedByteInTheLastRecordIsRefusedAsATornTail) {
  const Segment seg = build({50, 60});
  for (uint64_t at = seg.offsets[1]; at < seg.bytes.size(); ++at) {
    std::string bad = seg.bytes;
    bad[at] ^= 0x20;
    const ReadResult got = read_all(bad);
    ASSERT_EQ(got.records.size(), 1u) << at;
    EXPECT_EQ(got.end, WalEnd::TornTail) << at;
    EXPECT_EQ(got.end_offset, seg.offsets[1]) << at;
  }
}

TEST(WalReader, FlippedByteInAMiddleRecordIsRefusedAsCorruption) {
  const Segment seg = build({50, 60, 70, 80});
  const uint64_t begin = seg.offsets[1], end = seg.offsets[2];
  for (uint64_t at = begin; at < end; ++at) {
    std::string bad = seg.bytes;
    bad[at] ^= 0x01;
    const ReadResult got = read_all(bad);
    ASSERT_EQ(got.records.size(), 1u) << at;
    EXPECT_EQ(got.records[0], seg.records[0]);
    EXPECT_EQ(got.end_offset, begin) << at;
    // A changed length hides where the next record starts; within the last block that reads like a tail.
    const bool length_byte = at == begin + 4 || at == begin + 5;
    if (length_byte) {
      EXPECT_NE(got.end, WalEnd::Clean) << at;
    } else {
      EXPECT_EQ(got.end, WalEnd::Corrupt) << at;
    }
  }
}

TEST(WalReader, DamageWithAGoodRecordInALaterBlockIsCorruption) {
  const Segment seg = build({100, 3 * kBlockSize, 100});
  std::string bad = seg.bytes;
  bad[seg.offsets[0] + 4] = static_cast<char>(0xff);  // length 0x..ff: past its block or its CRC
  bad[seg.offsets[0] + 5] = static_cast<char>(0x7f);
  const ReadResult got = read_all(bad);
  EXPECT_TRUE(got.records.empty());
  EXPECT_EQ(got.end, WalEnd::Corrupt);
  EXPECT_EQ(got.end_offset, 0u);
}

TEST(WalReader, ZeroFilledTailIsATornTailAtTheLastGoodRecordEnd) {
  const Segment seg = build({50, 60});
  const ReadResult got = read_all(seg.bytes + std::string(5000, '\0'));
  EXPECT_EQ(got.records, seg.records);
  EXPECT_EQ(got.end, WalEnd::TornTail);
  EXPECT_EQ(got.end_offset, seg.bytes.size());
}

TEST(WalReader, GarbageAfterGoodRecordsIsATornTail) {
  const Segment seg = build({50});
  std::string garbage(3 * kBlockSize, '\0');
  for (std::size_t k = 0; k < garbage.size(); ++k) garbage[k] = static_cast<char>(k * 131 + 7);
  const ReadResult got = read_all(seg.bytes + garbage);
  EXPECT_EQ(got.records, seg.records);
  EXPECT_EQ(got.end, WalEnd::TornTail);
  EXPECT_EQ(got.end_offset, seg.bytes.size());
}

TEST(WalReader, EndingInsideBlockPaddingIsClean) {
  // The writer pads a block tail only when it writes the next record; a cut inside that padding loses
  // nothing.
  const Segment seg = build({kBlockSize - 2 * kHeaderSize + 1, 5});
  const uint64_t padding_start = kBlockSize - kHeaderSize + 1;
  for (uint64_t cut = padding_start; cut <= kBlockSize; ++cut) {
    const ReadResult got = read_all(seg.bytes.substr(0, cut));
    EXPECT_EQ(got.records.size(), 1u) << cut;
    EXPECT_EQ(got.end, WalEnd::Clean) << cut;
  }
}

TEST(WalReader, FragmentWithoutItsFirstIsCorruption) {
  const Segment seg = build({kBlockSize + 10, 20});
  // Drop the first block: the segment now starts with the Last fragment.
  const ReadResult got = read_all(seg.bytes.substr(kBlockSize));
  EXPECT_TRUE(got.records.empty());
  EXPECT_EQ(got.end, WalEnd::Corrupt);
  EXPECT_EQ(got.end_offset, 0u);
}

TEST(WalReader, FullRecordInsideAFragmentedOneIsCorruption) {
  // First fragment of a long record, then (in the next block) a Full record, then more good data.
  Segment a = build({kBlockSize + 10});
  Segment b = build({30, 40});
  std::string bytes = a.bytes.substr(0, kBlockSize) + b.bytes;
  const ReadResult got = read_all(bytes);
  EXPECT_TRUE(got.records.empty());
  EXPECT_EQ(got.end, WalEnd::Corrupt);
  EXPECT_EQ(got.end_offset, 0u);
}

}  // namespace
}  // namespace gridhub::tsdb
