// Tests for tsdb/file_util.cpp: whole writes, durable replace, truncate, mapping (empty files included),
// errors as codes.
#include "tsdb/file_util.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.hpp"

namespace gridhub::tsdb {
namespace {

TEST(FileUtil, ReplaceFileDurablyLeavesOnlyTheNewContent) {
  test::TempDir dir;
  test::write_bytes(dir.sub("f"), "old content");
  const std::string data = "new";
  ASSERT_FALSE(fs::replace_file_durably(dir.path(), "f.tmp", "f", data));
  EXPECT_EQ(test::read_bytes(dir.sub("f")), "new");
  EXPECT_FALSE(std::filesystem::exists(dir.sub("f.tmp")));
}

TEST(FileUtil, ReplaceInAMissingDirectoryIsAnError) {
  test::TempDir dir;
  EXPECT_EQ(fs::replace_file_durably(dir.sub("missing"), "t", "f", std::string_view("x")),
            std::error_code(ENOENT, std::system_category()));
}

TEST(FileUtil, MappedFileSeesTheBytesAndAnEmptyFileIsEmpty) {
  test::TempDir dir;
  test::write_bytes(dir.sub("a"), "abc");
  test::write_bytes(dir.sub("empty"), "");
  fs::MappedFile a, empty, missing;
  ASSERT_FALSE(a.open(dir.sub("a")));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(a.bytes().data()), a.bytes().size()), "abc");
  ASSERT_FALSE(empty.open(dir.sub("empty")));
  EXPECT_TRUE(empty.bytes().empty());
  EXPECT_EQ(missing.open(dir.sub("nope")), std::error_code(ENOENT, std::system_category()));
}

TEST(FileUtil, TruncateShortensTheFile) {
  test::TempDir dir;
  test::write_bytes(dir.sub("a"), "abcdef");
  ASSERT_FALSE(fs::truncate_file(dir.sub("a"), 2));
  EXPECT_EQ(test::read_bytes(dir.sub("a")), "ab");
}

TEST(FileUtil, WriteAllThenDatasyncAndWriteToAReadOnlyFdFails) {
  test::TempDir dir;
  fs::Fd fd;
  ASSERT_FALSE(fs::open_file(dir.sub("w"), O_WRONLY | O_CREAT, fd));
  const std::string big(1 << 20, 'z');
  ASSERT_FALSE(fs::write_all(fd.get(), big.data(), big.size()));
  ASSERT_FALSE(fs::datasync(fd.get()));
  EXPECT_EQ(std::filesystem::file_size(dir.sub("w")), big.size());
  fs::Fd ro;
  ASSERT_FALSE(fs::open_file(dir.sub("w"), O_RDONLY, ro));
  EXPECT_EQ(fs::write_all(ro.get(), "x", 1), std::error_code(EBADF, std::system_category()));
}

TEST(FileUtil, FdMoveTransfersOwnership) {
  test::TempDir dir;
  fs::Fd a;
  ASSERT_FALSE(fs::open_file(dir.sub("x"), O_WRONLY | O_CREAT, a));
  const int raw = a.get();
  fs::Fd b(std::move(a));
  EXPECT_FALSE(a);
  EXPECT_EQ(b.get(), raw);
}

}  // namespace
}  // namespace gridhub::tsdb
