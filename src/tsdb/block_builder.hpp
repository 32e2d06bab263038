// Builds one block file in memory: the chunks of every series of one partition, sorted by (asset, point),
// packed into zstd-compressed frames, then the index and the footer (layout in docs/block_format.md).
// Sans-I/O: the caller writes the bytes (history_worker.cpp).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "tsdb/sample.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb {

// What a block says about itself.
struct BlockMeta {
  uint32_t group = 0;
  Category category = Category::AiRaw;
  int64_t start_ms = 0;  // the partition's window [start_ms, last_ms], inclusive (a window may end at INT64_MAX)
  int64_t last_ms = 0;
  uint64_t id = 0;                   // newer blocks have higher ids and win equal timestamps
  std::vector<uint64_t> supersedes;  // ids of the blocks this one replaces (compaction, deletion)
};

// Not thread-safe.
class BlockBuilder {
 public:
  BlockBuilder(BlockMeta meta, int zstd_level);
  ~BlockBuilder();
  BlockBuilder(const BlockBuilder&) = delete;
  BlockBuilder& operator=(const BlockBuilder&) = delete;

  // Adds one series. REQUIRES: (asset, point) greater than every series added before; points non-empty,
  // sorted with one per time, inside the window, each within check_sample's limits.
  void add_series(std::string_view asset_id, std::string_view point_id, std::span<const Point> points);

  // Writes the whole file into `out` (replaced). An error only when zstd fails.
  std::error_code finish(std::string& out);

  uint64_t points() const { return points_; }
  std::size_t series() const { return series_; }

 private:
  std::error_code close_frame();

  BlockMeta meta_;
  int level_;
  void* cctx_ = nullptr;  // ZSTD_CCtx
  std::string file_;      // header and compressed frames so far
  std::string raw_;       // chunks of the open frame
  std::string frames_;    // frame table entries
  uint32_t frame_count_ = 0;
  std::string index_;
  std::vector<uint32_t> entry_offsets_;
  std::string chunk_;  // scratch
  std::error_code error_;
  uint64_t points_ = 0;
  std::size_t series_ = 0;
};

}  // namespace gridhub::tsdb
