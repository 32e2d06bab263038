// Retention of stored history: the store learns each storage policy's retention from the registry at start,
// and a sweeper thread drops expired partitions and old device events while the server runs.
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "registry/event_log.hpp"
#include "registry/registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::server {

// Hands every storage policy's retention of every OU to the store (the API keeps it current afterwards).
void load_retention(registry::Registry& registry, tsdb::TimeSeriesStore& store);

// Runs store.enforce_retention(now) and deletes events older than `event_retention` at once and then every
// `period`, on a thread of its own: a sweep waits for file work (deleting partitions, SQLite deletes), which
// must never stall an io thread.
class RetentionSweeper {
 public:
  RetentionSweeper(tsdb::TimeSeriesStore& store, registry::EventLog& events, std::chrono::milliseconds event_retention,
                   std::chrono::seconds period);
  ~RetentionSweeper();  // stops and joins
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

 private:
  void run();

  tsdb::TimeSeriesStore& store_;
  registry::EventLog& events_;
  const std::chrono::milliseconds event_retention_;
  const std::chrono::seconds period_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace gridhub::server
