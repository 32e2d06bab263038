// Reads logical records back from one WAL segment's bytes and says where and how its good data ends.
// Sans-I/O: the caller maps or reads the file and decides what to do with a damaged end (recovery.cpp
// truncates a tail).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace gridhub::tsdb {

enum class WalEnd : uint8_t {
  Clean,     // every byte belonged to a good record (or to block padding)
  TornTail,  // the last record is incomplete or damaged and nothing good follows it: an interrupted write
  Corrupt,   // a damaged record with good data after it: the bytes changed after they were written
};

// Not thread-safe; one per segment. The segment bytes must outlive the reader.
class WalReader {
 public:
  explicit WalReader(std::span<const uint8_t> segment) : data_(segment) {}

  // Next logical record: `record` views the segment (or the reader's scratch for a fragmented record) until
  // the next call; `record_offset` is where its first fragment starts. False at the end of good data: see
  // end().
  bool next(std::span<const uint8_t>& record, uint64_t& record_offset);

  // Valid once next() returned false.
  WalEnd end() const { return end_; }
  // Where good data ends: the start of the first logical record that could not be read (segment size if
  // Clean). For TornTail the segment can be truncated to this length without losing a good record.
  uint64_t end_offset() const { return end_offset_; }
  // Why reading stopped, for the log ("checksum mismatch", "record cut by end of file", ...).
  const char* reason() const { return reason_; }

 private:
  enum class Physical : uint8_t { Ok, Eof, Damaged };
  Physical read_physical(uint8_t& type, std::span<const uint8_t>& fragment, uint64_t& at);
  bool valid_physical_at(uint64_t pos) const;
  bool good_data_after(uint64_t damaged_at, uint64_t damaged_end) const;
  bool stop(WalEnd end, uint64_t offset, const char* reason);

  std::span<const uint8_t> data_;
  uint64_t pos_ = 0;
  std::vector<uint8_t> scratch_;
  WalEnd end_ = WalEnd::Clean;
  uint64_t end_offset_ = 0;
  const char* reason_ = "";
  // Set by read_physical on damage: where the damaged physical record starts and where it claims to end.
  uint64_t damaged_at_ = 0;
  uint64_t damaged_end_ = 0;
  bool done_ = false;
};

}  // namespace gridhub::tsdb
