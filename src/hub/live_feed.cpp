// LiveFeed: subscriptions in shards by asset id, each under its own mutex; delivery posted to the subscriber.
#include "hub/live_feed.hpp"

#include <boost/asio/post.hpp>

namespace gridhub::hub {

LiveFeed::Shard& LiveFeed::shard_of(std::string_view asset_id) const {
  return shards_[std::hash<std::string_view>{}(asset_id) % kShards];
}

std::optional<LiveSubscription> LiveFeed::subscribe(std::string asset_id, boost::asio::any_io_executor executor,
                                                    Callback callback) {
  // Reserve a slot first so concurrent subscribers cannot overshoot the bound.
  if (count_.fetch_add(1, std::memory_order_relaxed) >= max_) {
    count_.fetch_sub(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  LiveSubscription s{next_id_.fetch_add(1, std::memory_order_relaxed), std::move(asset_id)};
  Shard& shard = shard_of(s.asset_id);
  std::lock_guard lock(shard.mutex);
  shard.by_asset[s.asset_id].push_back(
      Subscriber{s.id, std::move(executor), std::make_shared<const Callback>(std::move(callback))});
  return s;
}

void LiveFeed::unsubscribe(const LiveSubscription& s) {
  if (s.id == 0) return;
  Shard& shard = shard_of(s.asset_id);
  std::lock_guard lock(shard.mutex);
  auto it = shard.by_asset.find(s.asset_id);
  if (it == shard.by_asset.end()) return;
  auto& subs = it->second;
  for (auto i = subs.begin(); i != subs.end(); ++i) {
    if (i->id != s.id) continue;
    subs.erase(i);
    count_.fetch_sub(1, std::memory_order_relaxed);
    break;
  }
  if (subs.empty()) shard.by_asset.erase(it);
}

bool LiveFeed::is_watched(std::string_view asset_id) const {
  Shard& shard = shard_of(asset_id);
  std::lock_guard lock(shard.mutex);
  return shard.by_asset.find(std::string(asset_id)) != shard.by_asset.end();
}

std::vector<std::shared_ptr<const LiveUpdate>> LiveFeed::collect(const std::vector<tsdb::Sample>& samples) const {
  std::vector<std::shared_ptr<const LiveUpdate>> out;
  if (!watched()) return out;
  // A post names one device, a batch a few: group consecutive samples of one (asset, time).
  std::string last_unwatched;
  LiveMeasurepoints* current = nullptr;
  std::vector<LiveMeasurepoints> groups;
  for (const auto& s : samples) {
    if (current && current->asset_id == s.asset_id && current->time_ms == s.time_ms) {
      current->points.emplace_back(s.point_id, s.value);
      continue;
    }
    if (s.asset_id == last_unwatched) continue;
    bool known = false;
    for (auto& g : groups)
      if (g.asset_id == s.asset_id) known = true;
    if (!known && !is_watched(s.asset_id)) {
      last_unwatched = s.asset_id;
      current = nullptr;
      continue;
    }
    groups.push_back(LiveMeasurepoints{s.asset_id, s.time_ms, {}});
    current = &groups.back();
    current->points.emplace_back(s.point_id, s.value);
  }
  out.reserve(groups.size());
  for (auto& g : groups) out.push_back(std::make_shared<const LiveUpdate>(std::move(g)));
  return out;
}

void LiveFeed::publish(const std::shared_ptr<const LiveUpdate>& update) {
  if (!update || !watched()) return;
  const std::string& asset_id = std::visit([](const auto& u) -> const std::string& { return u.asset_id; }, *update);
  Shard& shard = shard_of(asset_id);
  std::lock_guard lock(shard.mutex);
  auto it = shard.by_asset.find(asset_id);
  if (it == shard.by_asset.end()) return;
  for (const auto& sub : it->second)
    boost::asio::post(sub.executor, [callback = sub.callback, update] { (*callback)(update); });
}

void LiveFeed::presence(std::string_view asset_id, std::string_view pk, std::string_view dk, bool online,
                        int64_t time_ms) {
  if (!watched() || !is_watched(asset_id)) return;
  publish(std::make_shared<const LiveUpdate>(
      LivePresence{std::string(asset_id), std::string(pk), std::string(dk), online, time_ms}));
}

}  // namespace gridhub::hub
