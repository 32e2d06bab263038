// The hub's live feed: measure points acknowledged durable and presence changes, pushed to whoever watches a
// device (the console's WebSocket stream, api/live_session.cpp). Cheap when nobody watches: one relaxed load.
#pragma once
#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "hub/limits.hpp"
#include "tsdb/sample.hpp"

namespace gridhub::hub {

// One device's points of one timestamp, as acknowledged to the device.
struct LiveMeasurepoints {
  std::string asset_id;
  int64_t time_ms = 0;
  std::vector<std::pair<std::string, tsdb::Value>> points;  // in the order they were posted
};

struct LivePresence {
  std::string asset_id, product_key, device_key;
  bool online = false;
  int64_t time_ms = 0;
};

using LiveUpdate = std::variant<LiveMeasurepoints, LivePresence>;

// What subscribe() hands back; pass it to unsubscribe(). id 0 = none.
struct LiveSubscription {
  uint64_t id = 0;
  std::string asset_id;
};

// Thread-safe. Subscribers are called on their own executor (posted), never on the publishing thread; a call may
// still arrive shortly after unsubscribe(), so a subscriber ignores what it no longer asked for.
class LiveFeed {
 public:
  using Callback = std::function<void(const std::shared_ptr<const LiveUpdate>&)>;

  explicit LiveFeed(std::size_t max_subscriptions = kMaxLiveSubscriptions) : max_(max_subscriptions) {}
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  // Watches the device whose asset id is `asset_id` (asset ids are unique; samples carry them). nullopt when
  // kMaxLiveSubscriptions are taken.
  std::optional<LiveSubscription> subscribe(std::string asset_id, boost::asio::any_io_executor executor,
                                            Callback callback);
  void unsubscribe(const LiveSubscription& s);

  // The hot path's test: false (one relaxed load) when nobody watches anything.
  bool watched() const { return count_.load(std::memory_order_relaxed) != 0; }
  std::size_t subscriptions() const { return count_.load(std::memory_order_relaxed); }

  // The updates for the watched devices among `samples`, one per (asset, time), taken before the samples go to
  // the store; publish them once the store has acknowledged. Empty (and no lock taken) when nobody watches.
  std::vector<std::shared_ptr<const LiveUpdate>> collect(const std::vector<tsdb::Sample>& samples) const;
  void publish(const std::shared_ptr<const LiveUpdate>& update);
  // Presence: a no-op unless someone watches.
  void presence(std::string_view asset_id, std::string_view pk, std::string_view dk, bool online, int64_t time_ms);

 private:
  struct Subscriber {
    uint64_t id;
    boost::asio::any_io_executor executor;
    std::shared_ptr<const Callback> callback;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::vector<Subscriber>> by_asset;
  };
  static constexpr std::size_t kShards = 16;
  Shard& shard_of(std::string_view asset_id) const;
  bool is_watched(std::string_view asset_id) const;

  const std::size_t max_;
  std::atomic<std::size_t> count_{0};
  std::atomic<uint64_t> next_id_{1};
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gridhub::hub
