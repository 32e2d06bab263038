// Throttling of failed logins per key (a device, a source address, a username or appKey): a few failures are
// free, then the key is blocked for a time that doubles with each further failure. Refusing a blocked key
// costs one hash lookup, so a client retrying a wrong secret in a tight loop costs the server a constant.
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gridhub::net {

// Durations are clamped to [0, 1 year].
struct FailureLimiterOptions {
  int free_failures = 5;                         // failures allowed within `window` before blocking
  std::chrono::milliseconds window{60'000};      // a key's count restarts after this long without failures
  std::chrono::milliseconds first_block{1'000};  // the first block; each failure while counted doubles it
  std::chrono::milliseconds max_block{60'000};
  std::size_t max_keys = 100'000;  // memory bound: stale keys are swept, then new keys pass
};

// Thread-safe (sharded locks).
class FailureLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit FailureLimiter(FailureLimiterOptions options = {});

  // False while `key` is blocked.
  bool allowed(std::string_view key, Clock::time_point now = Clock::now());
  // Counts a failure. Returns true when this failure starts (or extends) a block, so that callers log one
  // line per block instead of one per attempt. When max_keys keys are tracked and none of them is stale, a
  // new key is not tracked (its failures are free): the bound on memory wins over throttling an address
  // spray.
  bool failed(std::string_view key, Clock::time_point now = Clock::now());
  // A success forgets the key's failures.
  void succeeded(std::string_view key);
  // Keys tracked (at most max_keys).
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last_failure{};
    Clock::time_point blocked_until{};
    std::chrono::milliseconds block{0};
  };
  // Heterogeneous lookup: finding a key costs no allocation.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries;
  };
  Shard& shard(std::string_view key);
  bool stale(const Entry& e, Clock::time_point now) const;
  // Removes stale entries of every shard; at most once per `window` (a spray of new keys must not turn each
  // attempt into a scan of the whole table).
  void sweep_all(Clock::time_point now);

  FailureLimiterOptions options_;
  Shard shards_[kShards];
  std::atomic<std::size_t> size_{0};
  std::mutex sweep_mutex_;
  Clock::time_point last_sweep_{};
  bool swept_ = false;  // REQUIRES sweep_mutex_
};

}  // namespace gridhub::net
