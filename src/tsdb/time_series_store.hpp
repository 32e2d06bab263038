// The time-series storage seam (ARCHITECTURE.md "Storage seams"): what the hub and the API may ask of
// telemetry storage, its options, and open_store() for the embedded engine. Everything else in tsdb/ is
// private.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
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
};

// Thread-safe: every method may be called from any thread, except that forget_asset() and flush() wait for
// the writer thread and so must not be called from a `done` callback. Callbacks run on the store's single
// writer thread. Destroy the store only once no thread calls it any more.
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
};

// Opens/creates the store in `dir` (created if missing; `dir/LOCK` keeps a second store out): replays the
// last checkpoint + newer WAL segments (a torn or corrupt tail record is truncated and logged with its
// offset; corruption in the middle stops replay of that segment at that point, logged, never a crash), then
// serves. Errors: errc::bad_options, errc::locked, or the system error of the file operation that failed. On
// success `out` owns the store; destroying it drains the queue, writes a checkpoint and joins the writer.
std::error_code open_store(const std::string& dir, const StoreOptions& options,
                           std::unique_ptr<TimeSeriesStore>& out);

}  // namespace gridhub::tsdb
