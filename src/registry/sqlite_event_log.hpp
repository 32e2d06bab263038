// SqliteEventLog, the SQLite EventLog: its own file (events.db), one writer thread that commits whatever is
// queued in one transaction (group commit), and reads on the caller's thread through a second connection.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "registry/event_log.hpp"
#include "registry/sqlite_db.hpp"

namespace gridhub::registry {

// Thread-safe. Two connections: writer_db_ (batches, deletes; guarded by write_mutex_) and reader_db_ (get,
// search; guarded by read_mutex_). WAL lets a search run while a batch commits. queue_mutex_ is never held
// with either database lock, and `done` callbacks run with no lock held.
class SqliteEventLog final : public EventLog {
 public:
  // REQUIRES: writer has the event log's schema; both connections are on the same file.
  SqliteEventLog(std::unique_ptr<SqliteDb> writer, std::unique_ptr<SqliteDb> reader);
  // Commits what is queued, calls its `done`s, then joins the writer. REQUIRES: no append() starts once the
  // destructor has begun (the owner stops the hub first).
  ~SqliteEventLog() override;

  void append(std::vector<Event> events, std::function<void(std::error_code)> done) override;
  boost::system::result<Event> get(std::string_view org, int64_t event_id) override;
  PageResult<Event> search(std::string_view org, const EventFilter&, Page) override;
  boost::system::result<int64_t> delete_before(int64_t cutoff) override;
  boost::system::result<void> delete_device(std::string_view org, std::string_view asset_id) override;

 private:
  struct PendingAppend {
    std::vector<Event> events;
    std::function<void(std::error_code)> done;
  };

  // The writer thread: takes everything queued, commits it, acknowledges it, until stopped and drained.
  void writer_loop();
  // One transaction for every event of the batch. REQUIRES: write_mutex_ not held (takes it).
  boost::system::result<void> write_batch(const std::vector<PendingAppend>& batch);
  // Runs a chunked DELETE (`sql` with ?1 = kEventDeleteChunk, ?2/?3 bound by `bind`) until a chunk deletes
  // fewer rows than the chunk size; returns the rows deleted. Each chunk is its own transaction.
  template <class Bind>
  boost::system::result<int64_t> delete_chunked(const std::string& sql, Bind bind);

  std::mutex write_mutex_;
  std::unique_ptr<SqliteDb> writer_db_;  // GUARDED_BY(write_mutex_)
  std::mutex read_mutex_;
  std::unique_ptr<SqliteDb> reader_db_;  // GUARDED_BY(read_mutex_)

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::vector<PendingAppend> queue_;  // GUARDED_BY(queue_mutex_)
  bool stopping_ = false;             // GUARDED_BY(queue_mutex_)
  std::thread writer_;                // last: starts once everything it uses exists
};

// The event log's schema (events table and indexes), on a fresh or older file. errc::schema_too_new.
boost::system::result<void> ensure_event_log_schema(SqliteDb& db);

}  // namespace gridhub::registry
