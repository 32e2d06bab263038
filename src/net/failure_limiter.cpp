// Failed-login throttling: per-key counters in hashed shards, blocks that double up to a bound, one global
// count of keys so that max_keys is exact.
#include "net/failure_limiter.hpp"

#include <algorithm>
#include <limits>

namespace gridhub::net {

namespace {
// Sweeps are rate limited to one per this interval (or per window, when shorter).
constexpr std::chrono::milliseconds kMinSweepInterval{1'000};
}  // namespace

namespace {
// Durations are compared with and added to steady_clock times (nanoseconds): a year keeps every sum far from
// overflow, and no sane throttle lasts longer.
constexpr std::chrono::milliseconds kMaxDuration = std::chrono::hours(24 * 365);

FailureLimiterOptions clamped(FailureLimiterOptions o) {
  auto clamp = [](std::chrono::milliseconds d) {
    return std::clamp(d, std::chrono::milliseconds(0), kMaxDuration);
  };
  o.window = clamp(o.window);
  o.first_block = clamp(o.first_block);
  o.max_block = clamp(o.max_block);
  return o;
}
}  // namespace

FailureLimiter::FailureLimiter(FailureLimiterOptions options) : options_(clamped(options)) {}

FailureLimiter::Shard& FailureLimiter::shard(std::string_view key) { return shards_[Hash{}(key) % kShards]; }

bool FailureLimiter::stale(const Entry& e, Clock::time_point now) const {
  return now >= e.blocked_until && now - e.last_failure > options_.window;
}

bool FailureLimiter::allowed(std::string_view key, Clock::time_point now) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(key);
  return it == s.entries.end() || now >= it->second.blocked_until;
}

bool FailureLimiter::failed(std::string_view key, Clock::time_point now) {
  Shard& s = shard(key);
  std::unique_lock lock(s.mutex);
  auto it = s.entries.find(key);
  if (it == s.entries.end()) {
    // Reserve a slot first, so that concurrent new keys cannot overshoot max_keys together.
    if (size_.fetch_add(1, std::memory_order_relaxed) >= options_.max_keys) {
      size_.fetch_sub(1, std::memory_order_relaxed);
      lock.unlock();  // sweep_all takes every shard's lock in turn
      sweep_all(now);
      lock.lock();
      it = s.entries.find(key);  // another thread may have added it meanwhile
      if (it == s.entries.end()) {
        // Still full of live keys: an address spray. Track nothing new rather than grow without bound; the
        // keys already tracked stay blocked.
        if (size_.fetch_add(1, std::memory_order_relaxed) >= options_.max_keys) {
          size_.fetch_sub(1, std::memory_order_relaxed);
          return false;
        }
        it = s.entries.emplace(std::string(key), Entry{}).first;
      }
    } else {
      it = s.entries.emplace(std::string(key), Entry{}).first;
    }
  }
  Entry& e = it->second;
  if (e.failures > 0 && stale(e, now)) {
    e.failures = 0;
    e.block = std::chrono::milliseconds(0);
  }
  // Saturates: a caller that keeps reporting failures without asking allowed() must not overflow the count.
  if (e.failures < std::numeric_limits<int>::max()) ++e.failures;
  e.last_failure = now;
  if (e.failures <= options_.free_failures) return false;
  if (e.block.count() == 0)
    e.block = std::min(options_.first_block, options_.max_block);
  else
    e.block = e.block >= options_.max_block / 2 ? options_.max_block : e.block * 2;
  e.blocked_until = now + e.block;
  return true;
}

void FailureLimiter::succeeded(std::string_view key) {
  Shard& s = shard(key);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(key);
  if (it == s.entries.end()) return;
  s.entries.erase(it);
  size_.fetch_sub(1, std::memory_order_relaxed);
}

void FailureLimiter::sweep_all(Clock::time_point now) {
  {
    std::lock_guard lock(sweep_mutex_);
    if (swept_ && now - last_sweep_ < std::min(kMinSweepInterval, options_.window)) return;
    swept_ = true;
    last_sweep_ = now;
  }
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    const std::size_t removed =
        std::erase_if(s.entries, [&](const auto& kv) { return stale(kv.second, now); });
    size_.fetch_sub(removed, std::memory_order_relaxed);
  }
}

}  // namespace gridhub::net
