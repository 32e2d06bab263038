// EmbeddedStore's writer thread: group commit (every queued batch framed into one buffer, one write(), one
// fdatasync, then the latest values updated and the callbacks run), segment roll-over and checkpoints.
// While it writes and syncs, callers keep queueing, so the next group is as large as the load made it: the
// fsync rate stays near the disk's while the batch rate grows with the number of callers (LevelDB
// DBImpl::Write + BuildBatchGroup, with a dedicated thread instead of a leader writer).
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cassert>
#include <filesystem>
#include <optional>
#include <utility>

#include "metrics/catalog.hpp"
#include "tsdb/checkpoint.hpp"
#include "tsdb/embedded_store.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"
#include "tsdb/segment_names.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {

using Clock = std::chrono::steady_clock;

void EmbeddedStore::writer_loop() {
  std::vector<Op> group;
  if (settle_first_) settle("after recovery");
  for (;;) {
    std::size_t bytes = 0;
    if (!take_group(group, bytes)) break;
    if (!group.empty()) {
      commit_group(group);
      group.clear();
      {
        std::lock_guard lk(mu_);
        queued_bytes_ -= bytes;
      }
      space_cv_.notify_all();
    }
    background_work();
  }
  if (test_crash_on_close_) return;
  settle("at close");  // the queue is drained
}

// Seals the head and leaves a checkpoint, so that the next open replays nothing.
void EmbeddedStore::settle(const char* when) {
  if (bg_error_) return;
  if (auto ec = swap_head()) return;  // a background error now: the WAL keeps everything
  if (auto ec = history_.wait_sealed()) {
    spdlog::error("tsdb: sealing the head of {} {} failed: {}; its WAL segments are kept", dir_, when,
                  ec.message());
  }
  if (!bg_error_ && (dirty_ || !pending_.empty() || segments_.size() > 1)) {
    if (auto ec = checkpoint()) spdlog::error("tsdb: checkpoint of {} {} failed: {}", dir_, when, ec.message());
  }
}

// Waits for work and moves the next group out of the queue. False once stopping with nothing queued.
bool EmbeddedStore::take_group(std::vector<Op>& group, std::size_t& bytes) {
  bool break_fd = false;
  {
    std::unique_lock lk(mu_);
    while (queue_.empty() && !stopping_ && !test_break_fd_) {
      // Deadlines: Durability::None's buffered bytes, and the periodic checkpoint. A failed store has neither
      // (background_work() would do nothing and the past deadline would spin this loop).
      std::optional<Clock::time_point> deadline;
      if (!bg_error_ && !pending_.empty()) deadline = pending_since_ + kBufferedWriteDelay;
      if (!bg_error_ && dirty_ && options_.checkpoint_interval.count() > 0) {
        const auto due = last_checkpoint_ + options_.checkpoint_interval;
        deadline = deadline ? std::min(*deadline, due) : due;
      }
      if (!bg_error_) {
        if (const auto due = history_.seal_deadline()) deadline = deadline ? std::min(*deadline, *due) : *due;
      }
      if (!deadline) {
        work_cv_.wait(lk);
      } else if (work_cv_.wait_until(lk, *deadline) == std::cv_status::timeout) {
        return true;  // background_work() acts on the deadline
      }
    }
    if (queue_.empty() && stopping_) return false;
    break_fd = std::exchange(test_break_fd_, false);
    while (!queue_.empty()) {
      Op& front = queue_.front();
      if (!group.empty() && bytes + front.payload.size() > options_.max_batch_bytes) break;
      bytes += front.payload.size();
      const bool is_flush = front.kind == Op::Kind::Flush;
      group.push_back(std::move(front));
      queue_.pop_front();
      if (is_flush) break;  // a flush closes its group: it syncs and checkpoints exactly what came before it
    }
  }
  if (break_fd) break_wal_fd();
  return true;
}

void EmbeddedStore::commit_group(std::vector<Op>& group) {
  assert(on_writer_thread());
  const bool flush = group.back().kind == Op::Kind::Flush;
  bool framed_any = false;
  bool must_sync = false;  // a deletion is durable when its call returns, whatever the durability mode
  for (Op& op : group) {
    if (op.error || op.kind == Op::Kind::Flush) continue;
    if (bg_error_) {
      op.error = bg_error_;
      continue;
    }
    if (op.payload.empty()) continue;  // an empty batch or a Seal: nothing to log
    if (pending_.empty()) pending_since_ = Clock::now();
    wal_.add_record({reinterpret_cast<const uint8_t*>(op.payload.data()), op.payload.size()}, pending_);
    op.framed = true;
    framed_any = true;
    // A deletion record must replay into the head as long as the samples before it may: its segment is kept
    // like one holding history, until a seal passes it.
    const bool history_record = op.kind == Op::Kind::Delete || op.kind == Op::Kind::DropGroup;
    if (op.has_history || history_record) segments_.back().has_history = true;
    must_sync = must_sync || history_record;
  }

  std::error_code io_error;
  if (!bg_error_ && (framed_any || flush)) {
    const bool write_now = options_.durability != Durability::None || flush || must_sync ||
                           pending_.size() >= kBufferedWriteBytes;
    const bool sync = options_.durability == Durability::Fsync || flush || must_sync;
    if (write_now) io_error = write_pending();
    if (!io_error && sync) io_error = sync_segment();
  }
  if (io_error) {
    for (Op& op : group) {
      if (op.framed) op.error = io_error;
    }
  }

  // Latest values and the head first, callbacks after: a reader that sees a reply sees its values. In op
  // order, so a deletion removes exactly what was appended before it.
  uint64_t batches = 0, samples = 0, rejected = 0;
  for (Op& op : group) {
    switch (op.kind) {
      case Op::Kind::Forget:
        // Even when it could not be logged: the device is gone either way (forget_asset logs the failure).
        table_.forget(op.asset_id);
        dirty_ = true;
        break;
      case Op::Kind::Append:
        if (op.error) {
          ++rejected;
          continue;
        }
        ++batches;
        samples += op.batch.size();
        if (op.has_history) history_.append(op.batch);  // before the table, which moves the strings out
        table_.apply(op.batch);
        break;
      case Op::Kind::Delete:
        // The history worker completes it once swapped-out heads and blocks are rid of the points too.
        if (!op.error) {
          history_.queue_deletion(op.deletion, std::move(op.done));
          op.done = nullptr;
        }
        break;
      case Op::Kind::DropGroup:
        if (!op.error) {
          history_.queue_drop_group(op.group, std::move(op.done));
          op.done = nullptr;
        }
        break;
      case Op::Kind::Seal:
        if (!op.error && bg_error_) op.error = bg_error_;
        if (!op.error) op.error = swap_head();
        if (!op.error) {
          history_.queue_compact_all(std::move(op.done));
          op.done = nullptr;
        }
        break;
      case Op::Kind::Flush:
        break;
    }
  }
  if (batches) dirty_ = true;
  if (flush) group.back().error = bg_error_ ? bg_error_ : checkpoint();

  counters_.appended_batches.fetch_add(batches, std::memory_order_relaxed);
  counters_.appended_samples.fetch_add(samples, std::memory_order_relaxed);
  metrics::store_samples_written.inc(samples);
  counters_.rejected_batches.fetch_add(rejected, std::memory_order_relaxed);
  if (framed_any) {
    counters_.group_commits.fetch_add(1, std::memory_order_relaxed);
    if (group.size() > counters_.max_group_batches.load(std::memory_order_relaxed)) {
      counters_.max_group_batches.store(group.size(), std::memory_order_relaxed);
    }
  }
  for (Op& op : group) {
    if (!op.done) continue;
    try {
      op.done(op.error);
    } catch (const std::exception& e) {
      // A throwing callback must not take the writer thread (and every later append) down with it.
      spdlog::error("tsdb: append callback threw: {}", e.what());
    } catch (...) {
      spdlog::error("tsdb: append callback threw");
    }
  }
}

// Work due by size or time rather than by a queued op.
void EmbeddedStore::background_work() {
  if (bg_error_) return;
  const auto now = Clock::now();
  if (!pending_.empty() && now - pending_since_ >= kBufferedWriteDelay) {
    if (write_pending()) return;
  }
  const bool segment_full = wal_.offset() >= options_.wal_segment_bytes;
  const bool interval_due = dirty_ && options_.checkpoint_interval.count() > 0 &&
                            now - last_checkpoint_ >= options_.checkpoint_interval;
  if (segment_full || interval_due) {
    if (auto ec = checkpoint()) spdlog::error("tsdb: checkpoint of {} failed: {}", dir_, ec.message());
  }
  if (!bg_error_ && history_.seal_due(now)) swap_head();
}

std::error_code EmbeddedStore::swap_head() {
  assert(on_writer_thread());
  if (bg_error_) return bg_error_;
  // An empty head is worth a swap only to move the SEALED mark past segments whose history was deleted.
  const uint64_t sealed = history_.sealed_through();
  const bool unsealed = std::any_of(segments_.begin(), segments_.end(),
                                    [&](const SegmentInfo& s) { return s.has_history && s.number > sealed; });
  if (history_.head_empty() && !unsealed) return {};
  if (auto ec = write_pending()) return ec;
  if (auto ec = sync_segment()) return ec;
  uint64_t through = segment_number_ - 1;
  if (wal_.offset() > 0) {
    through = segment_number_;
    if (auto ec = open_segment(segment_number_ + 1)) return ec;
  }
  history_.swap_head(through);
  return {};
}

std::error_code EmbeddedStore::write_pending() {
  assert(on_writer_thread());
  if (pending_.empty()) return {};
  const auto ec = fs::write_all(segment_fd_.get(), pending_.data(), pending_.size());
  counters_.wal_writes.fetch_add(1, std::memory_order_relaxed);
  if (!ec) counters_.wal_bytes.fetch_add(pending_.size(), std::memory_order_relaxed);
  pending_.clear();
  unsynced_ = true;
  if (ec) fail(ec, "WAL write");
  return ec;
}

std::error_code EmbeddedStore::sync_segment() {
  if (!unsynced_) return {};
  const auto sync_started = std::chrono::steady_clock::now();
  const auto ec = fs::datasync(segment_fd_.get());
  metrics::store_wal_fsync_seconds.observe(std::chrono::steady_clock::now() - sync_started);
  counters_.fsyncs.fetch_add(1, std::memory_order_relaxed);
  unsynced_ = false;
  if (ec) fail(ec, "WAL fdatasync");
  return ec;
}

std::error_code EmbeddedStore::open_segment(uint64_t number) {
  assert(on_writer_thread());
  const std::string path = wal_dir_ + "/" + wal::segment_file_name(number);
  fs::Fd fd;
  // O_EXCL: recovery numbered it past every segment on disk, so an existing file would be a bug to surface.
  auto ec = fs::open_file(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, fd);
  // The new name must be durable before a record acknowledged in it is.
  if (!ec) ec = fs::sync_dir(wal_dir_);
  if (ec) {
    fail(ec, "WAL segment creation");
    return ec;
  }
  segment_fd_ = std::move(fd);
  segment_number_ = number;
  wal_ = WalWriter(0);
  unsynced_ = false;
  segments_.push_back({number, false});
  return {};
}

// Checkpoint: make the current segment durable and start a new one, save the table as covering every older
// segment (tmp + fsync + rename + fsync dir), then delete the covered segments whose history (if any) is
// sealed into blocks.
std::error_code EmbeddedStore::checkpoint() {
  assert(on_writer_thread());
  if (bg_error_) return bg_error_;
  // Counted from the attempt: a checkpoint that keeps failing (say, a full disk) is retried once per
  // interval, not in a loop.
  last_checkpoint_ = Clock::now();
  if (auto ec = write_pending()) return ec;
  if (auto ec = sync_segment()) return ec;
  uint64_t covered = segment_number_ - 1;
  if (wal_.offset() > 0) {
    covered = segment_number_;
    if (auto ec = open_segment(segment_number_ + 1)) return ec;
  }
  std::string buf;
  encode_checkpoint(table_, covered, buf);
  if (auto ec = fs::replace_file_durably(dir_, std::string(wal::kCheckpointTmpFile),
                                         std::string(wal::kCheckpointFile), buf)) {
    // Not a background error: the WAL still holds everything, recovery just replays more.
    spdlog::error("tsdb: writing checkpoint in {} failed: {}; WAL segments kept", dir_, ec.message());
    return ec;
  }
  counters_.checkpoints.fetch_add(1, std::memory_order_relaxed);
  dirty_ = false;

  bool removed = false;
  const uint64_t sealed = history_.sealed_through();
  auto covered_without_history = [&](const SegmentInfo& s) {
    if (s.number > covered || (s.has_history && s.number > sealed)) return false;
    std::error_code ec;
    std::filesystem::remove(wal_dir_ + "/" + wal::segment_file_name(s.number), ec);
    if (ec) {
      spdlog::warn("tsdb: removing covered WAL segment {} failed: {}", s.number, ec.message());
      return false;
    }
    removed = true;
    return true;
  };
  segments_.erase(std::remove_if(segments_.begin(), segments_.end(), covered_without_history),
                  segments_.end());
  // Not required for correctness (a resurrected covered segment is removed at the next open), so not fatal.
  if (removed) {
    if (auto ec = fs::sync_dir(wal_dir_))
      spdlog::warn("tsdb: fsync of {} failed: {}", wal_dir_, ec.message());
  }
  return {};
}

void EmbeddedStore::fail(std::error_code ec, const char* what) {
  if (bg_error_) return;
  spdlog::error("tsdb: {} in {} failed: {}; the store refuses every later write", what, dir_, ec.message());
  {
    std::lock_guard lk(mu_);
    bg_error_ = ec;
  }
  space_cv_.notify_all();  // blocked appenders must not wait for a writer that will not drain
}

void EmbeddedStore::break_wal_fd() {
  fs::Fd read_only;
  if (fs::open_file("/dev/null", O_RDONLY, read_only)) return;
  // dup2 keeps the descriptor number taken, so no file opened meanwhile can receive WAL bytes.
  ::dup2(read_only.get(), segment_fd_.get());
}

}  // namespace gridhub::tsdb
