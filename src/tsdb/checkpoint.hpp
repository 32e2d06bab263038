// The checkpoint file (latest.chk): the whole latest-value table plus the last WAL segment it covers, so
// recovery reads it and replays only newer segments. Sans-I/O encode/decode; the store does the file dance.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "tsdb/latest_table.hpp"

namespace gridhub::tsdb {

// Appends a checkpoint of `table` covering WAL segments <= covered_segment to `out`.
// REQUIRES: no other thread mutates `table` meanwhile (readers are fine).
void encode_checkpoint(const LatestTable& table, uint64_t covered_segment, std::string& out);

// Loads a checkpoint into `table` and sets `covered_segment`. errc::corrupt_checkpoint when the magic,
// version, CRC or any entry is wrong; `table` is then left as it was.
std::error_code decode_checkpoint(std::span<const uint8_t> bytes, LatestTable& table,
                                  uint64_t& covered_segment);

}  // namespace gridhub::tsdb
