// The offline buffer: measure-point posts made while disconnected, kept in order (bounded; optionally in a
// file), until they are delivered with measurepoint/resume. Not thread-safe: the client's strand owns it.
#pragma once
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <string>

namespace gridhub::device::detail {

// A record is one line of text (a JSON object without raw newlines; the client writes
// {"kind":"resume"|"resume_batch","pk":..,"dk":..,"params":..,"extra":..}).
//
// File format (when a path is given): the records, one per line, in order, appended with one write each and
// flushed (they survive the program's crash, not a power cut: no fsync, a device posts too often for that).
// Delivered records are not removed one by one: the file is truncated when the buffer empties and rewritten
// when more than half of it is delivered, so a crash during a replay re-sends some records — harmless, a
// resume of the same point at the same time stores the same value.
class OfflineBuffer {
 public:
  // max_records >= 1. path empty: memory only.
  OfflineBuffer(std::size_t max_records, std::string path);
  ~OfflineBuffer();
  OfflineBuffer(const OfflineBuffer&) = delete;
  OfflineBuffer& operator=(const OfflineBuffer&) = delete;

  // Loads the records a previous run left in the file (the newest max_records; a last line cut short by a
  // crash is ignored) and opens it for appending. Returns errc::buffer_io_error if it cannot be opened.
  boost::system::error_code open();

  // Appends a record; when full, the oldest is dropped first and `dropped` is set. A record containing '\n'
  // is refused (invalid_argument). A failed file write is returned but the record stays in memory.
  boost::system::error_code push(std::string record, bool& dropped);

  bool empty() const { return records_.empty(); }
  std::size_t size() const { return records_.size(); }
  std::size_t capacity() const { return max_; }
  // REQUIRES: !empty().
  const std::string& front() const { return records_.front(); }
  void pop_front();

 private:
  boost::system::error_code rewrite();

  std::size_t max_;
  std::string path_;
  std::deque<std::string> records_;
  std::FILE* file_ = nullptr;
  std::size_t lines_in_file_ = 0;  // records in the file, delivered ones included
};

}  // namespace gridhub::device::detail
