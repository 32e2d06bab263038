// Tests for tsdb/crc32c.cpp: published CRC-32C vectors, incremental use, and the mask.
#include "tsdb/crc32c.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace gridhub::tsdb {
namespace {

TEST(Crc32c, MatchesPublishedVectors) {
  EXPECT_EQ(crc32c::value("123456789", 9), 0xe3069283u);
  // RFC 3720 (iSCSI) B.4 vectors, as LevelDB's crc32c_test checks them.
  std::vector<uint8_t> buf(32, 0);
  EXPECT_EQ(crc32c::value(buf.data(), buf.size()), 0x8a9136aau);
  std::fill(buf.begin(), buf.end(), 0xff);
  EXPECT_EQ(crc32c::value(buf.data(), buf.size()), 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(crc32c::value(buf.data(), buf.size()), 0x46dd794eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(crc32c::value(buf.data(), buf.size()), 0x113fdb5cu);
}

TEST(Crc32c, EmptyInputIsZero) { EXPECT_EQ(crc32c::value("", 0), 0u); }

TEST(Crc32c, ExtendEqualsOneShotAtEverySplit) {
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  const uint32_t whole = crc32c::value(data.data(), data.size());
  for (std::size_t split = 0; split <= data.size(); ++split) {
    const uint32_t first = crc32c::value(data.data(), split);
    EXPECT_EQ(crc32c::extend(first, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32c, UnalignedStartGivesSameValue) {
  std::vector<char> buf(64 + 8);
  for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>(i * 7);
  std::vector<char> copy(buf.begin() + 3, buf.begin() + 3 + 64);
  EXPECT_EQ(crc32c::value(buf.data() + 3, 64), crc32c::value(copy.data(), copy.size()));
}

TEST(Crc32c, MaskChangesValueAndUnmaskRestoresIt) {
  const uint32_t crc = crc32c::value("foo", 3);
  EXPECT_NE(crc, crc32c::mask(crc));
  EXPECT_NE(crc, crc32c::mask(crc32c::mask(crc)));
  EXPECT_EQ(crc, crc32c::unmask(crc32c::mask(crc)));
  EXPECT_EQ(crc, crc32c::unmask(crc32c::unmask(crc32c::mask(crc32c::mask(crc)))));
}

}  // namespace
}  // namespace gridhub::tsdb
