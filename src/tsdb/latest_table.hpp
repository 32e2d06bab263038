// The latest value of every series, in memory: what latest() answers and what a checkpoint saves.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tsdb/sample.hpp"

namespace gridhub::tsdb {

// Thread-safe. Readers take a shared lock on one shard; the store's writer thread is the only one that
// mutates, so it may also read without racing itself. Sharded by asset so readers of different devices do not
// meet on one lock while the writer applies a group.
class LatestTable {
 public:
  // Keeps each sample unless its series already holds a newer one (same time: the later sample wins).
  // Consumes the samples (their strings are moved in).
  void apply(std::span<Sample> batch);

  // Latest samples of `point_ids` of `asset_id` (all of its points when empty), sorted by point id.
  std::vector<Sample> get(std::string_view asset_id, std::span<const std::string> point_ids) const;

  // Drops every point of `asset_id`.
  void forget(std::string_view asset_id);

  // Calls fn(sample) for every series (a reconstructed Sample), one shard at a time under its shared lock.
  void for_each(const std::function<void(const Sample&)>& fn) const;

  std::size_t size() const;

 private:
  struct Entry {
    int64_t time_ms = 0;
    Value value;
    std::optional<int32_t> quality;
    uint8_t history = 0;
    uint32_t group = 0;
  };
  // Sorted by point id, so latest() returns in order without sorting.
  using Points = std::map<std::string, Entry, std::less<>>;

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, Points, Hash, std::equal_to<>> assets;
    std::size_t points = 0;
  };
  static constexpr std::size_t kShards = 16;

  Shard& shard_for(std::string_view asset_id) const { return shards_[Hash{}(asset_id) % kShards]; }
  static Sample to_sample(std::string_view asset_id, const std::string& point_id, const Entry& e);

  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gridhub::tsdb
