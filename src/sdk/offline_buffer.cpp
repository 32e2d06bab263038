// The offline buffer's memory queue and its append-only file.
#include "sdk/offline_buffer.hpp"

#include <cassert>
#include <filesystem>
#include <fstream>

#include "gridhub/device/errc.hpp"

namespace gridhub::device::detail {

OfflineBuffer::OfflineBuffer(std::size_t max_records, std::string path)
    : max_(max_records == 0 ? 1 : max_records), path_(std::move(path)) {}

OfflineBuffer::~OfflineBuffer() {
  // A clean shutdown leaves exactly the undelivered records (only a crash re-sends delivered ones).
  if (file_) (void)rewrite();
  if (file_) std::fclose(file_);
}

boost::system::error_code OfflineBuffer::open() {
  if (path_.empty() || file_) return {};
  {
    std::ifstream in(path_, std::ios::binary);
    std::string line;
    while (in && std::getline(in, line)) {
      if (in.eof()) break;  // no final '\n': the write was cut short
      if (line.empty()) continue;
      records_.push_back(std::move(line));
      if (records_.size() > max_) records_.pop_front();
    }
  }
  // Rewrite so that the file holds exactly what is in memory (drops a cut line and records past the bound).
  return rewrite();
}

boost::system::error_code OfflineBuffer::rewrite() {
  if (path_.empty()) return {};
  if (file_) std::fclose(file_);
  file_ = nullptr;
  const std::string tmp = path_ + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error_code(errc::buffer_io_error);
  bool ok = true;
  for (const auto& r : records_) {
    ok = ok && std::fwrite(r.data(), 1, r.size(), f) == r.size() && std::fputc('\n', f) != EOF;
  }
  ok = std::fclose(f) == 0 && ok;
  std::error_code fec;
  if (ok) std::filesystem::rename(tmp, path_, fec);
  if (!ok || fec) return make_error_code(errc::buffer_io_error);
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_) return make_error_code(errc::buffer_io_error);
  lines_in_file_ = records_.size();
  return {};
}

boost::system::error_code OfflineBuffer::push(std::string record, bool& dropped) {
  dropped = false;
  if (record.find('\n') != std::string::npos) return make_error_code(errc::invalid_argument);
  if (records_.size() >= max_) {
    records_.pop_front();
    dropped = true;
  }
  records_.push_back(std::move(record));
  if (!file_) return path_.empty() ? boost::system::error_code{} : make_error_code(errc::buffer_io_error);
  const auto& r = records_.back();
  bool ok = std::fwrite(r.data(), 1, r.size(), file_) == r.size() && std::fputc('\n', file_) != EOF &&
            std::fflush(file_) == 0;
  ++lines_in_file_;
  if (!ok) return make_error_code(errc::buffer_io_error);
  // Dropped records stay in the file until it is compacted: bound the file at twice the buffer.
  if (lines_in_file_ > 2 * max_) return rewrite();
  return {};
}

void OfflineBuffer::pop_front() {
  assert(!records_.empty());
  records_.pop_front();
  if (!file_) return;
  if (records_.empty()) {
    // Everything delivered: start the file afresh.
    std::fclose(file_);
    file_ = std::fopen(path_.c_str(), "wb");
    lines_in_file_ = 0;
  } else if (lines_in_file_ > 2 * records_.size() + 64) {
    (void)rewrite();
  }
}

}  // namespace gridhub::device::detail
