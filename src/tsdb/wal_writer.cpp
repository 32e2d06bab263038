// WAL framing: split a logical record over 32 KiB blocks as Full or First/Middle.../Last fragments, each
// behind a header carrying its masked CRC32C (LevelDB db/log_writer.cc).
#include "tsdb/wal_writer.hpp"

#include <algorithm>
#include <cassert>

#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/limits.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {

using wal::kBlockSize;
using wal::kHeaderSize;
using wal::RecordType;

void WalWriter::add_record(std::span<const uint8_t> payload, std::string& out) {
  assert(payload.size() <= kMaxRecordBytes);
  const uint8_t* p = payload.data();
  std::size_t left = payload.size();
  bool begin = true;
  // An empty payload still gets one Full fragment, as in LevelDB.
  do {
    std::size_t block_left = kBlockSize - static_cast<std::size_t>(offset_ % kBlockSize);
    if (block_left < kHeaderSize) {
      // Too little room for a header: pad the block with zeros (the reader skips a block's trailer).
      out.append(block_left, '\0');
      offset_ += block_left;
      block_left = kBlockSize;
    }
    const std::size_t avail = block_left - kHeaderSize;
    const std::size_t n = std::min(left, avail);
    const bool end = n == left;
    const RecordType type = begin && end ? RecordType::Full
                            : begin      ? RecordType::First
                            : end        ? RecordType::Last
                                         : RecordType::Middle;
    const auto type_byte = static_cast<uint8_t>(type);
    uint32_t crc = crc32c::extend(0, &type_byte, 1);
    crc = crc32c::extend(crc, p, n);
    coding::put_fixed32(out, crc32c::mask(crc));
    coding::put_fixed16(out, static_cast<uint16_t>(n));
    out.push_back(static_cast<char>(type_byte));
    if (n > 0) out.append(reinterpret_cast<const char*>(p), n);
    offset_ += kHeaderSize + n;
    p += n;
    left -= n;
    begin = false;
  } while (left > 0);
}

}  // namespace gridhub::tsdb
