#include "sdk/offline_buffer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "gridhub/device/errc.hpp"

namespace fs = std::filesystem;
using gridhub::device::errc;
using gridhub::device::detail::OfflineBuffer;

namespace {

std::string temp_dir() {
  static int counter = 0;
  auto p = fs::temp_directory_path() /
           ("gridhub-sdk-buf-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(OfflineBuffer, KeepsOrderAndHoldsExactlyMax) {
  OfflineBuffer b(3, "");
  ASSERT_FALSE(b.open());
  bool dropped = true;
  for (const char* r : {"a", "b", "c"}) {
    EXPECT_FALSE(b.push(r, dropped));
    EXPECT_FALSE(dropped);  // N records fit
  }
  EXPECT_EQ(b.size(), 3u);
  EXPECT_FALSE(b.push("d", dropped));  // N+1: the oldest goes
  EXPECT_TRUE(dropped);
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(b.front(), "b");
  b.pop_front();
  EXPECT_EQ(b.front(), "c");
  b.pop_front();
  EXPECT_EQ(b.front(), "d");
  b.pop_front();
  EXPECT_TRUE(b.empty());
}

TEST(OfflineBuffer, RefusesARecordWithANewline) {
  OfflineBuffer b(3, "");
  bool dropped = false;
  EXPECT_EQ(b.push("a\nb", dropped), errc::invalid_argument);
  EXPECT_TRUE(b.empty());
}

TEST(OfflineBuffer, SurvivesARestartThroughItsFile) {
  const std::string dir = temp_dir();
  const std::string path = dir + "/buf.log";
  {
    OfflineBuffer b(10, path);
    ASSERT_FALSE(b.open());
    bool dropped = false;
    for (const char* r : {"r1", "r2", "r3"}) ASSERT_FALSE(b.push(r, dropped));
    EXPECT_EQ(slurp(path), "r1\nr2\nr3\n");  // each push is in the file at once (a crash keeps it)
    b.pop_front();
    fs::copy_file(path, dir + "/crashed.log");  // what a crash now would leave
  }
  OfflineBuffer again(10, path);
  ASSERT_FALSE(again.open());
  ASSERT_EQ(again.size(), 2u);  // a clean shutdown left only the undelivered records
  EXPECT_EQ(again.front(), "r2");
  OfflineBuffer crashed(10, dir + "/crashed.log");
  ASSERT_FALSE(crashed.open());
  EXPECT_EQ(crashed.size(), 3u);  // after a crash the delivered one comes again (a resume is idempotent)
}

TEST(OfflineBuffer, IgnoresALineCutShortAndKeepsOnlyTheNewestMax) {
  const std::string path = temp_dir() + "/buf.log";
  {
    std::ofstream out(path, std::ios::binary);
    out << "a\nb\nc\nd\npartial";  // the last write was cut by a crash
  }
  OfflineBuffer b(3, path);
  ASSERT_FALSE(b.open());
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.front(), "b");
  EXPECT_EQ(slurp(path), "b\nc\nd\n");
}

TEST(OfflineBuffer, FileIsEmptiedWhenEverythingIsDelivered) {
  const std::string path = temp_dir() + "/buf.log";
  OfflineBuffer b(5, path);
  ASSERT_FALSE(b.open());
  bool dropped = false;
  ASSERT_FALSE(b.push("x", dropped));
  ASSERT_FALSE(b.push("y", dropped));
  b.pop_front();
  b.pop_front();
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST(OfflineBuffer, FileStaysBoundedWhileDropping) {
  const std::string path = temp_dir() + "/buf.log";
  OfflineBuffer b(4, path);
  ASSERT_FALSE(b.open());
  bool dropped = false;
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(b.push("rec" + std::to_string(i), dropped));
  EXPECT_EQ(b.size(), 4u);
  EXPECT_EQ(b.front(), "rec96");
  std::string text = slurp(path);
  EXPECT_LE(std::count(text.begin(), text.end(), '\n'), 8);  // at most twice the bound
}

TEST(OfflineBuffer, UnwritableDirectoryIsReported) {
  OfflineBuffer b(4, "/nonexistent-dir-for-gridhub-test/buf.log");
  EXPECT_EQ(b.open(), errc::buffer_io_error);
  bool dropped = false;
  EXPECT_EQ(b.push("kept in memory", dropped), errc::buffer_io_error);
  EXPECT_EQ(b.size(), 1u);
}
