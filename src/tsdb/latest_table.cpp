// Latest-value table: newest-by-time wins, asset-sharded locks, point maps kept sorted.
#include "tsdb/latest_table.hpp"

#include <algorithm>
#include <mutex>

namespace gridhub::tsdb {

void LatestTable::apply(std::span<Sample> batch) {
  std::size_t k = 0;
  while (k < batch.size()) {
    // A post carries one device's points: lock its shard and find its map once per run of the same asset.
    const std::string& asset = batch[k].asset_id;
    Shard& shard = shard_for(asset);
    std::unique_lock lock(shard.mutex);
    auto it = shard.assets.find(std::string_view(asset));
    if (it == shard.assets.end()) it = shard.assets.try_emplace(asset).first;
    Points& points = it->second;
    for (; k < batch.size() && batch[k].asset_id == asset; ++k) {
      Sample& s = batch[k];
      auto p = points.find(std::string_view(s.point_id));
      if (p == points.end()) {
        p = points.try_emplace(std::move(s.point_id)).first;
        ++shard.points;
      } else if (s.time_ms < p->second.time_ms) {
        continue;  // older than what we hold
      }
      Entry& e = p->second;
      e.time_ms = s.time_ms;
      e.value = std::move(s.value);
      e.quality = s.quality;
      e.history = s.history;
      e.group = s.group;
    }
  }
}

std::vector<Sample> LatestTable::get(std::string_view asset_id,
                                     std::span<const std::string> point_ids) const {
  std::vector<Sample> out;
  const Shard& shard = shard_for(asset_id);
  std::shared_lock lock(shard.mutex);
  auto it = shard.assets.find(asset_id);
  if (it == shard.assets.end()) return out;
  const Points& points = it->second;
  if (point_ids.empty()) {
    out.reserve(points.size());
    for (const auto& [id, e] : points) out.push_back(to_sample(asset_id, id, e));
    return out;
  }
  out.reserve(point_ids.size());
  for (const std::string& id : point_ids) {
    auto p = points.find(std::string_view(id));
    if (p != points.end()) out.push_back(to_sample(asset_id, p->first, p->second));
  }
  lock.unlock();
  auto by_point = [](const Sample& a, const Sample& b) { return a.point_id < b.point_id; };
  std::sort(out.begin(), out.end(), by_point);
  auto same_point = [](const Sample& a, const Sample& b) { return a.point_id == b.point_id; };
  out.erase(std::unique(out.begin(), out.end(), same_point), out.end());
  return out;
}

void LatestTable::forget(std::string_view asset_id) {
  Shard& shard = shard_for(asset_id);
  std::unique_lock lock(shard.mutex);
  auto it = shard.assets.find(asset_id);
  if (it == shard.assets.end()) return;
  shard.points -= it->second.size();
  shard.assets.erase(it);
}

void LatestTable::for_each(const std::function<void(const Sample&)>& fn) const {
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    for (const auto& [asset, points] : shard.assets) {
      for (const auto& [id, e] : points) fn(to_sample(asset, id, e));
    }
  }
}

std::size_t LatestTable::size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::shared_lock lock(shard.mutex);
    n += shard.points;
  }
  return n;
}

Sample LatestTable::to_sample(std::string_view asset_id, const std::string& point_id, const Entry& e) {
  Sample s;
  s.asset_id.assign(asset_id);
  s.point_id = point_id;
  s.time_ms = e.time_ms;
  s.value = e.value;
  s.quality = e.quality;
  s.history = e.history;
  s.group = e.group;
  return s;
}

}  // namespace gridhub::tsdb
