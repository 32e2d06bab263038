// The history worker's jobs: sealing a swapped-out head into one block per partition it touches, merging a
// partition's blocks into one (compaction, and deletion, which is a merge that drops the deleted points),
// dropping a group and expiring partitions. Runs on the worker thread only, one job at a time, so a
// deletion never races a seal or a compaction.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "tsdb/block_builder.hpp"
#include "tsdb/block_format.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/file_util.hpp"
#include "tsdb/history.hpp"
#include "tsdb/history_files.hpp"
#include "tsdb/limits.hpp"
#include "tsdb/point_merge.hpp"

namespace gridhub::tsdb {

namespace {

namespace stdfs = std::filesystem;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

int64_t clamp128(__int128 v) { return v < kMin ? kMin : v > kMax ? kMax : static_cast<int64_t>(v); }

// The epoch-aligned window of `length` ms holding t, as [start, last].
void aligned_window(int64_t t, int64_t length, int64_t& start, int64_t& last) {
  __int128 s = static_cast<__int128>(t) - (((static_cast<__int128>(t) % length) + length) % length);
  start = clamp128(s);
  last = clamp128(s + length - 1);
}

// Finds the partition of (category, group) holding t in `map` (a PartitionSet map or the seal's builders);
// else narrows [start, last] so it stays clear of that map's neighbours.
template <typename Map, typename Bounds>
bool fit_window(const Map& map, Category c, uint32_t g, int64_t t, int64_t& start, int64_t& last, Bounds bounds) {
  auto next = map.upper_bound(partition_key(c, g, t));
  if (next != map.begin()) {
    auto prev = std::prev(next);
    const auto& [pc, pg, ps] = prev->first;
    if (pc == static_cast<uint8_t>(c) && pg == g) {
      int64_t s = 0, l = 0;
      bounds(prev->second, s, l);
      if (t <= l) {
        start = s;
        last = l;
        return true;
      }
      start = std::max(start, l + 1);
    }
  }
  if (next != map.end()) {
    const auto& [nc, ng, ns] = next->first;
    if (nc == static_cast<uint8_t>(c) && ng == g) last = std::min(last, ns - 1);
  }
  return false;
}

void remove_files(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    std::error_code ec;
    stdfs::remove(p, ec);
    if (ec) spdlog::error("tsdb: removing {} failed: {}", p, ec.message());
  }
}

}  // namespace

std::error_code History::write_block(const std::string& dir, const std::string& bytes, uint64_t id,
                                     std::shared_ptr<const BlockReader>& out) {
  if (const int allowed = test_fail_after_.load(); allowed == 0) {
    return {ENOSPC, std::system_category()};
  } else if (allowed > 0) {
    test_fail_after_.store(allowed - 1);
  }
  if (auto ec = write_file_durably(dir, block_file_name(id), bytes)) return ec;
  return BlockReader::open(dir + "/" + block_file_name(id), out);
}

std::error_code History::seal_front() {
  const auto v = view();
  if (v->sealing.empty()) return {};
  const SwappedHead sealing = v->sealing.front();
  const PartitionSet& set = *v->partitions;

  struct Pending {
    BlockMeta meta;
    std::unique_ptr<BlockBuilder> builder;
  };
  std::map<PartitionKey, Pending> pending;
  const auto set_bounds = [](const std::shared_ptr<const Partition>& p, int64_t& s, int64_t& l) {
    s = p->start_ms;
    l = p->last_ms;
  };
  const auto pending_bounds = [](const Pending& p, int64_t& s, int64_t& l) {
    s = p.meta.start_ms;
    l = p.meta.last_ms;
  };
  sealing.head->for_each_series([&](uint32_t group, Category category, std::string_view asset,
                                    std::string_view point, std::vector<Point>& points) {
    std::size_t k = 0;
    while (k < points.size()) {
      // The partition holding this point: one on disk, one this seal opened, or a new window that does not
      // overlap either (partitions keep the window they were made with when partition_ms changes).
      const int64_t t = points[k].time_ms;
      int64_t start = 0, last = 0;
      aligned_window(t, options_.partition_ms, start, last);
      if (!fit_window(set.partitions, category, group, t, start, last, set_bounds)) {
        fit_window(pending, category, group, t, start, last, pending_bounds);
      }
      std::size_t e = k + 1;
      while (e < points.size() && points[e].time_ms <= last) ++e;
      auto it = pending.find(partition_key(category, group, start));
      if (it == pending.end()) {
        BlockMeta meta;
        meta.group = group;
        meta.category = category;
        meta.start_ms = start;
        meta.last_ms = last;
        meta.id = next_block_id_++;
        auto builder = std::make_unique<BlockBuilder>(meta, block::kSealLevel);
        it = pending.emplace(partition_key(category, group, start), Pending{std::move(meta), std::move(builder)}).first;
      }
      it->second.builder->add_series(asset, point, std::span<const Point>(points).subspan(k, e - k));
      k = e;
    }
  });

  std::vector<std::string> written;
  std::vector<std::pair<PartitionKey, std::shared_ptr<const BlockReader>>> blocks;
  std::string bytes;
  for (auto& [key, p] : pending) {
    const std::string dir = partition_dir(history_dir_, p.meta.group, p.meta.category, p.meta.start_ms);
    std::shared_ptr<const BlockReader> reader;
    std::error_code ec = p.builder->finish(bytes);
    if (!ec) ec = write_block(dir, bytes, p.meta.id, reader);
    if (ec) {
      // Nothing of this attempt may stay on disk: a later open would read it, and a deletion in between
      // would not have reached it. The head stays queued and its WAL segments stay.
      written.push_back(dir + "/" + block_file_name(p.meta.id));
      remove_files(written);
      seal_retry_at_ = Clock::now() + kSealRetryDelay;
      spdlog::error("tsdb: sealing the head (WAL segments <= {}) into {} failed: {}; kept in memory and in the "
                    "WAL, retried in {} ms",
                    sealing.through_segment, dir, ec.message(), kSealRetryDelay.count());
      return ec;
    }
    written.push_back(reader->path());
    blocks.emplace_back(key, std::move(reader));
  }

  publish([&](View& view) {
    auto next = std::make_shared<PartitionSet>(*view.partitions);
    for (auto& [key, reader] : blocks) {
      auto& slot = next->partitions[key];
      auto p = slot ? std::make_shared<Partition>(*slot) : std::make_shared<Partition>();
      if (!slot) {
        const BlockMeta& m = reader->meta();
        p->group = m.group;
        p->category = m.category;
        p->start_ms = m.start_ms;
        p->last_ms = m.last_ms;
        p->dir = partition_dir(history_dir_, m.group, m.category, m.start_ms);
      }
      p->blocks.push_back(reader);
      slot = std::move(p);
    }
    view.partitions = std::move(next);
    std::erase_if(view.sealing, [&](const SwappedHead& h) { return h.seq == sealing.seq; });
  });
  seals_.fetch_add(1, std::memory_order_relaxed);

  if (sealing.through_segment > sealed_through()) {
    if (auto ec = write_sealed_through(history_dir_, sealing.through_segment)) {
      // The blocks are durable; only the WAL segments stay longer (and replay into the head again at open).
      spdlog::error("tsdb: writing {}/{} failed: {}; WAL segments <= {} kept", history_dir_, block::kSealedFile,
                    ec.message(), sealing.through_segment);
      return {};
    }
    sealed_through_.store(sealing.through_segment, std::memory_order_release);
  }
  return {};
}

std::error_code History::seal_all_upto(uint64_t seq) {
  for (;;) {
    const auto v = view();
    if (v->sealing.empty() || v->sealing.front().seq > seq) return {};
    if (auto ec = seal_front()) return ec;
  }
}

std::error_code History::rewrite_partition(const std::shared_ptr<const Partition>& part, const Deletion* deletion) {
  BlockMeta meta;
  meta.group = part->group;
  meta.category = part->category;
  meta.start_ms = part->start_ms;
  meta.last_ms = part->last_ms;
  meta.id = next_block_id_++;
  for (const auto& b : part->blocks) meta.supersedes.push_back(b->meta().id);
  BlockBuilder builder(meta, block::kCompactLevel);

  // A k-way walk over the blocks' indexes, which are sorted by (asset, point): each series is read from
  // every block holding it, older blocks first, so the newest block wins each timestamp.
  const std::size_t n = part->blocks.size();
  std::vector<std::size_t> cursor(n, 0);
  std::vector<std::unique_ptr<FrameCache>> caches;
  for (std::size_t i = 0; i < n; ++i) caches.push_back(std::make_unique<FrameCache>());
  std::vector<Point> acc, one, scratch;
  std::string_view a, p;
  ChunkRef ref;
  for (;;) {
    bool any = false;
    std::string_view key_a, key_p;
    for (std::size_t i = 0; i < n; ++i) {
      if (cursor[i] >= part->blocks[i]->entry_count()) continue;
      if (!part->blocks[i]->entry(cursor[i], a, p, ref)) return errc::corrupt_block;
      if (!any || a < key_a || (a == key_a && p < key_p)) {
        key_a = a;
        key_p = p;
        any = true;
      }
    }
    if (!any) break;
    acc.clear();
    for (std::size_t i = 0; i < n; ++i) {
      const BlockReader& b = *part->blocks[i];
      one.clear();
      while (cursor[i] < b.entry_count()) {
        if (!b.entry(cursor[i], a, p, ref)) return errc::corrupt_block;
        if (a != key_a || p != key_p) break;
        if (auto ec = b.read_chunk(ref, *caches[i], one)) {
          spdlog::error("tsdb: block {}: series {}/{} is corrupt; partition left as it is", b.path(), a, p);
          return ec;
        }
        ++cursor[i];
      }
      merge_into(acc, one, scratch);
    }
    if (deletion && key_a == deletion->asset_id && deletion->covers_point(key_p)) {
      std::erase_if(acc, [&](const Point& x) { return deletion->covers_time(x.time_ms); });
    }
    if (!acc.empty()) builder.add_series(key_a, key_p, acc);
  }

  const PartitionKey key = partition_key(part->category, part->group, part->start_ms);
  std::shared_ptr<const BlockReader> reader;
  if (builder.series() == 0) {
    // Everything was deleted: the partition goes as a whole.
    if (auto ec = remove_dir_durably(part->dir)) return ec;
  } else {
    std::string bytes;
    if (auto ec = builder.finish(bytes)) return ec;
    if (auto ec = write_block(part->dir, bytes, meta.id, reader)) {
      std::error_code rm;
      stdfs::remove(part->dir + "/" + block_file_name(meta.id), rm);
      spdlog::error("tsdb: rewriting partition {} failed: {}; left as it is", part->dir, ec.message());
      return ec;
    }
  }
  publish([&](View& view) {
    auto next = std::make_shared<PartitionSet>(*view.partitions);
    if (!reader) {
      next->partitions.erase(key);
    } else {
      auto p2 = std::make_shared<Partition>(*part);
      p2->blocks = {reader};
      next->partitions[key] = std::move(p2);
    }
    view.partitions = std::move(next);
  });
  compactions_.fetch_add(1, std::memory_order_relaxed);
  if (reader) {
    // The new block names the old ones as superseded, so a crash before this point deletes them at open.
    std::vector<std::string> old;
    for (const auto& b : part->blocks) old.push_back(b->path());
    remove_files(old);
    if (auto ec = fs::sync_dir(part->dir)) spdlog::warn("tsdb: fsync of {} failed: {}", part->dir, ec.message());
  }
  return {};
}

std::error_code History::compact_partitions(bool all, int64_t now_ms, bool one_only, bool* merged) {
  const auto v = view();
  std::error_code first;
  for (const auto& [key, p] : v->partitions->partitions) {
    if (p->blocks.size() < 2) continue;
    if (!all) {
      const bool due = p->blocks.size() >= block::kCompactMinBlocks || p->last_ms < now_ms;
      if (!due || compaction_failed_.count(key)) continue;
    }
    if (auto ec = rewrite_partition(p, nullptr)) {
      compaction_failed_.insert(key);
      if (!first) first = ec;
    } else if (merged) {
      *merged = true;
    }
    if (one_only) break;
  }
  return first;
}

std::error_code History::run_deletion(const Task& t) {
  const Deletion& d = t.deletion;
  const auto v = view();
  for (const SwappedHead& h : v->sealing) {
    if (h.seq <= t.swap_seq) h.head->erase(d);
  }
  if (d.start_ms >= d.end_ms) return {};
  const int64_t last = d.end_ms - 1;
  std::error_code first;
  for (const auto& [key, p] : v->partitions->partitions) {
    if (p->last_ms < d.start_ms || p->start_ms > last) continue;
    bool hit = false;
    for (const auto& b : p->blocks) {
      if (d.point_ids.empty()) {
        hit = hit || b->has_asset_points(d.asset_id, d.start_ms, last);
      } else {
        for (const std::string& point : d.point_ids) hit = hit || b->has_points(d.asset_id, point, d.start_ms, last);
      }
    }
    if (!hit) continue;
    if (auto ec = rewrite_partition(p, &d)) {
      if (!first) first = ec;
    }
  }
  return first;
}

std::error_code History::run_drop_group(const Task& t) {
  const auto v = view();
  for (const SwappedHead& h : v->sealing) {
    if (h.seq <= t.swap_seq) h.head->drop_group(t.group);
  }
  if (auto ec = remove_dir_durably(group_dir(history_dir_, t.group))) {
    spdlog::error("tsdb: dropping history group {} failed: {}", t.group, ec.message());
    return ec;
  }
  publish([&](View& view) {
    auto next = std::make_shared<PartitionSet>(*view.partitions);
    std::erase_if(next->partitions, [&](const auto& kv) { return kv.second->group == t.group; });
    view.partitions = std::move(next);
  });
  return {};
}

std::error_code History::run_retention(int64_t now_ms) {
  std::map<std::pair<uint32_t, uint8_t>, int64_t> retention;
  {
    std::lock_guard lk(retention_mu_);
    retention = retention_;
  }
  const auto v = view();
  std::vector<PartitionKey> expired;
  std::error_code first;
  for (const auto& [key, p] : v->partitions->partitions) {
    auto r = retention.find({p->group, static_cast<uint8_t>(p->category)});
    if (r == retention.end()) continue;
    // The window's end (last + 1) plus the retention, in 128 bits: neither may overflow the check.
    if (static_cast<__int128>(p->last_ms) + 1 + r->second > now_ms) continue;
    if (auto ec = remove_dir_durably(p->dir)) {
      spdlog::error("tsdb: expiring partition {} failed: {}", p->dir, ec.message());
      if (!first) first = ec;
      continue;
    }
    spdlog::info("tsdb: partition {} expired", p->dir);
    expired.push_back(key);
  }
  if (!expired.empty()) {
    publish([&](View& view) {
      auto next = std::make_shared<PartitionSet>(*view.partitions);
      for (const auto& k : expired) next->partitions.erase(k);
      view.partitions = std::move(next);
    });
    partitions_expired_.fetch_add(expired.size(), std::memory_order_relaxed);
  }
  return first;
}

}  // namespace gridhub::tsdb
