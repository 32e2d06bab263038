// Block building: a series' points are cut into chunks (encode_chunk), chunks appended to the open frame, a
// frame compressed once it reaches kFrameTargetBytes; finish() adds meta, index, offset table and footer.
#include "tsdb/block_builder.hpp"

#include <zstd.h>

#include <cassert>

#include "tsdb/block_format.hpp"
#include "tsdb/chunk_codec.hpp"
#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/errc.hpp"

namespace gridhub::tsdb {

BlockBuilder::BlockBuilder(BlockMeta meta, int zstd_level) : meta_(std::move(meta)), level_(zstd_level) {
  file_.append(block::kMagic);
  coding::put_fixed32(file_, block::kVersion);
}

BlockBuilder::~BlockBuilder() { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_)); }

void BlockBuilder::add_series(std::string_view asset_id, std::string_view point_id, std::span<const Point> points) {
  assert(!points.empty());
  ++series_;
  std::size_t k = 0;
  while (k < points.size()) {
    // One chunk: up to kChunkMaxPoints points, or until its String/Json bytes reach kChunkMaxValueBytes.
    std::size_t n = 0, value_bytes = 0;
    while (k + n < points.size() && n < block::kChunkMaxPoints && value_bytes < block::kChunkMaxValueBytes) {
      value_bytes += points[k + n].value.s.size();
      ++n;
    }
    const auto chunk_points = points.subspan(k, n);
    chunk_.clear();
    encode_chunk(chunk_points, chunk_);

    if (entry_offsets_.size() == UINT32_MAX || index_.size() > UINT32_MAX) {
      error_ = errc::corrupt_block;  // unreachable in practice: a block index past 4 GiB
      return;
    }
    entry_offsets_.push_back(static_cast<uint32_t>(index_.size()));
    coding::put_bytes(index_, asset_id);
    coding::put_bytes(index_, point_id);
    coding::put_varint64(index_, frame_count_);
    coding::put_varint64(index_, raw_.size());
    coding::put_varint64(index_, chunk_.size());
    coding::put_varint64(index_, n);
    coding::put_varint64(index_, coding::zigzag(chunk_points.front().time_ms));
    coding::put_varint64(index_, coding::zigzag(chunk_points.back().time_ms));
    raw_.append(chunk_);
    points_ += n;
    k += n;
    if (raw_.size() >= block::kFrameTargetBytes) {
      if (auto ec = close_frame()) error_ = ec;
    }
  }
}

std::error_code BlockBuilder::close_frame() {
  if (raw_.empty()) return {};
  if (!cctx_) cctx_ = ZSTD_createCCtx();
  if (!cctx_) return std::make_error_code(std::errc::not_enough_memory);
  const std::size_t at = file_.size();
  const std::size_t bound = ZSTD_compressBound(raw_.size());
  file_.resize(at + bound);
  const std::size_t n =
      ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(cctx_), file_.data() + at, bound, raw_.data(), raw_.size(), level_);
  if (ZSTD_isError(n)) {
    file_.resize(at);
    return std::make_error_code(std::errc::io_error);
  }
  file_.resize(at + n);
  coding::put_fixed64(frames_, at);
  coding::put_fixed32(frames_, static_cast<uint32_t>(n));
  coding::put_fixed32(frames_, static_cast<uint32_t>(raw_.size()));
  coding::put_fixed32(frames_, crc32c::mask(crc32c::value(file_.data() + at, n)));
  ++frame_count_;
  raw_.clear();
  return {};
}

std::error_code BlockBuilder::finish(std::string& out) {
  if (!error_) error_ = close_frame();
  if (error_) return error_;
  const uint64_t meta_offset = file_.size();
  coding::put_varint64(file_, meta_.group);
  file_.push_back(static_cast<char>(meta_.category));
  coding::put_varint64(file_, coding::zigzag(meta_.start_ms));
  coding::put_varint64(file_, coding::zigzag(meta_.last_ms));
  coding::put_varint64(file_, meta_.id);
  coding::put_varint64(file_, meta_.supersedes.size());
  for (uint64_t id : meta_.supersedes) coding::put_varint64(file_, id);
  coding::put_varint64(file_, frame_count_);
  file_.append(frames_);
  coding::put_fixed64(file_, points_);
  const uint64_t index_offset = file_.size();
  file_.append(index_);
  const uint64_t table_offset = file_.size();
  for (uint32_t off : entry_offsets_) coding::put_fixed32(file_, off);
  const std::size_t footer_at = file_.size();
  const uint32_t body_crc = crc32c::value(file_.data() + meta_offset, footer_at - meta_offset);
  coding::put_fixed64(file_, meta_offset);
  coding::put_fixed64(file_, index_offset);
  coding::put_fixed64(file_, table_offset);
  coding::put_fixed64(file_, entry_offsets_.size());
  coding::put_fixed32(file_, crc32c::mask(body_crc));
  coding::put_fixed32(file_, crc32c::mask(crc32c::value(file_.data() + footer_at, 36)));
  file_.append(block::kFooterMagic);
  out.swap(file_);
  file_.clear();
  return {};
}

}  // namespace gridhub::tsdb
