// The POSIX file operations the store needs, each returning a std::error_code (errno in system_category):
// an owned descriptor, a read-only mapping, whole writes, and the fsync-the-directory dance.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace gridhub::tsdb::fs {

// The current errno as an error code.
std::error_code last_error();

// Owns a file descriptor; closes it on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A whole file mapped read-only (an empty file maps to an empty span). Not thread-safe.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&&) = delete;
  ~MappedFile();
  std::error_code open(const std::string& path);
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// open(2) with O_CLOEXEC.
std::error_code open_file(const std::string& path, int flags, Fd& out);

// write(2) until every byte is written (retrying short writes and EINTR).
std::error_code write_all(int fd, const void* data, std::size_t n);

// fdatasync(2), retrying EINTR.
std::error_code datasync(int fd);

// fsync(2) of a directory, so entries created, renamed or removed in it survive a power loss.
std::error_code sync_dir(const std::string& dir);

// Writes `data` to dir/tmp_name, fsyncs it, renames it over dir/final_name and fsyncs `dir`: afterwards the
// file holds either its old content or all of `data`, never a mix.
std::error_code replace_file_durably(const std::string& dir, const std::string& tmp_name,
                                     const std::string& final_name, std::span<const char> data);

// Shortens the file to `size` bytes and fsyncs it.
std::error_code truncate_file(const std::string& path, uint64_t size);

}  // namespace gridhub::tsdb::fs
