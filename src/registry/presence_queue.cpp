// Merging and batching of presence changes. Lookups build their key in a thread-local buffer, so a login
// allocates only for a device not already queued.
#include "registry/presence_queue.hpp"

#include "registry/limits.hpp"

namespace gridhub::registry {

namespace {

const std::string& scratch_key(std::string_view pk, std::string_view dk) {
  thread_local std::string key;
  // NUL cannot occur in a product key ([A-Za-z0-9]), so ("ab", "cd") and ("abc", "d") never share a key.
  key.assign(pk).push_back('\0');
  key.append(dk);
  return key;
}

// `older` was taken before `newer` was queued: keep newer's state, fill what it did not set.
void merge_older(PresenceDelta& newer, const PresenceDelta& older) {
  if (older.first_online != 0) newer.first_online = older.first_online;
  if (newer.last_online == 0) newer.last_online = older.last_online;
  if (newer.last_offline == 0) newer.last_offline = older.last_offline;
}

}  // namespace

void apply_presence(const PresenceDelta& delta, Device& device) {
  device.online = delta.online;
  if (delta.first_online != 0 && !device.activated) {
    device.activated = true;
    device.active_time = delta.first_online;
  }
  if (delta.last_online != 0) device.last_online_time = delta.last_online;
  if (delta.last_offline != 0) device.last_offline_time = delta.last_offline;
}

PresenceDelta& PresenceQueue::entry(std::string_view pk, std::string_view dk) {
  const std::string& key = scratch_key(pk, dk);
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    it = pending_.emplace(key, PresenceDelta{}).first;
    it->second.pk_size = pk.size();
  }
  return it->second;
}

void PresenceQueue::online(std::string_view pk, std::string_view dk, int64_t now) {
  bool wake;
  {
    std::lock_guard lock(mutex_);
    wake = pending_.empty();
    auto& e = entry(pk, dk);
    e.online = true;
    if (e.first_online == 0) e.first_online = now;
    e.last_online = now;
  }
  if (wake) cv_.notify_one();
}

void PresenceQueue::offline(std::string_view pk, std::string_view dk, int64_t now) {
  bool wake;
  {
    std::lock_guard lock(mutex_);
    wake = pending_.empty();
    auto& e = entry(pk, dk);
    e.online = false;
    e.last_offline = now;
  }
  if (wake) cv_.notify_one();
}

void PresenceQueue::apply(Device& device) const {
  std::lock_guard lock(mutex_);
  if (pending_.empty()) return;
  auto it = pending_.find(scratch_key(device.product_key, device.device_key));
  if (it != pending_.end()) apply_presence(it->second, device);
}

void PresenceQueue::apply(std::vector<Device>& devices) const {
  std::lock_guard lock(mutex_);
  if (pending_.empty()) return;
  for (auto& d : devices) {
    auto it = pending_.find(scratch_key(d.product_key, d.device_key));
    if (it != pending_.end()) apply_presence(it->second, d);
  }
}

std::vector<PendingPresence> PresenceQueue::take(std::size_t max) {
  std::vector<PendingPresence> out;
  std::lock_guard lock(mutex_);
  out.reserve(std::min(max, pending_.size()));
  while (!pending_.empty() && out.size() < max) {
    auto node = pending_.extract(pending_.begin());
    out.push_back({std::move(node.key()), node.mapped()});
  }
  return out;
}

bool PresenceQueue::take_one(std::string_view pk, std::string_view dk, PresenceDelta& out) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(scratch_key(pk, dk));
  if (it == pending_.end()) return false;
  out = it->second;
  pending_.erase(it);
  return true;
}

void PresenceQueue::put_back(std::vector<PendingPresence> batch) {
  std::lock_guard lock(mutex_);
  for (auto& p : batch) {
    auto [it, inserted] = pending_.try_emplace(std::move(p.key), p.delta);
    if (!inserted) merge_older(it->second, p.delta);
  }
}

bool PresenceQueue::empty() const {
  std::lock_guard lock(mutex_);
  return pending_.empty();
}

bool PresenceQueue::wait_for_batch(std::chrono::milliseconds linger) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
  if (stopping_) return false;
  cv_.wait_for(lock, linger, [&] { return stopping_ || pending_.size() >= kPresenceMaxBatch; });
  return !stopping_;
}

bool PresenceQueue::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, d, [&] { return stopping_; });
}

void PresenceQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
}

}  // namespace gridhub::registry
