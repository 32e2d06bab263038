// What one delete_range() removes: logged in the WAL (sample_codec.cpp), applied to the heads (head.cpp) and
// to the blocks (history_worker.cpp) the same way.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::tsdb {

struct Deletion {
  std::string asset_id;
  std::vector<std::string> point_ids;  // sorted, unique; empty = every point of the asset
  int64_t start_ms = 0;                // [start_ms, end_ms), in every group and category
  int64_t end_ms = 0;

  bool covers_point(std::string_view point_id) const {
    return point_ids.empty() || std::binary_search(point_ids.begin(), point_ids.end(), point_id);
  }
  bool covers_time(int64_t t) const { return t >= start_ms && t < end_ms; }
  // Whether any time in [lo, hi] (inclusive) falls in the range.
  bool overlaps(int64_t lo, int64_t hi) const { return lo < end_ms && hi >= start_ms; }
};

}  // namespace gridhub::tsdb
