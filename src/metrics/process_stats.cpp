// /proc/self readers for the process gauges.
#include "metrics/process_stats.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>

namespace gridhub::metrics {

uint64_t resident_pages_from_statm(std::string_view statm) {
  uint64_t size = 0, resident = 0;
  const char* p = statm.data();
  const char* end = p + statm.size();
  auto [after_size, ec1] = std::from_chars(p, end, size);
  if (ec1 != std::errc() || after_size == end || *after_size != ' ') return 0;
  auto [after_resident, ec2] = std::from_chars(after_size + 1, end, resident);
  if (ec2 != std::errc()) return 0;
  return resident;
}

uint64_t resident_memory_bytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return 0;
  const long page = ::sysconf(_SC_PAGESIZE);
  return resident_pages_from_statm(std::string_view(buf, static_cast<std::size_t>(n))) *
         static_cast<uint64_t>(page > 0 ? page : 4096);
}

uint64_t open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return 0;
  uint64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n > 0 ? n - 1 : 0;  // the directory stream's own descriptor
}

}  // namespace gridhub::metrics
