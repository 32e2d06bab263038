// The registry error category, including storage errors that carry SQLite's message.
#include "registry/errc.hpp"

#include <gtest/gtest.h>

#include "registry/limits.hpp"

namespace gridhub::registry {
namespace {

TEST(Errc, CodesHaveMessagesAndTheRegistryCategory) {
  boost::system::error_code ec = errc::in_use;
  EXPECT_EQ(ec.category().name(), std::string("gridhub.registry"));
  EXPECT_EQ(ec.message(), "in use");
  EXPECT_EQ(make_error_code(errc::product_not_found).message(), "product not found");
  EXPECT_NE(make_error_code(errc::not_found), make_error_code(errc::in_use));
}

TEST(Errc, StorageErrorCarriesDetailAndComparesEqualToTheEnum) {
  auto ec = storage_error("disk I/O error");
  EXPECT_EQ(ec, errc::storage_error);
  EXPECT_EQ(ec, make_error_code(errc::storage_error));
  EXPECT_NE(ec, errc::not_found);
  EXPECT_EQ(ec.message(), "storage error: disk I/O error");
  EXPECT_EQ(storage_error("disk I/O error").message(), ec.message());
}

TEST(Errc, StorageErrorConvertsToStdErrorCode) {
  std::error_code std_ec = storage_error("database is locked");
  EXPECT_TRUE(static_cast<bool>(std_ec));
  EXPECT_NE(std_ec.message().find("database is locked"), std::string::npos);
}

// Runs in a forked child (death-test machinery): filling the intern table is process-wide and would strip the
// SQLite text from every later storage error in this test binary.
TEST(ErrcDeathTest, StorageMessagesPastTheInternCapFallBackToTheGenericText) {
  EXPECT_EXIT(
      {
        for (std::size_t i = 0; i < kMaxInternedStorageMessages + 2; ++i)
          storage_error("distinct " + std::to_string(i));
        auto ec = storage_error("one more distinct message");
        std::exit(ec == errc::storage_error && ec.message() == "storage error" ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace gridhub::registry
