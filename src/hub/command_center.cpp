// CommandCenter: submit, cancel, the per-device queues and their delivery, reply matching, start and stop.
// Timers are in command_deadlines.cpp, the record writer in command_writer.cpp.
#include "hub/command_center.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "hub/command_center_internal.hpp"
#include "hub/command_message.hpp"
#include "hub/session.hpp"
#include "metrics/catalog.hpp"
#include "registry/errc.hpp"

namespace gridhub::hub {

using registry::CommandState;

int64_t command_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string CommandCenter::Impl::key(std::string_view pk, std::string_view dk) {
  std::string k;
  k.reserve(pk.size() + dk.size() + 1);
  k.append(pk).push_back('/');
  k.append(dk);
  return k;
}

void CommandCenter::Impl::give(Answers& answers) {
  for (auto& a : answers)
    if (a.done) a.done(std::move(a.outcome));
  answers.clear();
}

void CommandCenter::Impl::deliver(Device& dev, int64_t now) {
  if (dev.queue.empty() || dev.ready.expired()) return;
  // The directory knows which connection speaks for the device now; a newer login than the one device_ready
  // was called for is not ready yet (its handlers may not be registered).
  std::shared_ptr<Session> session;
  while (!dev.queue.empty()) {
    auto it = open.find(dev.queue.front());
    if (it == open.end()) {  // cannot happen: settle() unqueues; tolerate rather than stall the queue
      dev.queue.pop_front();
      continue;
    }
    Open& c = it->second;
    if (!c.durable) return;
    if (!session) {
      const auto& r = c.record;
      session = directory.find(r.product_key, r.device_key);
      if (!session || session != dev.ready.lock()) {
        dev.ready.reset();
        return;
      }
    }
    dev.queue.pop_front();
    if (c.record.pending_ttl_s > 0) --dev.pending;
    c.record.state = CommandState::Released;
    c.record.release_time = now;
    // Sent while the lock is held: posts to one connection keep the queue's order.
    session->send_async(std::move(c.topic), std::move(c.payload), 1);
    c.topic = std::string();
    c.payload = std::string();
    set_deadline(c, now + int64_t{c.record.timeout_s} * 1000);
    write_behind(c.record);
    ++stats.delivered;
  }
}

void CommandCenter::Impl::settle(OpenMap::iterator it, CommandState state, int code, std::string message,
                                 int error_code, int64_t now, Answers& answers) {
  Open& c = it->second;
  std::string device_key;
  const bool was_queued = c.record.state == CommandState::Created;
  if (was_queued) {
    device_key = key(c.record.product_key, c.record.device_key);
    if (auto d = devices.find(device_key); d != devices.end()) {
      auto& q = d->second.queue;
      for (auto qi = q.begin(); qi != q.end(); ++qi) {
        if (*qi != c.record.command_id) continue;
        q.erase(qi);
        if (c.record.pending_ttl_s > 0) --d->second.pending;
        break;
      }
    }
  }
  clear_deadline(c);
  c.record.state = state;
  c.record.error_code = error_code;
  c.record.reply_message = message;  // the device's message, or why the cloud side ended the command
  write_behind(c.record);
  if (c.done) answers.push_back({std::move(c.done), CommandOutcome{code, std::move(message), c.record}});
  open.erase(it);
  if (!was_queued) return;
  // The command may have held back the ones behind it (a pending command not yet durable), or was the last.
  if (auto d = devices.find(device_key); d != devices.end()) {
    deliver(d->second, now);
    if (d->second.queue.empty() && d->second.ready.expired()) devices.erase(d);
  }
}

// ---- public API ----

CommandCenter::CommandCenter(boost::asio::io_context& timers, registry::Registry& registry,
                             DeviceDirectory& directory, CommandOptions options)
    : impl_(std::make_unique<Impl>(timers, registry, directory, std::move(options))) {}

CommandCenter::~CommandCenter() { stop(); }

void CommandCenter::start(int64_t now) {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    if (m.started || m.stopped) return;
  }
  // Registry reads happen before the lock is taken: nothing else runs yet (devices connect after start).
  const int64_t first_id = m.registry.next_command_id();
  std::vector<registry::Command> reloaded = m.registry.open_commands();
  Impl::Answers none;
  std::size_t queued = 0, waiting = 0, closed = 0;
  {
    std::lock_guard lock(m.mutex);
    m.next_id = std::max<int64_t>(first_id, 1);
    m.started = true;
    for (auto& record : reloaded) {
      if (record.command_id >= m.next_id) m.next_id = record.command_id + 1;
      auto [it, inserted] = m.open.try_emplace(record.command_id);
      if (!inserted) continue;
      Impl::Open& c = it->second;
      c.record = std::move(record);
      c.durable = true;
      const auto& r = c.record;
      if (r.state == CommandState::Created && r.pending_ttl_s > 0 && r.expire_time() > now) {
        // Back in its device's queue, in the order it was created (open_commands is oldest first).
        format_command(r, c.topic, c.payload);
        auto& dev = m.devices[Impl::key(r.product_key, r.device_key)];
        dev.queue.push_back(r.command_id);
        ++dev.pending;
        m.set_deadline(c, r.expire_time());
        ++queued;
      } else if (r.state == CommandState::Created && r.pending_ttl_s > 0) {
        m.settle(it, CommandState::Expired, 0, "pending TTL passed before the device was online", 0, now,
                 none);
        ++m.stats.expired;
        ++closed;
      } else if (r.state == CommandState::Created) {
        // An immediate command whose caller went away with the previous process.
        m.settle(it, CommandState::Failed, kCommandNotSentTimedOut, "not sent before the server stopped",
                 kCommandNotSentTimedOut, now, none);
        ++closed;
      } else if (r.state == CommandState::Released && r.release_time + int64_t{r.timeout_s} * 1000 > now) {
        m.set_deadline(c, r.release_time + int64_t{r.timeout_s} * 1000);  // its reply may still come
        ++waiting;
      } else if (r.state == CommandState::Released) {
        m.settle(it, CommandState::ResponseTimeout, kCommandNoReply, "no reply within the timeout",
                 kCommandNoReply, now, none);
        ++m.stats.timed_out;
        ++closed;
      } else {
        m.open.erase(it);  // not open: open_commands returned something it should not have
      }
    }
  }
  m.start_writer();
  if (queued + waiting + closed > 0)
    spdlog::info("commands: {} queued again, {} waiting for a reply, {} closed at start-up", queued, waiting,
                 closed);
}

void CommandCenter::stop() {
  Impl& m = *impl_;
  Impl::Answers answers;
  {
    std::lock_guard lock(m.mutex);
    if (m.stopped) return;
    m.stopped = true;
    // Waiting callers are told now; their commands stay open in the registry (start() picks them up again).
    for (auto& [id, c] : m.open)
      if (c.done)
        answers.push_back(
            {std::move(c.done), CommandOutcome{kCommandInternalError, "the hub is stopping", c.record}});
  }
  m.stop_timer();
  m.stop_writer();
  Impl::give(answers);
}

void CommandCenter::submit(registry::Command cmd, CommandDone done) {
  Impl& m = *impl_;
  const int64_t now = command_clock_ms();
  cmd.command_id = 0;
  cmd.create_time = now;
  cmd.state = CommandState::Created;
  cmd.output_data.clear();
  cmd.reply_code = cmd.error_code = 0;
  cmd.reply_message.clear();
  cmd.release_time = cmd.reply_time = 0;
  const bool immediate = cmd.pending_ttl_s <= 0;
  if (immediate) cmd.pending_ttl_s = 0;

  CommandOutcome refused;
  {
    std::unique_lock lock(m.mutex);
    if (!m.started || m.stopped) {
      lock.unlock();
      return done(CommandOutcome{kCommandInternalError, "the hub is not running", std::move(cmd)});
    }
    const std::string device_key = Impl::key(cmd.product_key, cmd.device_key);
    auto dev_it = m.devices.find(device_key);
    if (immediate && !m.directory.find(cmd.product_key, cmd.device_key)) {
      ++m.stats.refused_offline;
      refused = {kCommandDeviceOffline, "device is offline", std::move(cmd)};
    } else if (!immediate && dev_it != m.devices.end() &&
               dev_it->second.pending >= m.options.max_pending_per_device) {
      refused = {
          kCommandCacheFull,
          "device already has " + std::to_string(m.options.max_pending_per_device) + " pending commands",
          std::move(cmd)};
    } else {
      cmd.command_id = m.next_id.fetch_add(1, std::memory_order_relaxed);
      ++m.stats.submitted;
      auto [it, inserted] = m.open.try_emplace(cmd.command_id);
      Impl::Open& entry = it->second;
      entry.record = std::move(cmd);
      format_command(entry.record, entry.topic, entry.payload);
      auto& dev = dev_it != m.devices.end() ? dev_it->second : m.devices[device_key];
      dev.queue.push_back(entry.record.command_id);
      m.write_behind(entry.record);
      if (immediate) {
        entry.done = std::move(done);
        entry.durable = true;
        m.set_deadline(entry, now + int64_t{entry.record.timeout_s} * 1000);
      } else {
        ++dev.pending;
        m.set_deadline(entry, entry.record.expire_time());
        m.waiters.push_back({entry.record, std::move(done)});  // answered by the writer once durable
      }
      m.deliver(dev, now);
      return;
    }
  }
  done(std::move(refused));
}

boost::system::result<std::vector<registry::Command>> CommandCenter::cancel(std::string_view org,
                                                                            std::string_view pk,
                                                                            std::string_view dk,
                                                                            int64_t command_id) {
  Impl& m = *impl_;
  const int64_t now = command_clock_ms();
  std::vector<registry::Command> canceled;
  Impl::Answers answers;
  bool look_in_registry = false;
  {
    std::lock_guard lock(m.mutex);
    auto cancel_one = [&](Impl::OpenMap::iterator it) {
      canceled.push_back(it->second.record);
      canceled.back().state = CommandState::Canceled;
      m.settle(it, CommandState::Canceled, kCommandNotSentTimedOut, "canceled before it was sent", 0, now,
               answers);
    };
    if (command_id != 0) {
      auto it = m.open.find(command_id);
      if (it == m.open.end()) {
        look_in_registry = true;
      } else {
        const auto& r = it->second.record;
        if (r.org_id != org || r.product_key != pk || r.device_key != dk) return registry::errc::not_found;
        if (r.state != CommandState::Created) return registry::errc::invalid_argument;
        cancel_one(it);
      }
    } else if (auto d = m.devices.find(Impl::key(pk, dk)); d != m.devices.end()) {
      // settle() edits the queue, may send the commands behind a canceled one and may drop the device entry:
      // walk a copy, and only what is still Created.
      const std::deque<int64_t> ids = d->second.queue;
      for (int64_t id : ids) {
        auto it = m.open.find(id);
        if (it != m.open.end() && it->second.record.org_id == org &&
            it->second.record.state == CommandState::Created)
          cancel_one(it);
      }
    }
  }
  Impl::give(answers);
  if (!look_in_registry) return canceled;
  // Not open: either finished (no longer Created) or not a command of this device.
  m.flush();
  auto stored = m.registry.get_command(org, command_id);
  if (!stored || stored->product_key != pk || stored->device_key != dk) return registry::errc::not_found;
  return registry::errc::invalid_argument;
}

void CommandCenter::flush() { impl_->flush(); }

void CommandCenter::device_ready(std::string_view pk, std::string_view dk) {
  Impl& m = *impl_;
  auto session = m.directory.find(pk, dk);
  if (!session) return;
  std::lock_guard lock(m.mutex);
  if (m.stopped) return;
  const std::string k = Impl::key(pk, dk);
  auto& dev = m.devices[k];
  dev.ready = session;
  m.deliver(dev, command_clock_ms());
}

void CommandCenter::device_offline(std::string_view pk, std::string_view dk) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  auto it = m.devices.find(Impl::key(pk, dk));
  if (it == m.devices.end()) return;
  it->second.ready.reset();
  if (it->second.queue.empty()) m.devices.erase(it);
}

void CommandCenter::on_reply(std::string_view pk, std::string_view dk, enos::TopicKind kind,
                             std::string_view id, int code, std::string_view message,
                             std::string_view data_json) {
  int64_t command_id = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), command_id);
  if (id.empty() || ec != std::errc() || end != id.data() + id.size() || command_id <= 0) return;
  Impl& m = *impl_;
  Impl::Answers answers;
  {
    std::lock_guard lock(m.mutex);
    auto it = m.open.find(command_id);
    if (it == m.open.end()) return;
    auto& r = it->second.record;
    // Only the device the command went to, on the reply topic of its kind, answers it.
    if (r.state != CommandState::Released || r.product_key != pk || r.device_key != dk ||
        reply_kind(r.type) != kind)
      return;
    const int64_t now = command_clock_ms();
    r.reply_code = code;
    r.reply_time = now;
    metrics::command_latency_seconds.observe(static_cast<double>(std::max<int64_t>(0, now - r.release_time)) / 1000.0);
    r.reply_message.assign(message);
    r.output_data.assign(data_json.empty() ? std::string_view("null") : data_json);
    ++m.stats.replied;
    const bool success = code == 200;
    m.settle(it, success ? CommandState::Succeeded : CommandState::Failed, success ? 0 : code,
             std::string(message), 0, now, answers);
  }
  Impl::give(answers);
}

CommandCenter::Stats CommandCenter::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace gridhub::hub
