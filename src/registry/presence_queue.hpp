// Presence changes (login/logout) not yet on disk: one merged entry per device, read by every device lookup
// so callers see them at once, and taken in batches by the writer thread.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "registry/records.hpp"

namespace gridhub::registry {

// The net effect of one device's queued logins/logouts. A time of 0 = unchanged.
struct PresenceDelta {
  std::size_t pk_size = 0;  // splits the queue's key back into product_key and device_key
  bool online = false;
  int64_t first_online = 0;  // the first login in the window: becomes active_time if not yet activated
  int64_t last_online = 0;
  int64_t last_offline = 0;
};

struct PendingPresence {
  std::string key;  // product_key, NUL, device_key
  PresenceDelta delta;
  std::string_view product_key() const { return std::string_view(key).substr(0, delta.pk_size); }
  std::string_view device_key() const { return std::string_view(key).substr(delta.pk_size + 1); }
};

// Overlays a delta on a device read from disk.
void apply_presence(const PresenceDelta& delta, Device& device);

// Thread-safe. Callers that must see a consistent picture (disk + queue) hold the registry's database lock
// around both their read and apply(), and the writer holds it from take() until its commit.
class PresenceQueue {
 public:
  // Never block on anything but this queue's own short lock.
  void online(std::string_view pk, std::string_view dk, int64_t now);
  void offline(std::string_view pk, std::string_view dk, int64_t now);

  void apply(Device& device) const;
  void apply(std::vector<Device>& devices) const;

  // Removes and returns up to `max` entries.
  std::vector<PendingPresence> take(std::size_t max);
  // Removes one device's entry (delete, disable); false when there was none.
  bool take_one(std::string_view pk, std::string_view dk, PresenceDelta& out);
  // Puts back a batch whose write failed; changes queued since then stay newer.
  void put_back(std::vector<PendingPresence> batch);
  bool empty() const;

  // Writer side: blocks until something is queued, then lingers up to `linger` (or until kPresenceMaxBatch
  // entries wait) so one transaction carries many changes. False once stop() was called.
  bool wait_for_batch(std::chrono::milliseconds linger);
  // Sleeps up to `d` unless stop() is called; false once stopped.
  bool pause(std::chrono::milliseconds d);
  void stop();

 private:
  // REQUIRES: mutex_ held. Entry for (pk, dk), created when absent.
  PresenceDelta& entry(std::string_view pk, std::string_view dk);

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::unordered_map<std::string, PresenceDelta> pending_;
};

}  // namespace gridhub::registry
