// Last-write-wins on sorted runs of points, shared by the head, the queries and compaction: within one
// source the point appended last wins a timestamp, across sources the newer source wins.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb {

// REQUIRES: `points` sorted by time, stably (equal times in the order they were written). Keeps the last of
// each run of equal times.
inline void keep_last_per_time(std::vector<Point>& points) {
  if (points.size() < 2) return;
  std::size_t w = 0;
  for (std::size_t r = 0; r < points.size(); ++r) {
    if (r + 1 < points.size() && points[r + 1].time_ms == points[r].time_ms) continue;
    if (w != r) points[w] = std::move(points[r]);
    ++w;
  }
  points.resize(w);
}

// Merges two sorted runs with one point per time into `out` (cleared first); `newer` wins equal times. Moves
// the points out of both.
inline void merge_newer_wins(std::vector<Point>& older, std::vector<Point>& newer, std::vector<Point>& out) {
  out.clear();
  out.reserve(older.size() + newer.size());
  std::size_t i = 0, j = 0;
  while (i < older.size() && j < newer.size()) {
    if (older[i].time_ms < newer[j].time_ms) {
      out.push_back(std::move(older[i++]));
    } else {
      if (older[i].time_ms == newer[j].time_ms) ++i;
      out.push_back(std::move(newer[j++]));
    }
  }
  for (; i < older.size(); ++i) out.push_back(std::move(older[i]));
  for (; j < newer.size(); ++j) out.push_back(std::move(newer[j]));
}

// `acc` = merge of `acc` (older) and `newer`, using `scratch`; no allocation once the vectors have grown.
inline void merge_into(std::vector<Point>& acc, std::vector<Point>& newer, std::vector<Point>& scratch) {
  if (newer.empty()) return;
  if (acc.empty()) {
    acc.swap(newer);
    return;
  }
  if (acc.back().time_ms < newer.front().time_ms) {
    acc.insert(acc.end(), std::make_move_iterator(newer.begin()), std::make_move_iterator(newer.end()));
    return;
  }
  merge_newer_wins(acc, newer, scratch);
  acc.swap(scratch);
}

// Floor of t to the minute, also for negative times (the minute that would start below INT64_MIN is
// clamped to INT64_MIN).
inline int64_t floor_to_minute(int64_t t) {
  constexpr int64_t kMinute = 60000;
  const int64_t r = t % kMinute;
  const int64_t toward_zero = t - r;
  if (r >= 0) return toward_zero;
  return toward_zero < std::numeric_limits<int64_t>::min() + kMinute ? std::numeric_limits<int64_t>::min()
                                                                       : toward_zero - kMinute;
}

}  // namespace gridhub::tsdb
