// The write-behind of command records: changes are merged per command (the newest version wins) and written
// by one thread in batches through Registry::save_commands, so no SQLite call happens on an io thread or
// under the center's lock. Pending submits are answered here, once their record is in the registry.
#include <spdlog/spdlog.h>

#include <unordered_set>

#include "hub/command_center_internal.hpp"
#include "registry/errc.hpp"

namespace gridhub::hub {

namespace {
// After a failed batch, wait this long before trying again (the records stay queued).
constexpr std::chrono::milliseconds kRetryAfterFailure{200};
}  // namespace

void CommandCenter::Impl::write_behind(const registry::Command& c) {
  dirty.insert_or_assign(c.command_id, c);
  ++changes;
  wake.notify_one();
}

void CommandCenter::Impl::start_writer() {
  std::lock_guard lock(mutex);
  if (writer_running) return;
  writer_running = true;
  writer = std::thread([this] { run_writer(); });
}

void CommandCenter::Impl::stop_writer() {
  {
    std::lock_guard lock(mutex);
    writer_stop = true;
  }
  wake.notify_one();
  if (writer.joinable()) writer.join();
}

void CommandCenter::Impl::flush() {
  std::unique_lock lock(mutex);
  const uint64_t target = changes, round = rounds;
  // A round that started after this call and failed ends the wait too: readers get what is there, not a hang.
  flushed.wait(lock, [&] {
    return written >= target || !writer_running || (last_round_failed && rounds >= round + 2);
  });
}

namespace {

// Writes `batch`; returns the ids that are not durable. When the batch fails, each record is tried alone, so
// that one record the registry refuses (invalid_argument: dropped, logged) cannot hold back the others; a
// storage failure leaves the record in `retry`.
std::unordered_set<int64_t> save(registry::Registry& registry, std::vector<registry::Command>& batch,
                                 std::vector<registry::Command>& retry) {
  std::unordered_set<int64_t> failed;
  auto saved = registry.save_commands(batch);
  if (saved) return failed;
  spdlog::error("commands: a batch of {} records was not written ({}): writing them one by one", batch.size(),
                saved.error().message());
  for (auto& r : batch) {
    auto one = registry.save_commands({r});
    if (one) continue;
    failed.insert(r.command_id);
    if (one.error() == registry::errc::invalid_argument) {
      spdlog::error("commands: record of command {} refused by the registry: {}", r.command_id,
                    one.error().message());
    } else {
      retry.push_back(std::move(r));
    }
  }
  return failed;
}

}  // namespace

void CommandCenter::Impl::run_writer() {
  std::unique_lock lock(mutex);
  while (true) {
    wake.wait(lock, [&] { return !dirty.empty() || writer_stop; });
    if (dirty.empty()) break;  // stopping, and everything is written
    std::vector<registry::Command> batch;
    batch.reserve(dirty.size());
    for (auto& [id, record] : dirty) batch.push_back(std::move(record));
    dirty.clear();
    std::vector<Waiter> answered;
    answered.swap(waiters);
    const uint64_t batch_changes = changes;
    lock.unlock();

    std::vector<registry::Command> retry;
    const auto failed = save(registry, batch, retry);
    Answers answers;
    answers.reserve(answered.size());
    lock.lock();
    const int64_t now = command_clock_ms();
    for (auto& w : answered) {
      auto it = open.find(w.record.command_id);
      if (failed.contains(w.record.command_id)) {
        // Its caller is told, and the command leaves its queue: it was never durable.
        if (it != open.end())
          settle(it, registry::CommandState::Failed, kCommandInternalError, "command record not stored",
                 kCommandInternalError, now, answers);
        answers.push_back(
            {std::move(w.done), CommandOutcome{kCommandInternalError, "command not stored", std::move(w.record)}});
        continue;
      }
      // Durable now: the command may go to its device (unless it was canceled or expired meanwhile).
      if (it != open.end() && !it->second.durable) {
        it->second.durable = true;
        if (auto d = devices.find(key(w.record.product_key, w.record.device_key)); d != devices.end())
          deliver(d->second, now);
      }
      answers.push_back({std::move(w.done), CommandOutcome{0, "", std::move(w.record)}});
    }
    // Records to try again (a newer version queued meanwhile wins).
    for (auto& r : retry) dirty.try_emplace(r.command_id, std::move(r));
    if (retry.empty()) written = batch_changes;
    lock.unlock();
    give(answers);
    lock.lock();
    ++rounds;
    last_round_failed = !retry.empty();
    flushed.notify_all();
    if (!retry.empty()) {
      if (writer_stop) {  // do not spin on a registry that refuses everything at shutdown
        spdlog::error("commands: {} record changes lost at shutdown", dirty.size());
        dirty.clear();
        written = changes;
        break;
      }
      lock.unlock();
      std::this_thread::sleep_for(kRetryAfterFailure);
      lock.lock();
    }
  }
  writer_running = false;
  flushed.notify_all();
}

}  // namespace gridhub::hub
