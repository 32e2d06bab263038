// The SQLite event log's life cycle and writes: opening events.db (its own schema_version), the group-commit
// writer thread, and the chunked deletes of retention and device removal. Reads: sqlite_event_log_search.cpp.
#include "registry/sqlite_event_log.hpp"

#include <spdlog/spdlog.h>

#include "registry/errc.hpp"
#include "registry/limits.hpp"
#include "registry/schema.hpp"

namespace gridhub::registry {

namespace {

// v1. event_id is AUTOINCREMENT so an id is never handed out twice, even after retention deleted the newest
// rows: the API hands ids out and a later get() must not find a different event under an old id. Both
// search indexes end in the rowid, so "timestamp DESC, event_id DESC" walks an index without a sort;
// events_time serves retention.
constexpr const char* kEventLogV1 = R"sql(
CREATE TABLE events (
  event_id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  asset_id TEXT NOT NULL,
  product_key TEXT NOT NULL,
  device_key TEXT NOT NULL,
  tsl_event_key TEXT NOT NULL,
  tsl_event_type TEXT NOT NULL,
  output TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE INDEX events_org_time ON events(org_id, timestamp);
CREATE INDEX events_asset_time ON events(asset_id, timestamp);
CREATE INDEX events_time ON events(timestamp);
)sql";

constexpr const char* kEventLogMigrations[] = {kEventLogV1};

const std::string kInsertEvent =
    "INSERT INTO events (org_id, asset_id, product_key, device_key, tsl_event_key, tsl_event_type, output, "
    "timestamp, create_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

}  // namespace

boost::system::result<void> ensure_event_log_schema(SqliteDb& db) {
  return apply_migrations(db, kEventLogMigrations);
}

boost::system::result<std::unique_ptr<EventLog>> open_sqlite_event_log(const std::string& path) {
  auto writer = SqliteDb::open(path);
  if (!writer) return writer.error();
  if (auto r = ensure_event_log_schema(**writer); !r) return r.error();
  auto reader = SqliteDb::open(path);
  if (!reader) return reader.error();
  return std::unique_ptr<EventLog>(std::make_unique<SqliteEventLog>(std::move(*writer), std::move(*reader)));
}

SqliteEventLog::SqliteEventLog(std::unique_ptr<SqliteDb> writer, std::unique_ptr<SqliteDb> reader)
    : writer_db_(std::move(writer)), reader_db_(std::move(reader)), writer_([this] { writer_loop(); }) {}

SqliteEventLog::~SqliteEventLog() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_one();
  writer_.join();
}

void SqliteEventLog::append(std::vector<Event> events, std::function<void(std::error_code)> done) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back({std::move(events), std::move(done)});
  }
  queue_cv_.notify_one();
}

void SqliteEventLog::writer_loop() {
  std::unique_lock lock(queue_mutex_);
  for (;;) {
    queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued before is written
    // Everything that queued while the last batch committed goes in one transaction: under load the batches
    // grow by themselves, and an idle log commits a lone event at once.
    std::vector<PendingAppend> batch;
    batch.swap(queue_);
    lock.unlock();
    auto written = write_batch(batch);
    std::error_code ec;
    if (!written) {
      spdlog::error("event log: a batch of {} appends failed: {}", batch.size(), written.error().message());
      // SQLite's detail is in the log line above. The plain code is what `done` gets: a storage_error with
      // detail converts to a std::error_code of its own category, which would not compare equal to
      // errc::storage_error on the caller's side.
      ec = written.error() == errc::storage_error ? std::error_code(make_error_code(errc::storage_error))
                                                  : std::error_code(written.error());
    }
    for (auto& p : batch)
      if (p.done) p.done(ec);
    lock.lock();
  }
}

boost::system::result<void> SqliteEventLog::write_batch(const std::vector<PendingAppend>& batch) {
  std::lock_guard lock(write_mutex_);
  Transaction tx(*writer_db_);
  if (auto r = tx.begin(); !r) return r;
  for (const auto& p : batch) {
    for (const auto& e : p.events) {
      auto st = writer_db_->prepare(kInsertEvent);
      if (!st) return st.error();
      st->bind(1, e.org_id).bind(2, e.asset_id).bind(3, e.product_key).bind(4, e.device_key);
      st->bind(5, e.tsl_event_key).bind(6, e.tsl_event_type).bind(7, e.output);
      st->bind(8, e.timestamp).bind(9, e.create_time);
      if (auto r = st->run(); !r) return r;
    }
  }
  return tx.commit();
}

template <class Bind>
boost::system::result<int64_t> SqliteEventLog::delete_chunked(const std::string& sql, Bind bind) {
  int64_t total = 0;
  for (;;) {
    int64_t changed = 0;
    {
      // The lock is released between chunks so the writer's batches interleave with a long sweep.
      std::lock_guard lock(write_mutex_);
      auto st = writer_db_->prepare(sql);
      if (!st) return st.error();
      st->bind(1, kEventDeleteChunk);
      bind(*st);
      if (auto r = st->run(); !r) return r.error();
      changed = sqlite3_changes64(writer_db_->handle());
    }
    total += changed;
    if (changed < kEventDeleteChunk) return total;
  }
}

boost::system::result<int64_t> SqliteEventLog::delete_before(int64_t cutoff) {
  static const std::string sql =
      "DELETE FROM events WHERE event_id IN (SELECT event_id FROM events WHERE timestamp < ?2 LIMIT ?1)";
  return delete_chunked(sql, [&](Statement& st) { st.bind(2, cutoff); });
}

boost::system::result<void> SqliteEventLog::delete_device(std::string_view org, std::string_view asset_id) {
  static const std::string sql =
      "DELETE FROM events WHERE event_id IN (SELECT event_id FROM events WHERE asset_id = ?2 AND org_id = ?3 "
      "LIMIT ?1)";
  auto r = delete_chunked(sql, [&](Statement& st) { st.bind(2, asset_id).bind(3, org); });
  if (!r) return r.error();
  return {};
}

}  // namespace gridhub::registry
