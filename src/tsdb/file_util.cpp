// POSIX file helpers for the store: errno becomes std::error_code, short writes and EINTR are retried.
#include "tsdb/file_util.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace gridhub::tsdb::fs {

std::error_code last_error() { return {errno, std::system_category()}; }

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) reset(o.release());
  return *this;
}

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

std::error_code MappedFile::open(const std::string& path) {
  Fd fd;
  if (auto ec = open_file(path, O_RDONLY, fd)) return ec;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return last_error();
  if (st.st_size == 0) return {};
  void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return last_error();
  data_ = static_cast<const uint8_t*>(p);
  size_ = static_cast<std::size_t>(st.st_size);
  return {};
}

std::error_code open_file(const std::string& path, int flags, Fd& out) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return last_error();
  out.reset(fd);
  return {};
}

std::error_code write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return {};
}

std::error_code datasync(int fd) {
  while (::fdatasync(fd) != 0) {
    if (errno != EINTR) return last_error();
  }
  return {};
}

std::error_code sync_dir(const std::string& dir) {
  Fd fd;
  if (auto ec = open_file(dir, O_RDONLY | O_DIRECTORY, fd)) return ec;
  while (::fsync(fd.get()) != 0) {
    if (errno != EINTR) return last_error();
  }
  return {};
}

std::error_code replace_file_durably(const std::string& dir, const std::string& tmp_name,
                                     const std::string& final_name, std::span<const char> data) {
  const std::string tmp = dir + "/" + tmp_name;
  const std::string final_path = dir + "/" + final_name;
  {
    Fd fd;
    if (auto ec = open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC, fd)) return ec;
    if (auto ec = write_all(fd.get(), data.data(), data.size())) return ec;
    // fsync, not fdatasync: the new file's size and inode must be durable before the rename points at it.
    if (::fsync(fd.get()) != 0) return last_error();
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) return last_error();
  return sync_dir(dir);
}

std::error_code truncate_file(const std::string& path, uint64_t size) {
  Fd fd;
  if (auto ec = open_file(path, O_WRONLY, fd)) return ec;
  if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) return last_error();
  if (::fsync(fd.get()) != 0) return last_error();
  return {};
}

}  // namespace gridhub::tsdb::fs
