// History reads: range() and aggregate() over one view (blocks, then swapped-out heads, then the head),
// last write wins per timestamp. Partitions are read in time order, a cluster of overlapping ones at a time
// (only a series kept under two groups has overlapping partitions), so a paged range() stops decompressing
// once its page is full and aggregate() streams without holding the whole range.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "tsdb/errc.hpp"
#include "tsdb/history.hpp"
#include "tsdb/limits.hpp"
#include "tsdb/point_merge.hpp"

namespace gridhub::tsdb {

namespace {

using Parts = std::vector<const Partition*>;

bool valid_series(std::string_view asset, std::string_view point, Category c) {
  return !asset.empty() && !point.empty() && asset.size() <= kMaxAssetIdBytes && point.size() <= kMaxPointIdBytes &&
         static_cast<unsigned>(c) < kCategoryCount;
}

// The series' points in the heads of `view`, merged: oldest swapped-out head first, the live head last, so later
// writes win. A template only because History::View is private (access is checked where it is named).
template <class View, class Query>
void read_heads(const View& view, const Query& q, std::vector<Point>& heads) {
  std::vector<Point> one, merged;
  for (const auto& h : view.sealing) {
    h.head->read(q.asset_id, q.point_id, q.category, q.start_ms, q.end_ms, one);
    merge_into(heads, one, merged);
  }
  view.head->read(q.asset_id, q.point_id, q.category, q.start_ms, q.end_ms, one);
  merge_into(heads, one, merged);
}

// Partitions of `category` (any group) overlapping [lo, last], grouped into clusters of overlapping windows,
// clusters in ascending time.
std::vector<Parts> clusters_of(const PartitionSet& set, Category category, int64_t lo, int64_t last) {
  Parts parts;
  const auto c = static_cast<uint8_t>(category);
  auto it = set.partitions.lower_bound(partition_key(category, 0, std::numeric_limits<int64_t>::min()));
  while (it != set.partitions.end() && std::get<0>(it->first) == c) {
    const uint32_t group = std::get<1>(it->first);
    // Windows of one group do not overlap: start at the last one beginning at or before lo.
    auto p = set.partitions.upper_bound(partition_key(category, group, lo));
    if (p != set.partitions.begin()) {
      auto prev = std::prev(p);
      if (std::get<0>(prev->first) == c && std::get<1>(prev->first) == group) p = prev;
    }
    for (; p != set.partitions.end() && std::get<0>(p->first) == c && std::get<1>(p->first) == group; ++p) {
      if (p->second->start_ms > last) break;
      if (p->second->last_ms >= lo) parts.push_back(p->second.get());
    }
    if (group == UINT32_MAX) break;
    it = set.partitions.lower_bound(partition_key(category, group + 1, std::numeric_limits<int64_t>::min()));
  }
  std::sort(parts.begin(), parts.end(), [](const Partition* a, const Partition* b) {
    return a->start_ms != b->start_ms ? a->start_ms < b->start_ms : a->group < b->group;
  });
  std::vector<Parts> clusters;
  int64_t cluster_last = 0;
  for (const Partition* p : parts) {
    if (clusters.empty() || p->start_ms > cluster_last) {
      clusters.emplace_back();
      cluster_last = p->last_ms;
    } else {
      cluster_last = std::max(cluster_last, p->last_ms);
    }
    clusters.back().push_back(p);
  }
  return clusters;
}

int64_t cluster_start(const Parts& c) { return c.front()->start_ms; }
int64_t cluster_last(const Parts& c) {
  int64_t l = c.front()->last_ms;
  for (const Partition* p : c) l = std::max(l, p->last_ms);
  return l;
}

// Per-thread scratch for block reads: the frame cache and the vectors merges go through.
struct ReadScratch {
  FrameCache cache;
  std::vector<Point> block, part, merged;
};
ReadScratch& scratch() {
  thread_local ReadScratch s;
  return s;
}

// The series' points in [lo, last] from one cluster into `out` (cleared): sorted, one per time; within a
// partition newer blocks win, across groups the higher group.
std::error_code read_cluster(const Parts& cluster, std::string_view asset, std::string_view point, int64_t lo,
                             int64_t last, std::vector<Point>& out) {
  ReadScratch& s = scratch();
  out.clear();
  for (const Partition* p : cluster) {  // ascending group within equal starts
    s.part.clear();
    const int64_t plo = std::max(lo, p->start_ms), plast = std::min(last, p->last_ms);
    for (const auto& b : p->blocks) {
      s.block.clear();
      if (auto ec = b->read_series(asset, point, plo, plast, s.cache, s.block)) {
        spdlog::error("tsdb: block {} is damaged ({}); reads of {}/{} fail until it is replaced", b->path(),
                      ec.message(), asset, point);
        return errc::corrupt_block;
      }
      merge_into(s.part, s.block, s.merged);
    }
    merge_into(out, s.part, s.merged);
  }
  return {};
}

// One window's accumulator for aggregate().
class Window {
 public:
  explicit Window(Aggregation fn) : fn_(fn) {}

  void add(const Point& p) {
    ++count_;
    if (fn_ == Aggregation::First) {
      if (count_ == 1) value_ = p.value;
      return;
    }
    if (fn_ == Aggregation::Last) {
      value_ = p.value;
      return;
    }
    double x = 0;
    switch (p.value.kind) {
      case ValueKind::Int:
        x = static_cast<double>(p.value.i);
        break;
      case ValueKind::Double:
        x = p.value.d;
        break;
      case ValueKind::Bool:
        x = p.value.b ? 1 : 0;
        break;
      default:
        return;  // String and Json are counted, never summed
    }
    ++numeric_;
    sum_ += x;
    // Min and Max skip NaN unless every value is NaN.
    if (std::isnan(x)) return;
    if (ordered_ == 0 || x < min_) min_ = x;
    if (ordered_ == 0 || x > max_) max_ = x;
    ++ordered_;
  }

  // False when the window has nothing to report for its function.
  bool result(Value& out) const {
    switch (fn_) {
      case Aggregation::Count:
        out = Value::of_int(static_cast<int64_t>(count_));
        return count_ > 0;
      case Aggregation::First:
      case Aggregation::Last:
        out = value_;
        return count_ > 0;
      case Aggregation::Sum:
        out = Value::of_double(sum_);
        return numeric_ > 0;
      case Aggregation::Avg:
        out = Value::of_double(sum_ / static_cast<double>(numeric_));
        return numeric_ > 0;
      case Aggregation::Min:
        out = Value::of_double(ordered_ ? min_ : std::nan(""));
        return numeric_ > 0;
      case Aggregation::Max:
        out = Value::of_double(ordered_ ? max_ : std::nan(""));
        return numeric_ > 0;
    }
    return false;
  }

 private:
  Aggregation fn_;
  uint64_t count_ = 0, numeric_ = 0, ordered_ = 0;
  double sum_ = 0, min_ = 0, max_ = 0;
  Value value_;
};

// Feeds ascending points into windows of `interval` aligned to `start` and emits their buckets.
class Aggregator {
 public:
  Aggregator(const AggregateQuery& q, std::vector<Bucket>& out) : q_(q), out_(out), window_(q.fn) {}

  void add(const Point& p) {
    const uint64_t k = (static_cast<uint64_t>(p.time_ms) - static_cast<uint64_t>(q_.start_ms)) /
                       static_cast<uint64_t>(q_.interval_ms);
    if (!open_ || k != index_) {
      flush();
      open_ = true;
      index_ = k;
      window_ = Window(q_.fn);
    }
    window_.add(p);
  }

  void flush() {
    if (!open_) return;
    Bucket b;
    // start + k * interval <= the point's time, so it fits.
    b.time_ms = static_cast<int64_t>(static_cast<uint64_t>(q_.start_ms) + index_ * static_cast<uint64_t>(q_.interval_ms));
    if (window_.result(b.value)) out_.push_back(std::move(b));
    open_ = false;
  }

 private:
  const AggregateQuery& q_;
  std::vector<Bucket>& out_;
  Window window_;
  bool open_ = false;
  uint64_t index_ = 0;
};

}  // namespace

std::error_code History::range(const RangeQuery& q, std::vector<Point>& out, bool& more) const {
  out.clear();
  more = false;
  if (!valid_series(q.asset_id, q.point_id, q.category) || q.start_ms > q.end_ms || q.limit == 0) {
    return errc::bad_query;
  }
  if (q.start_ms == q.end_ms) return {};
  const int64_t last = q.end_ms - 1;
  const auto v = view();

  // Heads first (they are small and may hold any time).
  std::vector<Point> heads;
  read_heads(*v, q, heads);

  // Then clusters of partitions from the first end of the range, until the page is certainly full: at least
  // limit + 1 points lie before (ascending) or after (descending) the next cluster.
  const auto clusters = clusters_of(*v->partitions, q.category, q.start_ms, last);
  std::vector<std::vector<Point>> read(clusters.size());
  bool cut = false;
  int64_t horizon = 0;  // ascending: keep times < horizon; descending: times > horizon
  std::size_t block_points = 0;
  for (std::size_t n = 0; n < clusters.size(); ++n) {
    const std::size_t i = q.descending ? clusters.size() - 1 - n : n;
    const Parts& c = clusters[i];
    const int64_t edge = q.descending ? cluster_last(c) : cluster_start(c);
    const std::size_t head_beyond =
        q.descending
            ? static_cast<std::size_t>(heads.end() - std::upper_bound(heads.begin(), heads.end(), edge,
                                                                      [](int64_t t, const Point& p) { return t < p.time_ms; }))
            : static_cast<std::size_t>(std::lower_bound(heads.begin(), heads.end(), edge,
                                                        [](const Point& p, int64_t t) { return p.time_ms < t; }) -
                                       heads.begin());
    if (std::max(block_points, head_beyond) > q.limit) {
      cut = true;
      horizon = edge;
      break;
    }
    if (auto ec = read_cluster(c, q.asset_id, q.point_id, q.start_ms, last, read[i])) return ec;
    block_points += read[i].size();
  }
  std::vector<Point> blocks;
  blocks.reserve(block_points);
  for (auto& r : read) blocks.insert(blocks.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
  std::vector<Point> all;
  merge_newer_wins(blocks, heads, all);
  if (cut) {
    if (q.descending) {
      all.erase(all.begin(), std::upper_bound(all.begin(), all.end(), horizon,
                                              [](int64_t t, const Point& p) { return t < p.time_ms; }));
    } else {
      all.erase(std::lower_bound(all.begin(), all.end(), horizon, [](const Point& p, int64_t t) { return p.time_ms < t; }),
                all.end());
    }
  }
  more = all.size() > q.limit;
  const std::size_t n = std::min(all.size(), q.limit);
  out.reserve(n);
  if (q.descending) {
    for (std::size_t k = 0; k < n; ++k) out.push_back(std::move(all[all.size() - 1 - k]));
  } else {
    out.assign(std::make_move_iterator(all.begin()), std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(n)));
  }
  return {};
}

std::error_code History::aggregate(const AggregateQuery& q, std::vector<Bucket>& out) const {
  out.clear();
  if (!valid_series(q.asset_id, q.point_id, q.category) || q.start_ms > q.end_ms || q.interval_ms <= 0 ||
      static_cast<unsigned>(q.fn) > static_cast<unsigned>(Aggregation::Last)) {
    return errc::bad_query;
  }
  const uint64_t span = static_cast<uint64_t>(q.end_ms) - static_cast<uint64_t>(q.start_ms);
  const uint64_t interval = static_cast<uint64_t>(q.interval_ms);
  const uint64_t windows = span / interval + (span % interval ? 1 : 0);
  if (windows > kMaxAggregateWindows) return errc::bad_query;
  if (q.start_ms == q.end_ms) return {};
  const int64_t last = q.end_ms - 1;
  const auto v = view();

  std::vector<Point> heads;
  read_heads(*v, q, heads);

  Aggregator agg(q, out);
  std::size_t h = 0;  // next head point to feed
  std::vector<Point> cluster, head_part, merged;
  for (const Parts& c : clusters_of(*v->partitions, q.category, q.start_ms, last)) {
    const int64_t cs = std::max(cluster_start(c), q.start_ms), cl = std::min(cluster_last(c), last);
    for (; h < heads.size() && heads[h].time_ms < cs; ++h) agg.add(heads[h]);
    if (auto ec = read_cluster(c, q.asset_id, q.point_id, q.start_ms, last, cluster)) {
      out.clear();
      return ec;
    }
    head_part.clear();
    for (; h < heads.size() && heads[h].time_ms <= cl; ++h) head_part.push_back(heads[h]);
    if (head_part.empty()) {
      for (const Point& p : cluster) agg.add(p);
    } else {
      merge_newer_wins(cluster, head_part, merged);
      for (const Point& p : merged) agg.add(p);
    }
  }
  for (; h < heads.size(); ++h) agg.add(heads[h]);
  agg.flush();
  return {};
}

}  // namespace gridhub::tsdb
