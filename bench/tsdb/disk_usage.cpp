// A recursive lstat walk with std::filesystem's error_code overloads (no exceptions).
#include "disk_usage.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

namespace gridhub::bench {

namespace {

void add_file(const std::string& path, DiskUsage& u) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;  // gone since it was listed
  u.allocated += static_cast<uint64_t>(st.st_blocks) * 512;
  if (S_ISREG(st.st_mode)) u.apparent += static_cast<uint64_t>(st.st_size);
}

void add_tree(const std::string& path, DiskUsage& u) {
  add_file(path, u);
  std::error_code ec;
  if (!std::filesystem::is_directory(std::filesystem::symlink_status(path, ec))) return;
  std::filesystem::directory_iterator it(path, ec), end;
  for (; !ec && it != end; it.increment(ec)) add_tree(it->path().string(), u);
}

}  // namespace

bool usage_by_entry(const std::string& dir, std::map<std::string, DiskUsage>& out, std::string& error) {
  out.clear();
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  if (ec) {
    error = "cannot list " + dir + ": " + ec.message();
    return false;
  }
  for (; !ec && it != end; it.increment(ec)) add_tree(it->path().string(), out[it->path().filename().string()]);
  if (ec) {
    error = "listing " + dir + ": " + ec.message();
    return false;
  }
  return true;
}

bool usage_of(const std::string& path, DiskUsage& out, std::string& error) {
  out = DiskUsage();
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    error = path + " does not exist";
    return false;
  }
  add_tree(path, out);
  return true;
}

}  // namespace gridhub::bench
