// The time-series storage seam (ARCHITECTURE.md "Storage seams"): what the hub and the API may ask of
// telemetry storage, its options, and open_store() for the embedded engine. Everything else in tsdb/ is
// private.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "tsdb/errc.hpp"
#include "tsdb/sample.hpp"

namespace gridhub::tsdb {

// Counters since open, for benchmarks and the operator. Read without stopping the writer, so fields taken
// together may be a few operations apart.
struct StoreStats {
  uint64_t appended_samples = 0;    // samples acknowledged as stored
  uint64_t appended_batches = 0;    // append() calls acknowledged as stored
  uint64_t rejected_batches = 0;    // append() calls completed with an error
  uint64_t wal_bytes = 0;           // framed WAL bytes written (headers included)
  uint64_t wal_writes = 0;          // write() calls on WAL segments
  uint64_t fsyncs = 0;              // fdatasync() calls on WAL segments
  uint64_t group_commits = 0;       // groups of batches committed together
  uint64_t max_group_batches = 0;   // largest group seen (appended_batches / group_commits is the mean)
  uint64_t checkpoints = 0;         // checkpoints written
  uint64_t backpressure_waits = 0;  // append() calls that blocked on a full queue
  uint64_t latest_points = 0;       // series in the latest-value table
  uint64_t queued_bytes = 0;        // encoded bytes waiting for the writer now
  // History (samples with Sample::history set).
  uint64_t head_series = 0;          // series with points in the in-memory head
  uint64_t head_points = 0;          // points in the head, not yet sealed into blocks
  uint64_t head_bytes = 0;           // memory the head's encoded points take
  uint64_t seals = 0;                // times the head was sealed into blocks
  uint64_t partitions = 0;           // time partitions on disk
  uint64_t blocks = 0;               // block files on disk
  uint64_t block_bytes = 0;          // bytes of block files on disk
  uint64_t block_points = 0;         // points in block files (after deduplication)
  uint64_t compactions = 0;          // partitions rewritten into one block
  uint64_t partitions_expired = 0;   // partitions dropped by retention
};

// One stored point of one series, as read back.
struct Point {
  int64_t time_ms = 0;
  Value value;
  std::optional<int32_t> quality;
};

// A raw read of one series: (asset, point, category).
struct RangeQuery {
  std::string asset_id;
  std::string point_id;
  Category category = Category::AiRaw;
  int64_t start_ms = 0;  // [start_ms, end_ms): half-open
  int64_t end_ms = 0;
  std::size_t limit = 1000;  // at most this many points; > 0
  bool descending = false;   // newest first
};

enum class Aggregation : uint8_t { Avg, Max, Min, Sum, Count, First, Last };

// A read of one series in windows of interval_ms aligned to start_ms: [start + k*interval, start + (k+1)*interval).
struct AggregateQuery {
  std::string asset_id;
  std::string point_id;
  Category category = Category::AiNormalized;
  int64_t start_ms = 0;  // [start_ms, end_ms)
  int64_t end_ms = 0;
  int64_t interval_ms = 60000;  // > 0
  Aggregation fn = Aggregation::Avg;
};

// One window's result, timed at the window's start. Avg and Sum are Double; Min and Max are Double (Int and
// Bool values count as numbers); Count is Int; First and Last are the value as stored. Non-numeric values
// (String, Json) are counted by Count, First and Last only. Windows with nothing to report are left out.
struct Bucket {
  int64_t time_ms = 0;
  Value value;
};

// Thread-safe: every method may be called from any thread, except that forget_asset(), flush(),
// delete_range(), drop_group(), enforce_retention() and compact() wait for the writer thread (and the last
// four for the history worker's file work too, which may take a while: keep them off an io_context thread)
// and so must not be called from a `done` callback. Callbacks run on the store's single writer thread.
// Destroy the store only once no thread calls it any more.
class TimeSeriesStore {
 public:
  virtual ~TimeSeriesStore() = default;

  // Durably appends a batch (one WAL record per batch, one WAL write for many batches: group commit) and then
  // calls done(ec) from the store's writer thread. ec set => NOT stored (bad sample, batch too large, disk
  // full, store failed earlier: once a write or fsync fails the store refuses every later append, like
  // LevelDB's background error). `done` must be cheap (the hub posts to its io_context) and must not call
  // append(). Latest values are updated before done is called (a reader that sees the reply sees the value).
  // A sample older than the current latest of its series does not replace it; one of the same time does.
  // Backpressure: when StoreOptions::max_queued_bytes of encoded batches wait for the writer, append() blocks
  // the calling thread until the writer has drained enough of them.
  virtual void append(std::vector<Sample> batch, std::function<void(std::error_code)> done) = 0;

  // Latest value of each requested point of one asset (empty ids = every point of the asset), sorted by point
  // id; points without a value are left out.
  virtual std::vector<Sample> latest(std::string_view asset_id,
                                     std::span<const std::string> point_ids) const = 0;

  // Drops the latest values of an asset (device deleted). Ordered with appends: it is logged in the WAL after
  // every batch appended before it, and returns once it is applied.
  virtual void forget_asset(std::string_view asset_id) = 0;

  // Blocks until everything appended so far is durable (fdatasync whatever the durability mode), then writes
  // a checkpoint. Returns the store's background error, or the checkpoint's error.
  virtual std::error_code flush() = 0;

  virtual StoreStats stats() const = 0;

  // {} while the store accepts writes; once a WAL write or fsync has failed, that error (every later append
  // fails with it). Thread-safe and cheap: /healthz calls it.
  virtual std::error_code health() const { return {}; }

  // ---- History (samples appended with Sample::history set) ----

  // Points of one series in [start, end), one per timestamp: when several samples had the same time, the one
  // appended last wins (minute-normalized categories: the last one of the minute). Sorted by time (ascending,
  // or descending). Sees every append whose `done` has run. `more` is set when the range holds points past
  // `limit`: read on from last.time_ms + 1 (ascending) or with end_ms = last.time_ms (descending).
  // errc::bad_query for an empty id, start > end or limit 0; errc::corrupt_block when a block the read needs
  // is damaged (the read fails, the server does not).
  virtual std::error_code range(const RangeQuery& query, std::vector<Point>& out, bool& more) const = 0;

  // Windows of one series (see AggregateQuery and Bucket), ascending. Same errors as range(), and bad_query
  // for interval_ms <= 0 or more than kMaxAggregateWindows windows.
  virtual std::error_code aggregate(const AggregateQuery& query, std::vector<Bucket>& out) const = 0;

  // Deletes the history of `asset_id` in [start, end) in every category and group; `point_ids` empty = every
  // point. Latest values are not touched. Durable when it returns (a restart never brings the points back).
  virtual std::error_code delete_range(std::string_view asset_id, std::span<const std::string> point_ids,
                                       int64_t start_ms, int64_t end_ms) = 0;

  // Drops all history of a storage policy group (the group was deleted). Durable when it returns.
  virtual std::error_code drop_group(uint32_t group) = 0;

  // How long a group keeps a category's history (EnOS retention "3M" etc., converted by the caller); 0 =
  // forever, the default. Not persisted: the server sets it from the registry at start and on every change.
  virtual void set_retention(uint32_t group, Category category, int64_t retention_ms) = 0;

  // Drops every partition whose whole time span ended more than its retention before `now_ms`. Whole
  // partitions only, never single points (ARCHITECTURE.md). Returns the first file error (the rest still run).
  virtual std::error_code enforce_retention(int64_t now_ms) = 0;

  // Seals the in-memory head into blocks and compacts every partition with more than one block into one. The
  // store does both on its own as data arrives; benchmarks and tests call this to measure or force it.
  virtual std::error_code compact() = 0;
};

enum class Durability : uint8_t {
  None,   // buffered in memory (kBufferedWriteBytes / kBufferedWriteDelay): fastest, a crash loses the tail
  Flush,  // write() before the reply: survives a process crash, not a power loss
  Fsync,  // fdatasync() before the reply (default): survives a power loss
};

struct StoreOptions {
  Durability durability = Durability::Fsync;
  // A segment that reaches this size is closed and a checkpoint taken (which lets covered segments go).
  std::size_t wal_segment_bytes = 64 << 20;
  // Time between checkpoints while appends arrive (zero: only on size, flush() and close).
  std::chrono::milliseconds checkpoint_interval{30000};
  // Largest encoded batch one append() may carry, and the most bytes one group commit writes at once.
  std::size_t max_batch_bytes = 4 << 20;
  // Encoded bytes that may wait for the writer before append() blocks (backpressure); >= max_batch_bytes.
  std::size_t max_queued_bytes = 64 << 20;
  // ---- History ----
  // Length of a time partition (blocks are grouped, compacted and expired per partition); > 0. Windows are
  // aligned to the epoch: the default is one UTC day. Partitions already on disk keep their window.
  int64_t partition_ms = 86400000;
  // The in-memory head is sealed into blocks once its encoded points take this many bytes (> 0) ...
  std::size_t head_max_bytes = 64 << 20;
  // ... or once its oldest point has waited this long (> 0).
  std::chrono::milliseconds seal_interval{600000};
};

// Opens/creates the store in `dir` (created if missing; `dir/LOCK` keeps a second store out): replays the
// last checkpoint + newer WAL segments (a torn or corrupt tail record is truncated and logged with its
// offset; corruption in the middle stops replay of that segment at that point, logged, never a crash), then
// serves. Errors: errc::bad_options, errc::locked, or the system error of the file operation that failed. On
// success `out` owns the store; destroying it drains the queue, writes a checkpoint and joins the writer.
std::error_code open_store(const std::string& dir, const StoreOptions& options,
                           std::unique_ptr<TimeSeriesStore>& out);

}  // namespace gridhub::tsdb
