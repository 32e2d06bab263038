// Retention: policies from the registry into the store, and the periodic sweep that drops expired partitions and
// old events.
#include "server/retention.hpp"

#include <spdlog/spdlog.h>

#include "registry/validate.hpp"
#include "tsdb/sample.hpp"

namespace gridhub::server {

void load_retention(registry::Registry& registry, tsdb::TimeSeriesStore& store) {
  for (const auto& group : registry.all_storage_groups()) {
    for (const auto& policy : group.policies) {
      tsdb::Category category;
      int64_t ms = 0;
      if (!tsdb::parse_category(policy.storage_type, category) || !registry::parse_retention(policy.retention, ms)) {
        // Kept forever rather than guessed: a wrong guess would delete data.
        spdlog::error("storage group {} ({}): policy {} has retention '{}' that cannot be read; its data is kept",
                      group.id, group.name, policy.storage_type, policy.retention);
        continue;
      }
      store.set_retention(group.id, category, ms);
    }
  }
}

RetentionSweeper::RetentionSweeper(tsdb::TimeSeriesStore& store, registry::EventLog& events,
                                   std::chrono::milliseconds event_retention, std::chrono::seconds period)
    : store_(store), events_(events), event_retention_(event_retention), period_(period), thread_([this] { run(); }) {}

RetentionSweeper::~RetentionSweeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RetentionSweeper::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (auto ec = store_.enforce_retention(now)) spdlog::error("retention sweep: {}", ec.message());
    auto deleted = events_.delete_before(now - event_retention_.count());
    if (!deleted) spdlog::error("event retention sweep: {}", deleted.error().message());
    else if (*deleted > 0) spdlog::info("event retention: {} events older than {} days deleted", *deleted,
                                        std::chrono::duration_cast<std::chrono::days>(event_retention_).count());
    lock.lock();
    cv_.wait_for(lock, period_, [this] { return stopping_; });
  }
}

}  // namespace gridhub::server
