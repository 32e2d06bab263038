// The in-memory head of the history: for each series (group, category, asset, point) the points not yet
// sealed into blocks, appended in arrival order into one compact byte buffer (head.cpp has the encoding).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tsdb/deletion.hpp"
#include "tsdb/sample.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb {

// Thread-safe: mutations take the head's lock exclusively (once per call, not per point), reads share it.
// The store's writer thread is the only one that appends; once a head is swapped out for sealing (immutable)
// only the history worker mutates it (deletions).
class Head {
 public:
  Head() = default;
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  // Stores each sample whose history mask is set in every category of the mask, in its group; a
  // minute-normalized category gets the time floored to the minute. REQUIRES: check_sample() passed.
  void append(std::span<const Sample> batch);

  // Removes the points the deletion covers (any group, any category).
  void erase(const Deletion& d);
  // Removes every series of `group`.
  void drop_group(uint32_t group);

  // Points of (asset, point, category) in [lo, hi), every group, into `out` (cleared): sorted by time, one per
  // time; within a series the last appended wins, across groups the higher group id.
  void read(std::string_view asset_id, std::string_view point_id, Category category, int64_t lo, int64_t hi,
            std::vector<Point>& out) const;

  // Calls fn for every series in (group, category, asset, point) order with its points, sorted and one per
  // time (the span is valid during the call). For sealing; holds the lock shared throughout.
  using SeriesFn = std::function<void(uint32_t group, Category category, std::string_view asset_id,
                                      std::string_view point_id, std::vector<Point>& points)>;
  void for_each_series(const SeriesFn& fn) const;

  uint64_t series() const { return series_.load(std::memory_order_relaxed); }
  uint64_t points() const { return points_.load(std::memory_order_relaxed); }
  // Encoded bytes plus a fixed estimate of each series' bookkeeping.
  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  bool empty() const { return points() == 0; }

  // Bookkeeping one series costs besides its encoded bytes (struct, map nodes, ids), for bytes().
  static constexpr uint64_t kSeriesOverheadBytes = 96;

 private:
  struct Series {
    uint32_t group = 0;
    Category category = Category::AiRaw;
    bool ordered = true;  // times never went backwards: no sort needed to read
    uint32_t count = 0;
    int64_t min_time = 0, max_time = 0;
    // Encoder state: the previous point's time, Int, Double bits and decimal (each point is coded against them).
    int64_t last_time = 0;
    uint64_t last_delta = 0;
    uint64_t last_int = 0;
    uint64_t last_bits = 0;
    uint64_t last_decimal = 0;
    uint8_t last_scale = 0;
    std::string buf;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // A point's series: one per (group, category) it is kept in, usually one or two.
  using PointSeries = std::vector<Series>;
  using Points = std::unordered_map<std::string, PointSeries, Hash, std::equal_to<>>;
  using Assets = std::unordered_map<std::string, Points, Hash, std::equal_to<>>;

  static void encode_point(Series& s, int64_t time_ms, const Value& v, const std::optional<int32_t>& quality);
  // Decodes every point of `s` in [lo, last] in arrival order, then sorts stably and keeps the last per time.
  static void decode_sorted(const Series& s, int64_t lo, int64_t last, std::vector<Point>& out);
  // Re-encodes `s` without the points in [start, end); returns how many it dropped.
  uint32_t erase_range(Series& s, int64_t start, int64_t end);
  void add_stats(int64_t series, int64_t points, int64_t bytes);

  mutable std::shared_mutex mu_;
  Assets assets_;  // GUARDED_BY(mu_)
  std::atomic<uint64_t> series_{0}, points_{0}, bytes_{0};
};

}  // namespace gridhub::tsdb
