// WAL segment reading (LevelDB db/log_reader.cc, minus resynchronisation: we stop at the first damage).
// Damage with nothing good after it is a torn tail, the normal trace of a crash mid-write; damage followed by
// a good record can only be corruption at rest, and is reported as such.
#include "tsdb/wal_reader.hpp"

#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/limits.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {

using wal::kBlockSize;
using wal::kHeaderSize;
using wal::RecordType;

bool WalReader::next(std::span<const uint8_t>& record, uint64_t& record_offset) {
  if (done_) return false;
  bool in_fragment = false;
  uint64_t start = 0;
  scratch_.clear();
  for (;;) {
    uint8_t type = 0;
    std::span<const uint8_t> fragment;
    uint64_t at = 0;
    switch (read_physical(type, fragment, at)) {
      case Physical::Eof:
        if (in_fragment) return stop(WalEnd::TornTail, start, "fragmented record cut by end of file");
        return stop(WalEnd::Clean, data_.size(), "");
      case Physical::Damaged: {
        const WalEnd end = good_data_after(damaged_at_, damaged_end_) ? WalEnd::Corrupt : WalEnd::TornTail;
        return stop(end, in_fragment ? start : damaged_at_, reason_);
      }
      case Physical::Ok:
        break;
    }
    switch (static_cast<RecordType>(type)) {
      case RecordType::Full:
        if (in_fragment) return stop(WalEnd::Corrupt, start, "full record inside a fragmented one");
        record = fragment;
        record_offset = at;
        return true;
      case RecordType::First:
        if (in_fragment) return stop(WalEnd::Corrupt, start, "first fragment inside a fragmented record");
        in_fragment = true;
        start = at;
        scratch_.assign(fragment.begin(), fragment.end());
        break;
      case RecordType::Middle:
      case RecordType::Last:
        if (!in_fragment) return stop(WalEnd::Corrupt, at, "fragment without a first fragment");
        if (scratch_.size() + fragment.size() > kMaxRecordBytes) {
          return stop(WalEnd::Corrupt, start, "record larger than kMaxRecordBytes");
        }
        scratch_.insert(scratch_.end(), fragment.begin(), fragment.end());
        if (static_cast<RecordType>(type) == RecordType::Last) {
          record = scratch_;
          record_offset = start;
          return true;
        }
        break;
      case RecordType::Zero:
        break;  // read_physical never returns it as Ok
    }
  }
}

WalReader::Physical WalReader::read_physical(uint8_t& type, std::span<const uint8_t>& fragment,
                                             uint64_t& at) {
  const uint64_t size = data_.size();
  for (;;) {
    if (pos_ >= size) return Physical::Eof;
    const uint64_t block_left = kBlockSize - pos_ % kBlockSize;
    if (block_left < kHeaderSize) {
      pos_ += block_left;  // block trailer: zero padding the writer left because no header fitted
      continue;
    }
    at = pos_;
    damaged_at_ = at;
    if (size - at < kHeaderSize) {
      damaged_end_ = size;
      reason_ = "header cut by end of file";
      return Physical::Damaged;
    }
    const uint8_t* h = data_.data() + at;
    const uint32_t stored_crc = coding::load_fixed32(h);
    const uint32_t length = coding::load_fixed16(h + 4);
    type = h[6];
    if (type == 0 && length == 0 && stored_crc == 0) {
      damaged_end_ = at;  // unknown: no claim about what follows
      reason_ = "zero-filled header";
      return Physical::Damaged;
    }
    if (kHeaderSize + length > block_left) {
      damaged_end_ = at;
      reason_ = "length past the end of its block";
      return Physical::Damaged;
    }
    damaged_end_ = at + kHeaderSize + length;
    if (damaged_end_ > size) {
      reason_ = "record cut by end of file";
      return Physical::Damaged;
    }
    if (type == 0 || type > wal::kMaxRecordType) {
      reason_ = "unknown record type";
      return Physical::Damaged;
    }
    if (crc32c::unmask(stored_crc) != crc32c::value(h + 6, 1 + length)) {
      reason_ = "checksum mismatch";
      return Physical::Damaged;
    }
    fragment = data_.subspan(at + kHeaderSize, length);
    pos_ = at + kHeaderSize + length;
    return Physical::Ok;
  }
}

bool WalReader::valid_physical_at(uint64_t pos) const {
  const uint64_t size = data_.size();
  const uint64_t block_left = kBlockSize - pos % kBlockSize;
  if (block_left < kHeaderSize || pos >= size || size - pos < kHeaderSize) return false;
  const uint8_t* h = data_.data() + pos;
  const uint32_t length = coding::load_fixed16(h + 4);
  const uint8_t type = h[6];
  if (type == 0 || type > wal::kMaxRecordType) return false;
  if (kHeaderSize + length > block_left || pos + kHeaderSize + length > size) return false;
  return crc32c::unmask(coding::load_fixed32(h)) == crc32c::value(h + 6, 1 + length);
}

bool WalReader::good_data_after(uint64_t damaged_at, uint64_t damaged_end) const {
  // The physical record right behind the damaged one, when its length could be believed...
  if (damaged_end > damaged_at && valid_physical_at(damaged_end)) return true;
  // ...else any later block start, where a header always begins.
  for (uint64_t b = (damaged_at / kBlockSize + 1) * kBlockSize; b < data_.size(); b += kBlockSize) {
    if (valid_physical_at(b)) return true;
  }
  return false;
}

bool WalReader::stop(WalEnd end, uint64_t offset, const char* reason) {
  done_ = true;
  end_ = end;
  end_offset_ = offset;
  reason_ = reason;
  return false;
}

}  // namespace gridhub::tsdb
