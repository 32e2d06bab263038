// Tests for tsdb/segment_names.hpp: eight-digit names, numeric parse, foreign names refused.
#include "tsdb/segment_names.hpp"

#include <gtest/gtest.h>

namespace gridhub::tsdb {
namespace {

TEST(SegmentNames, FormatsEightDigitsAndMoreWhenNeeded) {
  EXPECT_EQ(wal::segment_file_name(1), "00000001.log");
  EXPECT_EQ(wal::segment_file_name(99999999), "99999999.log");
  EXPECT_EQ(wal::segment_file_name(100000000), "100000000.log");
}

TEST(SegmentNames, ParsesWhatItFormats) {
  for (uint64_t n : {uint64_t{1}, uint64_t{42}, uint64_t{100000000}, uint64_t{18446744073709551615ULL}}) {
    uint64_t got = 0;
    EXPECT_TRUE(wal::parse_segment_file_name(wal::segment_file_name(n), got)) << n;
    EXPECT_EQ(got, n);
  }
}

TEST(SegmentNames, RefusesForeignNames) {
  uint64_t n = 0;
  for (const char* name : {"1.log", "0000001.log", "00000000.log", "0000000a.log", "00000001.log.tmp",
                           "00000001.txt", ".log", "", "184467440737095516160.log"}) {
    EXPECT_FALSE(wal::parse_segment_file_name(name, n)) << name;
  }
}

}  // namespace
}  // namespace gridhub::tsdb
