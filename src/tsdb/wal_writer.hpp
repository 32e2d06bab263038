// Frames logical WAL records into a segment's physical records (LevelDB log framing). Sans-I/O: it appends
// the bytes to a buffer and the caller writes them, so one write() can carry many records (group commit).
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace gridhub::tsdb {

// Not thread-safe: owned by the store's writer thread.
class WalWriter {
 public:
  // `segment_offset`: bytes already in the segment (0 for a new one); decides where the first block ends.
  explicit WalWriter(uint64_t segment_offset = 0) : offset_(segment_offset) {}

  // Appends the framing of `payload` to `out` (header + fragment, as many as block boundaries need).
  // REQUIRES: payload.size() <= kMaxRecordBytes.
  void add_record(std::span<const uint8_t> payload, std::string& out);

  // Segment size once everything framed so far is written.
  uint64_t offset() const { return offset_; }

 private:
  uint64_t offset_;
};

}  // namespace gridhub::tsdb
