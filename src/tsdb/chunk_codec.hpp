// A chunk: the points of one series in one block, encoded column by column (timestamps, value kinds, values,
// qualities) into byte-aligned streams that a general-purpose compressor then squeezes further. Sans-I/O.
// No general-purpose compression here: the block writer compresses many chunks together (block_format).
// Layout and the reasoning behind each encoding in docs/chunk_format.md.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb {

// Appends the chunk of `points` to `out`. REQUIRES: points sorted by time, strictly ascending (one per
// timestamp), at least one, each value within the store's limits (check_sample). Lossless: decode_chunk
// gives back every time, kind, bit of every double (NaN payloads, -0.0), string byte and quality.
void encode_chunk(std::span<const Point> points, std::string& out);

// Appends the chunk's points to `out` (ascending). errc::corrupt_block when the bytes are malformed, truncated,
// have trailing bytes or claim more points than kMaxChunkPoints; `out` then holds what was appended before
// the damage was found (callers discard it).
std::error_code decode_chunk(std::span<const uint8_t> bytes, std::vector<Point>& out);

// The number of points a chunk holds, read from its header without decoding it; errc::corrupt_block if the
// header is malformed.
std::error_code chunk_point_count(std::span<const uint8_t> bytes, uint32_t& count);

}  // namespace gridhub::tsdb
