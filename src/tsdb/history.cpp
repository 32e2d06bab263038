// History's public side: open, the writer's head swap and queued operations, the view snapshot, retention
// settings, stats, and the worker's loop and task dispatch.
#include "tsdb/history.hpp"

#include <spdlog/spdlog.h>

#include <future>

#include "tsdb/block_format.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/history_files.hpp"

namespace gridhub::tsdb {

namespace {
// How often the worker looks for partitions whose window has ended with several blocks.
constexpr std::chrono::seconds kCompactionCheckInterval{60};
}  // namespace

History::History(std::string store_dir, const StoreOptions& options)
    : history_dir_(store_dir + "/" + std::string(block::kHistoryDir)), options_(options), head_(std::make_shared<Head>()) {
  auto v = std::make_shared<View>();
  v->partitions = std::make_shared<PartitionSet>();
  v->head = head_;
  view_ = std::move(v);
}

History::~History() { stop(); }

std::error_code History::open(uint64_t& sealed_through) {
  auto set = std::make_shared<PartitionSet>();
  LoadResult loaded;
  if (auto ec = load_partitions(history_dir_, *set, loaded)) {
    spdlog::error("tsdb: loading {} failed: {}", history_dir_, ec.message());
    return ec;
  }
  next_block_id_ = loaded.max_block_id + 1;
  if (auto ec = read_sealed_through(history_dir_, sealed_through)) {
    if (ec != errc::corrupt_block) return ec;
    // Losing the mark only costs replay: WAL segments it covered are either gone (their points are in
    // blocks) or replayed again into the head, where the same points simply win over identical ones.
    spdlog::error("tsdb: {}/{} is corrupt; replaying every WAL segment kept for history", history_dir_,
                  block::kSealedFile);
    sealed_through = 0;
  }
  sealed_through_.store(sealed_through);
  spdlog::info("tsdb: history in {}: {} partitions, {} blocks ({} set aside as corrupt, {} superseded removed), "
               "sealed through segment {}",
               history_dir_, set->partitions.size(), loaded.blocks, loaded.corrupt_blocks, loaded.superseded_blocks,
               sealed_through);
  publish([&](View& v) { v.partitions = std::move(set); });
  return {};
}

void History::start() {
  next_compaction_check_ = Clock::now();
  // What recovery replayed counts from now: sealing it at once would only add a block.
  head_since_ = Clock::now();
  worker_ = std::thread([this] { worker_loop(); });
}

void History::stop() {
  {
    std::lock_guard lk(task_mu_);
    stopping_ = true;
  }
  task_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::deque<Task> left;
  {
    std::lock_guard lk(task_mu_);
    left.swap(tasks_);
  }
  for (Task& t : left) {
    if (t.done) t.done(std::make_error_code(std::errc::operation_canceled));
  }
}

std::shared_ptr<const History::View> History::view() const {
  std::lock_guard lk(view_mu_);
  return view_;
}

void History::publish(const std::function<void(View&)>& edit) {
  std::lock_guard lk(view_mu_);
  auto next = std::make_shared<View>(*view_);
  edit(*next);
  view_ = std::move(next);
}

// ---- writer thread ----

void History::append(std::span<const Sample> batch) {
  if (head_->empty()) head_since_ = Clock::now();
  head_->append(batch);
}

bool History::seal_due(Clock::time_point now) const {
  if (head_->empty()) return false;
  // While the worker is behind (a seal failing on a full disk), keep one head growing rather than a queue of
  // small ones; compact() and close still swap.
  const std::size_t waiting = view()->sealing.size();
  if (waiting >= 2) return false;
  if (head_->bytes() >= options_.head_max_bytes) return true;
  return waiting == 0 && now - head_since_ >= options_.seal_interval;
}

std::optional<History::Clock::time_point> History::seal_deadline() const {
  if (head_->empty()) return std::nullopt;
  return head_since_ + options_.seal_interval;
}

void History::swap_head(uint64_t through_segment) {
  // An empty head is still swapped when it moves the mark on: its segments may hold history that a deletion
  // removed, and they should not be kept for ever.
  if (head_->empty() && through_segment <= last_swapped_through_) return;
  last_swapped_through_ = through_segment;
  SwappedHead swapped{head_, ++swap_seq_, through_segment};
  head_ = std::make_shared<Head>();
  publish([&](View& v) {
    v.sealing.push_back(swapped);
    v.head = head_;
  });
  {
    std::lock_guard lk(task_mu_);
    seal_waiting_ = true;
  }
  task_cv_.notify_all();
}

void History::queue(Task t) {
  bool queued = false;
  {
    std::lock_guard lk(task_mu_);
    if (!stopping_) {
      tasks_.push_back(std::move(t));
      queued = true;
    }
  }
  if (!queued) {
    if (t.done) t.done(std::make_error_code(std::errc::operation_canceled));
    return;
  }
  task_cv_.notify_all();
}

void History::queue_deletion(const Deletion& d, Done done) {
  head_->erase(d);
  Task t;
  t.kind = Task::Kind::Delete;
  t.deletion = d;
  t.swap_seq = swap_seq_;
  t.done = std::move(done);
  queue(std::move(t));
}

void History::queue_drop_group(uint32_t group, Done done) {
  head_->drop_group(group);
  Task t;
  t.kind = Task::Kind::DropGroup;
  t.group = group;
  t.swap_seq = swap_seq_;
  t.done = std::move(done);
  queue(std::move(t));
}

void History::queue_compact_all(Done done) {
  Task t;
  t.kind = Task::Kind::CompactAll;
  t.swap_seq = swap_seq_;
  t.done = std::move(done);
  queue(std::move(t));
}

std::error_code History::queue_and_wait(Task t) {
  std::promise<std::error_code> p;
  auto f = p.get_future();
  t.done = [&p](std::error_code ec) { p.set_value(ec); };
  queue(std::move(t));
  return f.get();
}

std::error_code History::wait_sealed() {
  Task t;
  t.kind = Task::Kind::WaitSealed;
  t.swap_seq = swap_seq_;
  return queue_and_wait(std::move(t));
}

// ---- any thread ----

void History::set_retention(uint32_t group, Category category, int64_t retention_ms) {
  std::lock_guard lk(retention_mu_);
  const auto key = std::make_pair(group, static_cast<uint8_t>(category));
  if (retention_ms <= 0) {
    retention_.erase(key);
  } else {
    retention_[key] = retention_ms;
  }
}

std::error_code History::enforce_retention(int64_t now_ms) {
  Task t;
  t.kind = Task::Kind::Retention;
  t.now_ms = now_ms;
  return queue_and_wait(std::move(t));
}

void History::fill_stats(StoreStats& s) const {
  const auto v = view();
  s.head_series = v->head->series();
  s.head_points = v->head->points();
  s.head_bytes = v->head->bytes();
  for (const SwappedHead& h : v->sealing) {
    s.head_series += h.head->series();
    s.head_points += h.head->points();
    s.head_bytes += h.head->bytes();
  }
  s.partitions = v->partitions->partitions.size();
  for (const auto& [key, p] : v->partitions->partitions) {
    s.blocks += p->blocks.size();
    for (const auto& b : p->blocks) {
      s.block_bytes += b->file_bytes();
      s.block_points += b->points();
    }
  }
  s.seals = seals_.load(std::memory_order_relaxed);
  s.compactions = compactions_.load(std::memory_order_relaxed);
  s.partitions_expired = partitions_expired_.load(std::memory_order_relaxed);
}

// ---- worker thread ----

void History::worker_loop() {
  std::unique_lock lk(task_mu_);
  while (!stopping_) {
    if (!tasks_.empty()) {
      Task t = std::move(tasks_.front());
      tasks_.pop_front();
      lk.unlock();
      run_task(t);
      lk.lock();
      continue;
    }
    const auto now = Clock::now();
    if (seal_waiting_ && now >= seal_retry_at_) {
      lk.unlock();
      const bool sealed = !seal_front();
      lk.lock();
      seal_waiting_ = !view()->sealing.empty();
      if (sealed) next_compaction_check_ = now;
      continue;
    }
    if (now >= next_compaction_check_) {
      lk.unlock();
      const int64_t wall_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      // One partition per turn, so a queued task or seal waits for at most one merge.
      bool merged_one = false;
      compact_partitions(false, wall_ms, true, &merged_one);
      lk.lock();
      next_compaction_check_ = merged_one ? now : now + kCompactionCheckInterval;
      continue;
    }
    auto deadline = next_compaction_check_;
    if (seal_waiting_) deadline = std::min(deadline, seal_retry_at_);
    task_cv_.wait_until(lk, deadline);
  }
}

void History::run_task(Task& t) {
  std::error_code ec;
  switch (t.kind) {
    case Task::Kind::Delete:
      ec = run_deletion(t);
      break;
    case Task::Kind::DropGroup:
      ec = run_drop_group(t);
      break;
    case Task::Kind::CompactAll:
      ec = seal_all_upto(t.swap_seq);
      if (!ec) ec = compact_partitions(true, 0, false);
      break;
    case Task::Kind::Retention:
      ec = run_retention(t.now_ms);
      break;
    case Task::Kind::WaitSealed:
      ec = seal_all_upto(t.swap_seq);
      break;
  }
  if (!t.done) return;
  try {
    t.done(ec);
  } catch (...) {
    spdlog::error("tsdb: a history task's callback threw");
  }
}

}  // namespace gridhub::tsdb
