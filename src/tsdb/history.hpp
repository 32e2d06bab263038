// The history layer of the embedded store: the mutable head the writer thread appends to, the heads swapped
// out and waiting to be sealed, the partition snapshot, and the worker thread that seals, compacts, deletes
// and expires. Public side and snapshot swaps in history.cpp, queries in history_query.cpp, the worker in
// history_worker.cpp, block merging in compaction.cpp.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "tsdb/deletion.hpp"
#include "tsdb/head.hpp"
#include "tsdb/partition_set.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb {

// Threads: open() and the head replay run before any thread starts. The store's writer thread is the only
// caller of append(), swap_head(), queue_*() and the mutable head's mutations. Queries, stats() and
// set_retention() may come from any thread. The worker thread (started by start()) is the only one that
// writes under history/, mutates swapped-out heads and publishes partition snapshots.
class History {
 public:
  using Clock = std::chrono::steady_clock;
  using Done = std::function<void(std::error_code)>;

  History(std::string store_dir, const StoreOptions& options);
  ~History();  // stops the worker (what is still queued is dropped: its WAL segments are kept)
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Loads the partitions and the SEALED mark (history samples of WAL segments <= sealed_through are in
  // blocks). Before start().
  std::error_code open(uint64_t& sealed_through);
  // The mutable head, for recovery's replay. Before start().
  Head& replay_head() { return *head_; }
  void start();
  // Stops and joins the worker; queued tasks complete with operation_canceled.
  void stop();

  // ---- writer thread ----
  void append(std::span<const Sample> batch);
  // Whether the mutable head should be swapped out now (size or age), and when it will be by age.
  bool seal_due(Clock::time_point now) const;
  std::optional<Clock::time_point> seal_deadline() const;
  bool head_empty() const { return head_->empty(); }
  // Swaps the mutable head out for sealing; it holds exactly the history of WAL segments <= through_segment
  // not yet sealed. An empty head is not swapped.
  void swap_head(uint64_t through_segment);
  // A logged deletion / group drop: applied to the mutable head now, to swapped-out heads and blocks by the
  // worker, which then calls done.
  void queue_deletion(const Deletion& d, Done done);
  void queue_drop_group(uint32_t group, Done done);
  // Seals every head swapped out so far, then compacts every partition with more than one block.
  void queue_compact_all(Done done);
  // Segments <= this have their history in durable blocks.
  uint64_t sealed_through() const { return sealed_through_.load(std::memory_order_acquire); }

  // ---- any thread ----
  std::error_code range(const RangeQuery& q, std::vector<Point>& out, bool& more) const;
  std::error_code aggregate(const AggregateQuery& q, std::vector<Bucket>& out) const;
  void set_retention(uint32_t group, Category category, int64_t retention_ms);
  // Runs on the worker (serialized with seals and compactions) and waits for it.
  std::error_code enforce_retention(int64_t now_ms);
  void fill_stats(StoreStats& s) const;
  // Blocks until the worker has sealed every swapped-out head (or failed to). For close.
  std::error_code wait_sealed();

  // Test hook: after `n` more block writes succeed, every one fails with ENOSPC, as on a full disk; -1 ends it.
  void TEST_fail_block_writes_after(int n) { test_fail_after_.store(n); }

 private:
  struct SwappedHead {
    std::shared_ptr<Head> head;
    uint64_t seq = 0;              // swap order
    uint64_t through_segment = 0;  // its history is that of WAL segments <= this
  };
  // What a query reads, taken as one unit: blocks, then swapped-out heads oldest first, then the mutable head.
  struct View {
    std::shared_ptr<const PartitionSet> partitions;
    std::vector<SwappedHead> sealing;
    std::shared_ptr<Head> head;
  };
  struct Task {
    enum class Kind : uint8_t { Delete, DropGroup, CompactAll, Retention, WaitSealed };
    Kind kind = Kind::Delete;
    Deletion deletion;
    uint32_t group = 0;
    int64_t now_ms = 0;
    uint64_t swap_seq = 0;  // swapped-out heads with seq <= this predate the task
    Done done;
  };

  std::shared_ptr<const View> view() const;
  // REQUIRES: worker thread. Replaces the view with edit(copy of the current one).
  void publish(const std::function<void(View&)>& edit);
  void queue(Task t);
  // Queues `t` and blocks until the worker has run it. Never from the worker thread.
  std::error_code queue_and_wait(Task t);
  void worker_loop();
  void run_task(Task& t);

  // history_worker.cpp (worker thread)
  std::error_code seal_front();
  std::error_code seal_all_upto(uint64_t seq);
  std::error_code run_deletion(const Task& t);
  std::error_code run_drop_group(const Task& t);
  std::error_code run_retention(int64_t now_ms);
  // Merges partitions with more than one block: all of them, or those due (kCompactMinBlocks blocks, or a
  // window ended before now_ms). `one_only`: stop after the first attempt. Sets *merged when one was merged.
  std::error_code compact_partitions(bool all, int64_t now_ms, bool one_only, bool* merged = nullptr);
  // Rewrites a partition's blocks into one (filtered by `deletion` when given); publishes the result.
  std::error_code rewrite_partition(const std::shared_ptr<const Partition>& p, const Deletion* deletion);
  std::error_code write_block(const std::string& dir, const std::string& bytes, uint64_t id,
                              std::shared_ptr<const BlockReader>& out);

  const std::string history_dir_;
  const StoreOptions options_;

  // Writer thread.
  std::shared_ptr<Head> head_;
  Clock::time_point head_since_{};  // when the mutable head got its first point
  uint64_t swap_seq_ = 0;
  uint64_t last_swapped_through_ = 0;

  mutable std::mutex view_mu_;
  std::shared_ptr<const View> view_;  // GUARDED_BY(view_mu_)

  mutable std::mutex retention_mu_;
  std::map<std::pair<uint32_t, uint8_t>, int64_t> retention_;  // GUARDED_BY(retention_mu_)

  std::mutex task_mu_;
  std::condition_variable task_cv_;
  std::deque<Task> tasks_;  // GUARDED_BY(task_mu_)
  bool stopping_ = false;   // GUARDED_BY(task_mu_)
  bool seal_waiting_ = false;  // GUARDED_BY(task_mu_): a swapped-out head awaits its seal

  // Worker thread.
  uint64_t next_block_id_ = 1;
  Clock::time_point seal_retry_at_{};
  Clock::time_point next_compaction_check_{};
  std::set<PartitionKey> compaction_failed_;  // not retried until the next open (a corrupt block, say)

  std::atomic<uint64_t> sealed_through_{0};
  std::atomic<uint64_t> seals_{0}, compactions_{0}, partitions_expired_{0};
  std::atomic<int> test_fail_after_{-1};
  std::thread worker_;
};

}  // namespace gridhub::tsdb
