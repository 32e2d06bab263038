// The insides of CommandCenter, shared by its files: command_center.cpp (submit, cancel, replies, delivery),
// command_deadlines.cpp (response timeouts and pending expiry on the timer io_context) and command_writer.cpp
// (the write-behind of records to the registry).
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hub/command_center.hpp"
#include "hub/device_directory.hpp"

namespace gridhub::hub {

class Session;

// Wall clock, epoch ms: command times are stored and compared in it (they survive restarts).
int64_t command_clock_ms();

struct CommandCenter::Impl {
  Impl(boost::asio::io_context& t, registry::Registry& r, DeviceDirectory& d, CommandOptions o)
      : timers(t),
        registry(r),
        directory(d),
        options(std::move(o)),
        timer(t),
        life(std::make_shared<Life>()) {
    life->impl = this;
  }

  // A command still in play: Created (in its device's queue) or Released (waiting for its reply).
  struct Open {
    registry::Command record;
    CommandDone done;            // immediate: the waiting caller; pending: null (answered at submit)
    std::string topic, payload;  // the downstream message, formatted once
    int64_t deadline = 0;        // its entry in `deadlines` (0: none)
    bool durable = false;        // a pending command is delivered only once its record is in the registry
  };
  using OpenMap = std::unordered_map<int64_t, Open>;
  struct Device {
    std::deque<int64_t> queue;  // its Created commands, oldest first
    std::size_t pending = 0;    // how many of them are pending ones (the kCommandCacheFull bound)
    // The connection device_ready was called for (weak: a later connection at a reused address is not it).
    std::weak_ptr<Session> ready;
  };
  // A caller's answer, decided under the lock and given after it.
  struct Answer {
    CommandDone done;
    CommandOutcome outcome;
  };
  using Answers = std::vector<Answer>;
  static void give(Answers& answers);

  // Handlers posted to the timer io_context reach the center through this, so that none runs after stop().
  struct Life {
    std::mutex mutex;  // held while a handler runs and while stop() detaches the center
    Impl* impl = nullptr;
  };

  static std::string key(std::string_view pk, std::string_view dk);

  // ---- command_center.cpp. REQUIRES: mutex held ----
  // Sends the device's commands, oldest first, while its connection is ready and the front one is durable.
  void deliver(Device& dev, int64_t now);
  // Puts a command in a final state: its record goes to the writer, its caller (if any) gets `code`, and
  // the center forgets it. A Created command leaves its device's queue.
  void settle(OpenMap::iterator it, registry::CommandState state, int code, std::string message,
              int error_code, int64_t now, Answers& answers);

  // ---- command_deadlines.cpp ----
  void set_deadline(Open& c, int64_t at);  // REQUIRES: mutex held
  void clear_deadline(Open& c);            // REQUIRES: mutex held
  // On the timer thread with life->mutex held: settles what is due, arms the timer for the next deadline.
  void on_deadline(Answers& answers);
  void rearm();  // on the timer thread with life->mutex held
  // Sets the timer for the earliest deadline. REQUIRES: life->mutex and mutex held, on the timer thread.
  void arm(int64_t now);
  void stop_timer();

  // ---- command_writer.cpp ----
  void write_behind(const registry::Command& c);  // REQUIRES: mutex held
  void start_writer();
  void stop_writer();  // writes what is queued, then joins
  void run_writer();
  void flush();

  boost::asio::io_context& timers;
  registry::Registry& registry;
  DeviceDirectory& directory;
  const CommandOptions options;
  std::atomic<int64_t> next_id{1};

  std::mutex mutex;  // guards everything below except the timer
  bool started = false, stopped = false;
  OpenMap open;
  std::unordered_map<std::string, Device> devices;  // "pk/dk"; entries only while queued or ready
  Stats stats;

  // Deadlines: one timer for the whole center, set for the earliest entry.
  std::set<std::pair<int64_t, int64_t>> deadlines;  // (epoch ms, command id)
  int64_t armed = INT64_MAX;                        // what the timer is (about to be) set for
  boost::asio::steady_timer timer;                  // touched only with life->mutex held
  std::shared_ptr<Life> life;

  // Write-behind.
  std::unordered_map<int64_t, registry::Command> dirty;  // the newest version of each changed record
  struct Waiter {
    registry::Command record;
    CommandDone done;
  };
  std::vector<Waiter> waiters;        // pending submits, answered once their record is written
  uint64_t changes = 0, written = 0;  // record changes made / on disk (flush waits on these)
  uint64_t rounds = 0;                // batches attempted
  bool last_round_failed = false;
  bool writer_running = false, writer_stop = false;
  std::condition_variable wake, flushed;
  std::thread writer;
};

}  // namespace gridhub::hub
