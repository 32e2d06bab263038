// Tests for tsdb/errc.cpp: codes compare equal as boost::system and std error codes, with their messages.
#include "tsdb/errc.hpp"

#include <gtest/gtest.h>

namespace gridhub::tsdb {
namespace {

TEST(Errc, StdErrorCodeComparesWithTheEnum) {
  std::error_code ec = errc::batch_too_large;
  EXPECT_TRUE(ec);
  EXPECT_EQ(ec, errc::batch_too_large);
  EXPECT_NE(ec, errc::bad_sample);
  EXPECT_EQ(ec.message(), "batch larger than max_batch_bytes");
  EXPECT_STREQ(ec.category().name(), "gridhub.tsdb");
}

TEST(Errc, BoostErrorCodeConvertsToTheSameStdCode) {
  boost::system::error_code bec = errc::locked;
  EXPECT_EQ(bec, errc::locked);
  const std::error_code ec = bec;
  EXPECT_EQ(ec, errc::locked);
  EXPECT_EQ(ec.message(), bec.message());
}

TEST(Errc, DiffersFromSystemCodesOfTheSameValue) {
  const std::error_code ec = errc::bad_sample;
  EXPECT_NE(ec, std::error_code(static_cast<int>(errc::bad_sample), std::system_category()));
}

}  // namespace
}  // namespace gridhub::tsdb
