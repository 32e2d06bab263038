// EmbeddedStore's caller side: open (options, lock, recovery), encoding and queueing appends with
// backpressure, and the synchronous operations that wait on the writer thread.
#include "tsdb/embedded_store.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <future>

#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"
#include "tsdb/sample_codec.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {

std::error_code open_store(const std::string& dir, const StoreOptions& options,
                           std::unique_ptr<TimeSeriesStore>& out) {
  return EmbeddedStore::open(dir, options, out);
}

std::error_code EmbeddedStore::open(const std::string& dir, const StoreOptions& options,
                                    std::unique_ptr<TimeSeriesStore>& out) {
  if (options.wal_segment_bytes == 0 || options.wal_segment_bytes > kMaxSegmentBytes ||
      options.max_batch_bytes == 0 || options.max_batch_bytes > kMaxRecordBytes ||
      options.max_queued_bytes < options.max_batch_bytes || options.checkpoint_interval.count() < 0 ||
      options.partition_ms <= 0 || options.head_max_bytes == 0 || options.seal_interval.count() <= 0) {
    return errc::bad_options;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir + "/" + std::string(wal::kWalDir), ec);
  if (ec) return ec;
  fs::Fd lock;
  if (auto err = fs::open_file(dir + "/" + std::string(wal::kLockFile), O_RDWR | O_CREAT, lock)) return err;
  // flock belongs to the open file description: a second store in this process is kept out as well.
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    return errno == EWOULDBLOCK ? std::error_code(errc::locked) : fs::last_error();
  }
  std::unique_ptr<EmbeddedStore> store(new EmbeddedStore(dir, options, std::move(lock)));
  if (auto err = store->start()) return err;
  out = std::move(store);
  return {};
}

EmbeddedStore::EmbeddedStore(std::string dir, const StoreOptions& options, fs::Fd lock)
    : dir_(std::move(dir)),
      wal_dir_(dir_ + "/" + std::string(wal::kWalDir)),
      options_(options),
      lock_fd_(std::move(lock)),
      history_(dir_, options_) {}

std::error_code EmbeddedStore::start() {
  uint64_t sealed_through = 0;
  if (auto ec = history_.open(sealed_through)) return ec;
  RecoveryResult rec;
  if (auto ec = recover(dir_, table_, history_.replay_head(), sealed_through, rec)) {
    spdlog::error("tsdb: recovery of {} failed: {}", dir_, ec.message());
    return ec;
  }
  segments_ = std::move(rec.segments);
  if (auto ec = open_segment(rec.next_segment)) return ec;
  last_checkpoint_ = std::chrono::steady_clock::now();
  // What was replayed is work the next crash would redo: the writer settles it before anything else, rather
  // than a full interval from now (a server crashing more often than that would never shorten its WAL).
  settle_first_ = rec.records > 0;
  spdlog::info(
      "tsdb: opened {}: checkpoint covers segment {}, replayed {} records ({} samples, {} into the history "
      "head), {} damaged segments, {} series; writing segment {}",
      dir_, rec.covered_segment, rec.records, rec.samples, rec.history_samples, rec.damaged_segments,
      table_.size(), segment_number_);
  history_.start();
  writer_ = std::thread([this] { writer_loop(); });
  return {};
}

EmbeddedStore::~EmbeddedStore() {
  if (writer_.joinable()) {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    work_cv_.notify_one();
    writer_.join();
  }
  history_.stop();
}

void EmbeddedStore::append(std::vector<Sample> batch, std::function<void(std::error_code)> done) {
  Op op;
  op.done = std::move(done);
  if (!batch.empty()) {
    // Encoded here, on the caller's thread, so the writer only frames and writes; one allocation per batch.
    std::size_t estimate = 8;
    for (const Sample& s : batch) estimate += 24 + s.asset_id.size() + s.point_id.size() + s.value.s.size();
    op.payload.reserve(estimate);
    op.error = encode_samples_payload(batch, op.payload);
    if (!op.error && op.payload.size() > options_.max_batch_bytes) op.error = errc::batch_too_large;
    if (op.error) {
      op.payload = std::string();  // a refused batch holds no queue space
    } else {
      for (const Sample& s : batch) op.has_history = op.has_history || s.history != 0;
      op.batch = std::move(batch);
    }
  }
  enqueue(std::move(op));
}

void EmbeddedStore::enqueue(Op op) {
  const std::size_t bytes = op.payload.size();
  std::unique_lock lk(mu_);
  // Backpressure: wait for the writer to drain. Never on the writer thread itself (a `done` that appends
  // would wait for its own thread), never when the queue is empty (one batch may always go), never on a
  // failed store.
  auto has_room = [&] {
    return queued_bytes_ == 0 || queued_bytes_ + bytes <= options_.max_queued_bytes || bg_error_ || stopping_;
  };
  if (!has_room() && std::this_thread::get_id() != writer_.get_id()) {
    counters_.backpressure_waits.fetch_add(1, std::memory_order_relaxed);
    space_cv_.wait(lk, has_room);
  }
  queued_bytes_ += bytes;
  queue_.push_back(std::move(op));
  lk.unlock();
  work_cv_.notify_one();
}

std::vector<Sample> EmbeddedStore::latest(std::string_view asset_id,
                                          std::span<const std::string> point_ids) const {
  return table_.get(asset_id, point_ids);
}

void EmbeddedStore::forget_asset(std::string_view asset_id) {
  if (asset_id.empty() || asset_id.size() > kMaxAssetIdBytes) return;  // append never stored such an asset
  std::promise<std::error_code> applied;
  Op op;
  op.kind = Op::Kind::Forget;
  op.asset_id.assign(asset_id);
  encode_forget_payload(asset_id, op.payload);
  op.done = [&applied](std::error_code ec) { applied.set_value(ec); };
  auto result = applied.get_future();
  enqueue(std::move(op));
  if (auto ec = result.get()) {
    spdlog::error("tsdb: forgetting asset {} was not logged ({}); its values may return after a restart",
                  asset_id, ec.message());
  }
}

std::error_code EmbeddedStore::run_op(Op op) {
  std::promise<std::error_code> finished;
  op.done = [&finished](std::error_code ec) { finished.set_value(ec); };
  auto result = finished.get_future();
  enqueue(std::move(op));
  return result.get();
}

std::error_code EmbeddedStore::flush() {
  Op op;
  op.kind = Op::Kind::Flush;
  return run_op(std::move(op));
}

std::error_code EmbeddedStore::health() const {
  std::lock_guard lk(mu_);
  return bg_error_;
}

StoreStats EmbeddedStore::stats() const {
  StoreStats s;
  const auto get = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  s.appended_samples = get(counters_.appended_samples);
  s.appended_batches = get(counters_.appended_batches);
  s.rejected_batches = get(counters_.rejected_batches);
  s.wal_bytes = get(counters_.wal_bytes);
  s.wal_writes = get(counters_.wal_writes);
  s.fsyncs = get(counters_.fsyncs);
  s.group_commits = get(counters_.group_commits);
  s.max_group_batches = get(counters_.max_group_batches);
  s.checkpoints = get(counters_.checkpoints);
  s.backpressure_waits = get(counters_.backpressure_waits);
  s.latest_points = table_.size();
  history_.fill_stats(s);
  std::lock_guard lk(mu_);
  s.queued_bytes = queued_bytes_;
  return s;
}

std::error_code EmbeddedStore::range(const RangeQuery& query, std::vector<Point>& out, bool& more) const {
  return history_.range(query, out, more);
}

std::error_code EmbeddedStore::aggregate(const AggregateQuery& query, std::vector<Bucket>& out) const {
  return history_.aggregate(query, out);
}

std::error_code EmbeddedStore::delete_range(std::string_view asset_id, std::span<const std::string> point_ids,
                                            int64_t start_ms, int64_t end_ms) {
  if (asset_id.empty() || asset_id.size() > kMaxAssetIdBytes || start_ms > end_ms ||
      point_ids.size() > kMaxDeletePoints) {
    return errc::bad_query;
  }
  Op op;
  op.kind = Op::Kind::Delete;
  op.deletion.asset_id.assign(asset_id);
  for (const std::string& p : point_ids) {
    if (p.empty() || p.size() > kMaxPointIdBytes) return errc::bad_query;
    op.deletion.point_ids.push_back(p);
  }
  std::sort(op.deletion.point_ids.begin(), op.deletion.point_ids.end());
  op.deletion.point_ids.erase(std::unique(op.deletion.point_ids.begin(), op.deletion.point_ids.end()),
                              op.deletion.point_ids.end());
  op.deletion.start_ms = start_ms;
  op.deletion.end_ms = end_ms;
  // Logged even for an empty range: it costs one record and keeps the rule "every call is ordered" simple.
  encode_delete_payload(op.deletion, op.payload);
  return run_op(std::move(op));
}

std::error_code EmbeddedStore::drop_group(uint32_t group) {
  Op op;
  op.kind = Op::Kind::DropGroup;
  op.group = group;
  encode_drop_group_payload(group, op.payload);
  return run_op(std::move(op));
}

void EmbeddedStore::set_retention(uint32_t group, Category category, int64_t retention_ms) {
  history_.set_retention(group, category, retention_ms);
}

std::error_code EmbeddedStore::enforce_retention(int64_t now_ms) { return history_.enforce_retention(now_ms); }

std::error_code EmbeddedStore::compact() {
  Op op;
  op.kind = Op::Kind::Seal;
  return run_op(std::move(op));
}

void EmbeddedStore::TEST_break_wal_fd() {
  {
    std::lock_guard lk(mu_);
    test_break_fd_ = true;
  }
  work_cv_.notify_one();
}

}  // namespace gridhub::tsdb
