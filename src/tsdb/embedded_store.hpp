// The embedded TimeSeriesStore: a WAL with group commit on one writer thread, the latest-value table,
// checkpoints, and the history layer (history.hpp: head, blocks, their worker thread). Public methods in
// embedded_store.cpp, the writer thread in group_commit.cpp.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tsdb/file_util.hpp"
#include "tsdb/history.hpp"
#include "tsdb/latest_table.hpp"
#include "tsdb/recovery.hpp"
#include "tsdb/time_series_store.hpp"
#include "tsdb/wal_writer.hpp"

namespace gridhub::tsdb {

// Thread-safe (see TimeSeriesStore). One writer thread owns the WAL files, the framing state and every
// mutation of the latest-value table; callers only encode their batch and queue it.
class EmbeddedStore final : public TimeSeriesStore {
 public:
  // Validates options, creates and locks `dir`, recovers, starts the writer. See open_store().
  static std::error_code open(const std::string& dir, const StoreOptions& options,
                              std::unique_ptr<TimeSeriesStore>& out);

  ~EmbeddedStore() override;

  void append(std::vector<Sample> batch, std::function<void(std::error_code)> done) override;
  std::vector<Sample> latest(std::string_view asset_id,
                             std::span<const std::string> point_ids) const override;
  void forget_asset(std::string_view asset_id) override;
  std::error_code flush() override;
  StoreStats stats() const override;
  std::error_code health() const override;
  std::error_code range(const RangeQuery& query, std::vector<Point>& out, bool& more) const override;
  std::error_code aggregate(const AggregateQuery& query, std::vector<Bucket>& out) const override;
  std::error_code delete_range(std::string_view asset_id, std::span<const std::string> point_ids,
                               int64_t start_ms, int64_t end_ms) override;
  std::error_code drop_group(uint32_t group) override;
  void set_retention(uint32_t group, Category category, int64_t retention_ms) override;
  std::error_code enforce_retention(int64_t now_ms) override;
  std::error_code compact() override;

  // Test hook: the writer's next WAL write fails for real (its segment descriptor is swapped for a read-only
  // one, so write(2) returns EBADF), which must turn into the store's background error.
  void TEST_break_wal_fd();
  // Test hook: after `n` more block file writes succeed, every one fails with ENOSPC (a full disk during seals
  // and compactions); -1 ends it.
  void TEST_fail_block_writes_after(int n) { history_.TEST_fail_block_writes_after(n); }
  // Test hook: destroying the store then leaves the files as a crash would (no final seal, no checkpoint).
  void TEST_crash_on_close() { test_crash_on_close_ = true; }

 private:
  struct Op {
    // Delete and DropGroup are synced whatever the durability mode, then handed to the history worker,
    // which calls `done` once blocks are rewritten. Seal swaps the head out and hands a compaction over.
    enum class Kind : uint8_t { Append, Forget, Flush, Delete, DropGroup, Seal };
    Kind kind = Kind::Append;
    bool framed = false;        // writer: its record went into this group's write
    bool has_history = false;   // a sample wants history kept
    std::error_code error;      // refused before reaching the WAL, or the group's write error
    std::vector<Sample> batch;  // Append
    std::string asset_id;       // Forget
    Deletion deletion;          // Delete
    uint32_t group = 0;         // DropGroup
    std::string payload;        // encoded record payload (Append, Forget, Delete, DropGroup)
    std::function<void(std::error_code)> done;
  };

  EmbeddedStore(std::string dir, const StoreOptions& options, fs::Fd lock);
  std::error_code start();
  void enqueue(Op op);

  // ---- writer thread (group_commit.cpp); REQUIRES: on_writer_thread() ----
  bool on_writer_thread() const {
    return !writer_.joinable() || std::this_thread::get_id() == writer_.get_id();
  }
  void writer_loop();
  bool take_group(std::vector<Op>& group, std::size_t& bytes);
  void settle(const char* when);
  void commit_group(std::vector<Op>& group);
  void background_work();
  std::error_code write_pending();
  std::error_code sync_segment();
  std::error_code open_segment(uint64_t number);
  std::error_code checkpoint();
  // Rolls the WAL segment and swaps the history head out, so it holds exactly the segments before the new one.
  std::error_code swap_head();
  void fail(std::error_code ec, const char* what);
  void break_wal_fd();

  const std::string dir_;
  const std::string wal_dir_;
  const StoreOptions options_;
  fs::Fd lock_fd_;
  LatestTable table_;

  // Queues an op the caller waits for and returns its result.
  std::error_code run_op(Op op);

  // The queue between callers and the writer.
  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // the writer waits here for ops or a deadline
  std::condition_variable space_cv_;  // appenders wait here while the queue is full
  std::deque<Op> queue_;              // GUARDED_BY(mu_)
  std::size_t queued_bytes_ = 0;      // GUARDED_BY(mu_): payload bytes queued or being committed
  bool stopping_ = false;             // GUARDED_BY(mu_)
  bool test_break_fd_ = false;        // GUARDED_BY(mu_)
  // Set once, by the writer, under mu_; the writer may read it without the lock (it is the only writer).
  std::error_code bg_error_;

  History history_;
  bool test_crash_on_close_ = false;  // set before destruction by the test thread

  // Writer thread only.
  fs::Fd segment_fd_;
  uint64_t segment_number_ = 0;
  WalWriter wal_;
  std::string pending_;  // framed bytes not yet written (kept across groups only by Durability::None)
  bool unsynced_ = false;
  bool settle_first_ = false;  // the open replayed records: seal and checkpoint them before any new work
  bool dirty_ = false;  // appended since the last checkpoint
  std::chrono::steady_clock::time_point pending_since_;
  std::chrono::steady_clock::time_point last_checkpoint_;
  std::vector<SegmentInfo> segments_;  // on disk, ascending; the last is the one being written

  struct Counters {
    std::atomic<uint64_t> appended_samples{0}, appended_batches{0}, rejected_batches{0}, wal_bytes{0},
        wal_writes{0}, fsyncs{0}, group_commits{0}, max_group_batches{0}, checkpoints{0},
        backpressure_waits{0};
  };
  Counters counters_;

  std::thread writer_;
};

}  // namespace gridhub::tsdb
