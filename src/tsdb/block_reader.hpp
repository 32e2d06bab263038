// Reads one block file through a read-only mapping: checks footer and index CRCs at open, finds a series by
// binary search over the index, and decompresses only the frame (and only the prefix of it) a chunk needs.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "tsdb/block_builder.hpp"
#include "tsdb/file_util.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb {

// Where one chunk of one series lies in a block.
struct ChunkRef {
  uint32_t frame = 0;
  uint32_t offset = 0;  // in the frame's raw bytes
  uint32_t length = 0;
  uint32_t count = 0;  // points
  int64_t min_time = 0, max_time = 0;
};

class BlockReader;

// The decompressed prefix of the last frame read, so consecutive chunks of one frame decompress it once.
// Not thread-safe: one per thread (queries use a thread_local one) or per merge input.
class FrameCache {
 public:
  FrameCache() = default;
  ~FrameCache();
  FrameCache(const FrameCache&) = delete;
  FrameCache& operator=(const FrameCache&) = delete;

 private:
  friend class BlockReader;
  void* dctx_ = nullptr;  // ZSTD_DCtx
  uint64_t reader_serial_ = 0;  // BlockReader::serial_ of the cached frame (0: none)
  uint32_t frame_ = 0;
  std::size_t valid_ = 0;  // raw bytes decompressed so far
  std::size_t stored_consumed_ = 0;
  bool finished_ = false;
  std::vector<uint8_t> raw_;
};

// Immutable once open, so thread-safe. Shared by every partition snapshot that lists it: the mapping stays
// valid after the file is unlinked until the last snapshot lets go.
class BlockReader {
 public:
  // errc::corrupt_block when the header, footer, meta, frame table or index fails its checks; a system
  // error when the file cannot be opened or mapped.
  static std::error_code open(const std::string& path, std::shared_ptr<const BlockReader>& out);

  const BlockMeta& meta() const { return meta_; }
  const std::string& path() const { return path_; }
  uint64_t file_bytes() const { return file_.bytes().size(); }
  uint64_t points() const { return points_; }
  std::size_t entry_count() const { return entry_count_; }

  // Entry k (in (asset, point) order, then time). False when it is malformed.
  bool entry(std::size_t k, std::string_view& asset_id, std::string_view& point_id, ChunkRef& ref) const;
  // The first entry whose (asset, point) is not less than the given one (entry_count() if none).
  std::size_t lower_bound(std::string_view asset_id, std::string_view point_id) const;

  // Appends the chunk's points to `out`; errc::corrupt_block when the frame or chunk is damaged.
  std::error_code read_chunk(const ChunkRef& ref, FrameCache& cache, std::vector<Point>& out) const;

  // Appends the series' points in [lo, last] (sorted, one per time) to `out`; only the chunks overlapping
  // the range are decoded.
  std::error_code read_series(std::string_view asset_id, std::string_view point_id, int64_t lo, int64_t last,
                              FrameCache& cache, std::vector<Point>& out) const;

  // Whether the block has points of the series within [lo, last] (index only, nothing decompressed).
  bool has_points(std::string_view asset_id, std::string_view point_id, int64_t lo, int64_t last) const;
  // Same for every point of an asset.
  bool has_asset_points(std::string_view asset_id, int64_t lo, int64_t last) const;

 private:
  BlockReader() = default;
  std::error_code load(const std::string& path);
  std::error_code frame_bytes(uint32_t frame, std::size_t need, FrameCache& cache) const;

  std::string path_;
  fs::MappedFile file_;
  BlockMeta meta_;
  uint64_t serial_ = 0;  // process-unique, for FrameCache (an address could be reused)
  uint64_t points_ = 0;
  const uint8_t* frames_ = nullptr;  // frame table
  uint32_t frame_count_ = 0;
  uint64_t frames_end_ = 0;  // first byte past the frames (meta offset)
  const uint8_t* index_ = nullptr;
  std::size_t index_size_ = 0;
  const uint8_t* table_ = nullptr;
  std::size_t entry_count_ = 0;
};

}  // namespace gridhub::tsdb
