// Appends go out in batches of options.batch samples from one thread, as the hub's sessions would hand them
// over after parsing; the store encodes on that thread and writes on its own writer thread, so the figure
// that matters is the appending thread's rate and the process's CPU seconds beside it.
#include "gridhub_engine.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "arrival.hpp"
#include "disk_usage.hpp"
#include "loadgen/proc_stat.hpp"
#include "proc_usage.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::bench {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Counts `done` callbacks (the writer thread) against append() calls (the appending thread).
class AckCounter {
 public:
  void issued() {
    std::lock_guard lk(mu_);
    ++issued_;
  }
  void done(std::error_code ec) {
    std::lock_guard lk(mu_);
    ++acked_;
    if (ec && !error_) error_ = ec;
    if (acked_ == issued_) cv_.notify_all();
  }
  // Waits for every issued append; returns the first error.
  std::error_code wait_all() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return acked_ == issued_; });
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t issued_ = 0, acked_ = 0;
  std::error_code error_;
};

bool parse_durability(const std::string& name, tsdb::Durability& out) {
  if (name == "none") out = tsdb::Durability::None;
  else if (name == "flush") out = tsdb::Durability::Flush;
  else if (name == "fsync") out = tsdb::Durability::Fsync;
  else return false;
  return true;
}

class GridhubEngine final : public Engine {
 public:
  GridhubEngine(std::string dir, std::size_t batch, std::unique_ptr<tsdb::TimeSeriesStore> store)
      : dir_(std::move(dir)), batch_(batch), store_(std::move(store)) {}

  bool ingest(const Dataset& data, const Timeline& tl, IngestFigures& fig, std::string& error) override {
    AckCounter acks;
    const double cpu0 = self_cpu_seconds();
    const auto t0 = Clock::now();
    Clock::duration generating{};
    for (ArrivalCursor cursor : {ArrivalCursor::main_data(tl), ArrivalCursor::extra_series(tl)}) {
      while (!cursor.done()) {
        const auto g0 = Clock::now();
        std::vector<tsdb::Sample> batch;
        batch.reserve(batch_);
        cursor.next(batch_, [&](const SeriesRef& s, int64_t step) {
          tsdb::Sample& x = batch.emplace_back();
          x.asset_id = asset_id(s.device);
          x.point_id = kPointNames[s.point];
          x.time_ms = tl.start_ms(s) + step * kStepMs;
          x.value.kind = tsdb::ValueKind::Double;
          x.value.d = data.value(s.device, s.point, step);
          x.history = tsdb::category_bit(tsdb::Category::AiRaw);
          x.group = 1;
        });
        fig.points += batch.size();
        generating += Clock::now() - g0;
        acks.issued();
        store_->append(std::move(batch), [&acks](std::error_code ec) { acks.done(ec); });
      }
    }
    const std::error_code ec = acks.wait_all();
    fig.wall_s = seconds_since(t0);
    fig.generate_s = std::chrono::duration<double>(generating).count();
    fig.process_cpu_s = self_cpu_seconds() - cpu0;
    const tsdb::StoreStats st = store_->stats();
    fig.input_bytes = st.wal_bytes;
    fig.extra = {{"wal_bytes", double(st.wal_bytes)},
                 {"wal_writes", double(st.wal_writes)},
                 {"group_commits", double(st.group_commits)},
                 {"backpressure_waits", double(st.backpressure_waits)},
                 {"head_points", double(st.head_points)},
                 {"head_bytes", double(st.head_bytes)},
                 {"seals", double(st.seals)},
                 {"blocks", double(st.blocks)},
                 {"appended_samples", double(st.appended_samples)},
                 {"rejected_batches", double(st.rejected_batches)}};
    if (ec) {
      error = "append failed: " + ec.message();
      return false;
    }
    if (st.appended_samples != fig.points) {
      error = "the store acknowledged " + std::to_string(st.appended_samples) + " samples of " +
              std::to_string(fig.points);
      return false;
    }
    return true;
  }

  bool settle(const Timeline&, SizeFigures& fig, std::string& error) override {
    const double cpu0 = self_cpu_seconds();
    const auto t0 = Clock::now();
    if (auto ec = store_->compact()) {
      error = "compact: " + ec.message();
      return false;
    }
    fig.extra["compact_s"] = seconds_since(t0);
    const auto t1 = Clock::now();
    // A checkpoint after compaction lets the store drop WAL segments the blocks now cover (if it does).
    if (auto ec = store_->flush()) {
      error = "flush: " + ec.message();
      return false;
    }
    fig.extra["flush_s"] = seconds_since(t1);
    fig.settle_s = seconds_since(t0);
    fig.settle_cpu_s = self_cpu_seconds() - cpu0;
    std::map<std::string, DiskUsage> entries;
    if (!usage_by_entry(dir_, entries, error)) return false;
    // History: every entry but the write-ahead log (the latest-value checkpoint is in it, and is tiny).
    for (const auto& [name, u] : entries) {
      fig.parts[name] = u.allocated;
      if (name == "wal") continue;
      fig.counted_bytes += u.allocated;
      fig.counted_apparent_bytes += u.apparent;
    }
    fig.counted = "everything in the store dir except wal/";
    const tsdb::StoreStats st = store_->stats();
    fig.extra["block_bytes"] = double(st.block_bytes);
    fig.extra["block_points"] = double(st.block_points);
    fig.extra["blocks"] = double(st.blocks);
    fig.extra["partitions"] = double(st.partitions);
    fig.extra["compactions"] = double(st.compactions);
    fig.extra["head_points"] = double(st.head_points);
    if (auto it = entries.find("wal"); it != entries.end()) fig.extra["wal_left_bytes"] = double(it->second.allocated);
    return true;
  }

  bool read_raw(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<RawPoint>& out,
                std::string& error) override {
    out.clear();
    tsdb::RangeQuery q;
    q.asset_id = asset_id(series.device);
    q.point_id = kPointNames[series.point];
    q.category = tsdb::Category::AiRaw;
    q.start_ms = start_ms;
    q.end_ms = end_ms;
    q.limit = 100'000;
    std::vector<tsdb::Point> points;
    for (bool more = true; more;) {
      if (auto ec = store_->range(q, points, more)) {
        error = "range: " + ec.message();
        return false;
      }
      for (const tsdb::Point& p : points) {
        if (p.value.kind != tsdb::ValueKind::Double) {
          error = "range returned a value that is not a double";
          return false;
        }
        out.push_back({p.time_ms, p.value.d});
      }
      if (more && !points.empty()) q.start_ms = points.back().time_ms + 1;
      else more = false;
    }
    return true;
  }

  bool hourly_avg(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<AvgBucket>& out,
                  std::string& error) override {
    out.clear();
    tsdb::AggregateQuery q;
    q.asset_id = asset_id(series.device);
    q.point_id = kPointNames[series.point];
    q.category = tsdb::Category::AiRaw;
    q.start_ms = start_ms;
    q.end_ms = end_ms;
    q.interval_ms = 3'600'000;
    q.fn = tsdb::Aggregation::Avg;
    std::vector<tsdb::Bucket> buckets;
    if (auto ec = store_->aggregate(q, buckets)) {
      error = "aggregate: " + ec.message();
      return false;
    }
    out.reserve(buckets.size());
    for (const tsdb::Bucket& b : buckets) out.push_back({b.time_ms, b.value.d});
    return true;
  }

  std::optional<uint64_t> peak_rss_bytes() const override { return process_peak_rss_bytes(0); }
  std::optional<uint64_t> rss_bytes() const override { return process_rss_bytes(0); }

 private:
  const std::string& asset_id(uint32_t device) {
    if (device == kExtraDevice) return extra_id_;
    if (device >= asset_ids_.size()) {
      for (uint32_t d = static_cast<uint32_t>(asset_ids_.size()); d <= device; ++d) asset_ids_.push_back(device_name(d));
    }
    return asset_ids_[device];
  }

  std::string dir_;
  std::size_t batch_;
  std::unique_ptr<tsdb::TimeSeriesStore> store_;
  std::vector<std::string> asset_ids_;
  std::string extra_id_ = device_name(kExtraDevice);
};

}  // namespace

bool open_gridhub_engine(const TsdbBenchOptions& options, std::unique_ptr<Engine>& out, std::string& error) {
  tsdb::StoreOptions so;
  if (!parse_durability(options.durability, so.durability)) {
    error = "unknown durability '" + options.durability + "' (none, flush, fsync)";
    return false;
  }
  std::unique_ptr<tsdb::TimeSeriesStore> store;
  if (auto ec = tsdb::open_store(options.dir, so, store)) {
    error = "open_store(" + options.dir + "): " + ec.message();
    return false;
  }
  out = std::make_unique<GridhubEngine>(options.dir, options.batch, std::move(store));
  return true;
}

}  // namespace gridhub::bench
