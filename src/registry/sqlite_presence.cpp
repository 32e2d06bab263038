// Presence: queued without touching SQLite, written in batches (one transaction each) by the writer thread,
// or at once by flush(), mark_all_offline() and the destructor.
#include <spdlog/spdlog.h>

#include "registry/limits.hpp"
#include "registry/sqlite_registry_internal.hpp"

namespace gridhub::registry {

void SqliteRegistry::device_online(std::string_view pk, std::string_view dk, int64_t now) {
  presence_.online(pk, dk, now);
}

void SqliteRegistry::device_offline(std::string_view pk, std::string_view dk, int64_t now) {
  presence_.offline(pk, dk, now);
}

boost::system::result<void> SqliteRegistry::write_presence_locked(std::string_view pk, std::string_view dk,
                                                                  const PresenceDelta& delta) {
  // SET expressions see the row's old values, so `activated = 0` tests the state before this update.
  auto st = db_->prepare(
      "UPDATE devices SET online = ?1, "
      "active_time = CASE WHEN activated = 0 AND ?2 != 0 THEN ?2 ELSE active_time END, "
      "activated = CASE WHEN ?2 != 0 THEN 1 ELSE activated END, "
      "last_online_time = CASE WHEN ?3 != 0 THEN ?3 ELSE last_online_time END, "
      "last_offline_time = CASE WHEN ?4 != 0 THEN ?4 ELSE last_offline_time END "
      "WHERE product_key = ?5 AND device_key = ?6");
  if (!st) return st.error();
  st->bind(1, delta.online)
      .bind(2, delta.first_online)
      .bind(3, delta.last_online)
      .bind(4, delta.last_offline);
  st->bind(5, pk).bind(6, dk);
  return st->run();
}

boost::system::result<void> SqliteRegistry::write_presence_batch_locked(std::vector<PendingPresence> batch) {
  if (batch.empty()) return {};
  auto written = [&]() -> boost::system::result<void> {
    Transaction tx(*db_);
    if (auto r = tx.begin(); !r) return r;
    for (const auto& p : batch)
      if (auto r = write_presence_locked(p.product_key(), p.device_key(), p.delta); !r) return r;
    return tx.commit();
  }();
  if (!written) presence_.put_back(std::move(batch));
  return written;
}

boost::system::result<void> SqliteRegistry::drain_presence_locked() {
  for (;;) {
    auto batch = presence_.take(kPresenceMaxBatch);
    if (batch.empty()) return {};
    if (auto r = write_presence_batch_locked(std::move(batch)); !r) return r;
  }
}

void SqliteRegistry::presence_writer() {
  while (presence_.wait_for_batch(kPresenceBatchDelay)) {
    boost::system::result<void> r;
    {
      std::lock_guard lock(db_mutex_);
      r = write_presence_batch_locked(presence_.take(kPresenceMaxBatch));
    }
    if (!r) {
      spdlog::error("registry: presence write failed, retrying: {}", r.error().message());
      if (!presence_.pause(kPresenceRetryDelay)) return;
    }
  }
}

void SqliteRegistry::flush() {
  std::lock_guard lock(db_mutex_);
  if (auto r = drain_presence_locked(); !r)
    spdlog::error("registry: presence flush failed: {}", r.error().message());
}

void SqliteRegistry::mark_all_offline(int64_t now) {
  std::lock_guard lock(db_mutex_);
  // Queued changes predate this call; write them first so they cannot mark a device online afterwards.
  if (auto r = drain_presence_locked(); !r) {
    spdlog::error("registry: presence flush failed: {}", r.error().message());
    return;
  }
  auto st = db_->prepare("UPDATE devices SET online = 0, last_offline_time = ?1 WHERE online = 1");
  if (!st) return;
  if (auto r = st->bind(1, now).run(); !r)
    spdlog::error("registry: mark_all_offline failed: {}", r.error().message());
}

}  // namespace gridhub::registry
