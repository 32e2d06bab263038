// Tests for tsdb/coding.hpp: varint bounds and zigzag extremes.
#include "tsdb/coding.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace gridhub::tsdb {
namespace {

TEST(Coding, VarintOfElevenBytesIsRefused) {
  const std::string bytes(11, '\xff');
  coding::Cursor in(reinterpret_cast<const uint8_t*>(bytes.data()),
                    reinterpret_cast<const uint8_t*>(bytes.data()) + bytes.size());
  uint64_t v = 0;
  EXPECT_FALSE(in.get_varint64(v));
  EXPECT_FALSE(in.ok());
}

TEST(Coding, VarintAndZigzagRoundTripExtremes) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    std::string out;
    coding::put_varint64(out, coding::zigzag(v));
    EXPECT_EQ(out.size(), coding::varint_length(coding::zigzag(v)));
    coding::Cursor in(reinterpret_cast<const uint8_t*>(out.data()),
                      reinterpret_cast<const uint8_t*>(out.data()) + out.size());
    uint64_t raw = 0;
    ASSERT_TRUE(in.get_varint64(raw));
    EXPECT_EQ(coding::unzigzag(raw), v);
    EXPECT_TRUE(in.at_end());
  }
}

}  // namespace
}  // namespace gridhub::tsdb
