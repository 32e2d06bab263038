// The replay check of EnOS application calls: request signatures (and token-service encryptions) already
// accepted are remembered for a horizon, so that the same value is refused a second time (apim code 1001).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace gridhub::api {

// Thread-safe (sharded locks). Memory is bounded: at most max_entries values, ~60 bytes each. A value is kept
// as a 64-bit fingerprint (its first 16 hex digits: values are SHA-256 hex digests that only the holder of
// the secret can produce, so a collision can only be the app's own, at odds of 2^-64 per pair).
class ReplayCache {
 public:
  enum class Result { Fresh, Replayed, Full };
  // A value is remembered from the call that records it until `horizon_ms` later.
  ReplayCache(int64_t horizon_ms, std::size_t max_entries);

  // Fresh: first use within the horizon, now remembered. Replayed: seen before. Full: max_entries values are
  // remembered and none has expired; the value is not remembered and the caller must refuse it (accepting it
  // would accept its replays too).
  Result remember(std::string_view value, int64_t now_ms);
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    std::unordered_set<uint64_t> keys;
    std::deque<std::pair<int64_t, uint64_t>> by_expiry;  // (expire_at, key) in insertion order
  };
  static uint64_t fingerprint(std::string_view value);
  // REQUIRES: s.mutex held.
  void prune(Shard& s, int64_t now_ms);

  const int64_t horizon_ms_;
  const std::size_t max_entries_;
  Shard shards_[kShards];
  std::atomic<std::size_t> size_{0};
};

}  // namespace gridhub::api
