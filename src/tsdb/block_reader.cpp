// Block reading: validation at open (every offset and CRC of footer, meta and index), binary search over the
// entry offset table, and frame decompression with zstd's streaming API so a chunk near the start of a
// frame does not pay for the rest of it.
#include "tsdb/block_reader.hpp"

#include <zstd.h>

#include <algorithm>
#include <atomic>

#include "tsdb/block_format.hpp"
#include "tsdb/chunk_codec.hpp"
#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"

namespace gridhub::tsdb {

namespace {

std::atomic<uint64_t> g_next_serial{1};

int compare_key(std::string_view a1, std::string_view p1, std::string_view a2, std::string_view p2) {
  if (int c = a1.compare(a2)) return c;
  return p1.compare(p2);
}

}  // namespace

FrameCache::~FrameCache() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_)); }

std::error_code BlockReader::open(const std::string& path, std::shared_ptr<const BlockReader>& out) {
  std::shared_ptr<BlockReader> reader(new BlockReader());
  if (auto ec = reader->load(path)) return ec;
  out = std::move(reader);
  return {};
}

std::error_code BlockReader::load(const std::string& path) {
  path_ = path;
  if (auto ec = file_.open(path)) return ec;
  const auto bytes = file_.bytes();
  const uint8_t* base = bytes.data();
  const std::size_t size = bytes.size();
  if (size < block::kHeaderSize + block::kFooterSize) return errc::corrupt_block;
  if (std::string_view(reinterpret_cast<const char*>(base), 8) != block::kMagic ||
      coding::load_fixed32(base + 8) != block::kVersion) {
    return errc::corrupt_block;
  }
  const std::size_t footer_at = size - block::kFooterSize;
  const uint8_t* footer = base + footer_at;
  if (std::string_view(reinterpret_cast<const char*>(footer + 40), 8) != block::kFooterMagic ||
      crc32c::unmask(coding::load_fixed32(footer + 36)) != crc32c::value(footer, 36)) {
    return errc::corrupt_block;
  }
  const uint64_t meta_offset = coding::load_fixed64(footer);
  const uint64_t index_offset = coding::load_fixed64(footer + 8);
  const uint64_t table_offset = coding::load_fixed64(footer + 16);
  const uint64_t count = coding::load_fixed64(footer + 24);
  if (meta_offset < block::kHeaderSize || meta_offset > index_offset || index_offset > table_offset ||
      table_offset > footer_at || (footer_at - table_offset) / 4 != count || (footer_at - table_offset) % 4 != 0) {
    return errc::corrupt_block;
  }
  if (crc32c::unmask(coding::load_fixed32(footer + 32)) !=
      crc32c::value(base + meta_offset, footer_at - meta_offset)) {
    return errc::corrupt_block;
  }

  coding::Cursor in(base + meta_offset, base + index_offset);
  uint64_t group = 0, start = 0, end = 0, id = 0, n = 0;
  uint8_t category = 0;
  if (!in.get_varint64(group) || group > UINT32_MAX || !in.get_u8(category) || category >= kCategoryCount ||
      !in.get_varint64(start) || !in.get_varint64(end) || !in.get_varint64(id) || !in.get_varint64(n) ||
      n > in.remaining()) {
    return errc::corrupt_block;
  }
  meta_.group = static_cast<uint32_t>(group);
  meta_.category = static_cast<Category>(category);
  meta_.start_ms = coding::unzigzag(start);
  meta_.last_ms = coding::unzigzag(end);
  meta_.id = id;
  if (meta_.start_ms > meta_.last_ms) return errc::corrupt_block;
  meta_.supersedes.resize(static_cast<std::size_t>(n));
  for (uint64_t& s : meta_.supersedes) {
    if (!in.get_varint64(s)) return errc::corrupt_block;
  }
  if (!in.get_varint64(n) || n > in.remaining() / block::kFrameEntrySize) return errc::corrupt_block;
  frame_count_ = static_cast<uint32_t>(n);
  frames_ = base + index_offset - in.remaining();
  for (uint32_t f = 0; f < frame_count_; ++f) {
    const uint8_t* e = frames_ + f * block::kFrameEntrySize;
    const uint64_t at = coding::load_fixed64(e);
    const uint32_t stored = coding::load_fixed32(e + 8);
    const uint32_t raw = coding::load_fixed32(e + 12);
    if (at < block::kHeaderSize || at > meta_offset || stored > meta_offset - at || raw == 0 ||
        raw > block::kMaxFrameRawBytes) {
      return errc::corrupt_block;
    }
  }
  coding::Cursor rest(frames_ + frame_count_ * block::kFrameEntrySize, base + index_offset);
  if (!rest.get_fixed64(points_) || !rest.at_end()) return errc::corrupt_block;
  frames_end_ = meta_offset;
  index_ = base + index_offset;
  index_size_ = static_cast<std::size_t>(table_offset - index_offset);
  table_ = base + table_offset;
  entry_count_ = static_cast<std::size_t>(count);
  serial_ = g_next_serial.fetch_add(1, std::memory_order_relaxed);
  return {};
}

bool BlockReader::entry(std::size_t k, std::string_view& asset_id, std::string_view& point_id, ChunkRef& ref) const {
  if (k >= entry_count_) return false;
  const uint32_t off = coding::load_fixed32(table_ + 4 * k);
  if (off >= index_size_) return false;
  coding::Cursor in(index_ + off, index_ + index_size_);
  uint64_t frame = 0, offset = 0, length = 0, count = 0, lo = 0, hi = 0;
  if (!in.get_bytes(asset_id, kMaxAssetIdBytes) || !in.get_bytes(point_id, kMaxPointIdBytes) ||
      !in.get_varint64(frame) || !in.get_varint64(offset) || !in.get_varint64(length) ||
      !in.get_varint64(count) || !in.get_varint64(lo) || !in.get_varint64(hi)) {
    return false;
  }
  if (frame >= frame_count_ || count == 0 || count > kMaxChunkPoints || offset > UINT32_MAX ||
      length > UINT32_MAX) {
    return false;
  }
  const uint32_t raw = coding::load_fixed32(frames_ + frame * block::kFrameEntrySize + 12);
  if (offset > raw || length > raw - offset) return false;
  ref.frame = static_cast<uint32_t>(frame);
  ref.offset = static_cast<uint32_t>(offset);
  ref.length = static_cast<uint32_t>(length);
  ref.count = static_cast<uint32_t>(count);
  ref.min_time = coding::unzigzag(lo);
  ref.max_time = coding::unzigzag(hi);
  return ref.min_time <= ref.max_time;
}

std::size_t BlockReader::lower_bound(std::string_view asset_id, std::string_view point_id) const {
  std::size_t lo = 0, hi = entry_count_;
  std::string_view a, p;
  ChunkRef ref;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    // A malformed entry sorts last: the search then ends early and read_chunk reports nothing wrong about
    // data it never reached; the CRC at open makes this a writer bug anyway.
    if (entry(mid, a, p, ref) && compare_key(a, p, asset_id, point_id) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::error_code BlockReader::frame_bytes(uint32_t frame, std::size_t need, FrameCache& cache) const {
  const uint8_t* e = frames_ + frame * block::kFrameEntrySize;
  const uint64_t at = coding::load_fixed64(e);
  const uint32_t stored = coding::load_fixed32(e + 8);
  const uint32_t raw = coding::load_fixed32(e + 12);
  const uint8_t* src = file_.bytes().data() + at;
  if (need > raw) return errc::corrupt_block;
  if (cache.reader_serial_ != serial_ || cache.frame_ != frame) {
    cache.reader_serial_ = 0;
    if (crc32c::unmask(coding::load_fixed32(e + 16)) != crc32c::value(src, stored)) return errc::corrupt_block;
    if (!cache.dctx_) cache.dctx_ = ZSTD_createDCtx();
    if (!cache.dctx_) return std::make_error_code(std::errc::not_enough_memory);
    ZSTD_DCtx_reset(static_cast<ZSTD_DCtx*>(cache.dctx_), ZSTD_reset_session_only);
    cache.raw_.resize(raw);
    cache.valid_ = 0;
    cache.stored_consumed_ = 0;
    cache.finished_ = false;
    cache.reader_serial_ = serial_;
    cache.frame_ = frame;
  }
  while (cache.valid_ < need) {
    if (cache.finished_) return errc::corrupt_block;  // the frame holds fewer bytes than its table says
    ZSTD_outBuffer out{cache.raw_.data(), need, cache.valid_};
    ZSTD_inBuffer in{src, stored, cache.stored_consumed_};
    const std::size_t r = ZSTD_decompressStream(static_cast<ZSTD_DCtx*>(cache.dctx_), &out, &in);
    const bool progress = out.pos != cache.valid_ || in.pos != cache.stored_consumed_;
    if (ZSTD_isError(r) || (!progress && r != 0)) {
      cache.reader_serial_ = 0;
      return errc::corrupt_block;
    }
    cache.valid_ = out.pos;
    cache.stored_consumed_ = in.pos;
    if (r == 0) cache.finished_ = true;
  }
  return {};
}

std::error_code BlockReader::read_chunk(const ChunkRef& ref, FrameCache& cache, std::vector<Point>& out) const {
  if (auto ec = frame_bytes(ref.frame, std::size_t{ref.offset} + ref.length, cache)) return ec;
  const std::size_t before = out.size();
  if (auto ec = decode_chunk({cache.raw_.data() + ref.offset, ref.length}, out)) {
    out.resize(before);
    return errc::corrupt_block;
  }
  if (out.size() - before != ref.count || out[before].time_ms != ref.min_time || out.back().time_ms != ref.max_time) {
    out.resize(before);
    return errc::corrupt_block;
  }
  return {};
}

std::error_code BlockReader::read_series(std::string_view asset_id, std::string_view point_id, int64_t lo,
                                         int64_t last, FrameCache& cache, std::vector<Point>& out) const {
  std::string_view a, p;
  ChunkRef ref;
  for (std::size_t k = lower_bound(asset_id, point_id); k < entry_count_; ++k) {
    if (!entry(k, a, p, ref)) return errc::corrupt_block;
    if (a != asset_id || p != point_id || ref.min_time > last) break;
    if (ref.max_time < lo) continue;
    const std::size_t at = out.size();
    if (auto ec = read_chunk(ref, cache, out)) return ec;
    // Trim the chunk to the range: it is sorted, so the cut is at both ends.
    if (ref.min_time < lo) {
      auto first = std::lower_bound(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), lo,
                                    [](const Point& x, int64_t t) { return x.time_ms < t; });
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(at), first);
    }
    if (ref.max_time > last) {
      auto past = std::upper_bound(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), last,
                                   [](int64_t t, const Point& x) { return t < x.time_ms; });
      out.erase(past, out.end());
    }
  }
  return {};
}

bool BlockReader::has_points(std::string_view asset_id, std::string_view point_id, int64_t lo, int64_t last) const {
  std::string_view a, p;
  ChunkRef ref;
  for (std::size_t k = lower_bound(asset_id, point_id); k < entry_count_; ++k) {
    if (!entry(k, a, p, ref)) return true;  // unreadable: let the caller's read report it
    if (a != asset_id || p != point_id || ref.min_time > last) return false;
    if (ref.max_time >= lo) return true;
  }
  return false;
}

bool BlockReader::has_asset_points(std::string_view asset_id, int64_t lo, int64_t last) const {
  std::string_view a, p;
  ChunkRef ref;
  for (std::size_t k = lower_bound(asset_id, {}); k < entry_count_; ++k) {
    if (!entry(k, a, p, ref)) return true;
    if (a != asset_id) return false;
    if (ref.min_time <= last && ref.max_time >= lo) return true;
  }
  return false;
}

}  // namespace gridhub::tsdb
