// Replay cache: per-shard hash sets of fingerprints with a FIFO of expiry times, one global count for the
// bound.
#include "api/apim_replay.hpp"

#include <functional>

namespace gridhub::api {

ReplayCache::ReplayCache(int64_t horizon_ms, std::size_t max_entries)
    : horizon_ms_(horizon_ms), max_entries_(max_entries) {}

uint64_t ReplayCache::fingerprint(std::string_view value) {
  uint64_t v = 0;
  if (value.size() >= 16) {
    bool hex = true;
    for (std::size_t i = 0; i < 16 && hex; ++i) {
      const char c = value[i];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0)
        hex = false;
      else
        v = (v << 4) | uint64_t(d);
    }
    if (hex) return v;
  }
  return std::hash<std::string_view>{}(value);
}

void ReplayCache::prune(Shard& s, int64_t now_ms) {
  // Expiry times follow insertion order (now + a constant) unless the wall clock steps back; then a few
  // entries wait behind a later one, which only costs memory within the bound.
  while (!s.by_expiry.empty() && s.by_expiry.front().first <= now_ms) {
    s.keys.erase(s.by_expiry.front().second);
    s.by_expiry.pop_front();
    size_.fetch_sub(1, std::memory_order_relaxed);
  }
}

ReplayCache::Result ReplayCache::remember(std::string_view value, int64_t now_ms) {
  const uint64_t key = fingerprint(value);
  Shard& s = shards_[(key ^ (key >> 29)) % kShards];
  std::unique_lock lock(s.mutex);
  prune(s, now_ms);
  if (s.keys.contains(key)) return Result::Replayed;
  if (size_.fetch_add(1, std::memory_order_relaxed) >= max_entries_) {
    size_.fetch_sub(1, std::memory_order_relaxed);
    // Expired values of other shards may be waiting for a call to their shard: prune them all, then retry
    // once.
    lock.unlock();
    for (Shard& other : shards_) {
      std::lock_guard other_lock(other.mutex);
      prune(other, now_ms);
    }
    lock.lock();
    if (s.keys.contains(key)) return Result::Replayed;
    if (size_.fetch_add(1, std::memory_order_relaxed) >= max_entries_) {
      size_.fetch_sub(1, std::memory_order_relaxed);
      return Result::Full;
    }
  }
  s.keys.insert(key);
  s.by_expiry.emplace_back(now_ms + horizon_ms_, key);
  return Result::Fresh;
}

}  // namespace gridhub::api
