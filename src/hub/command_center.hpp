// Cloud-to-device commands (spec enos-platform.md §4.3, device side enos-device-protocol.md §4.2/§4.4): ids,
// each device's queue of pending commands delivered in order once the device is ready, reply matching by id,
// response timeouts, expiry of pending commands, and the write-behind of command records to the registry.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "enos/topic.hpp"
#include "registry/registry.hpp"

namespace gridhub::hub {

class DeviceDirectory;

// EnOS command error codes (spec enos-platform.md §4.3).
inline constexpr int kCommandDeviceOffline = 11900;
inline constexpr int kCommandCacheFull = 11902;
inline constexpr int kCommandNotSentTimedOut = 11904;  // could not be delivered before its timeout
inline constexpr int kCommandNoReply = 11915;          // delivered, no reply within its timeout
inline constexpr int kCommandInternalError = 99500;    // not running (before start, after stop), record not stored

struct CommandOptions {
  // After CONNACK, how long a device gets to register its handlers before the first command reaches it (the
  // lab registers its service handler after connect() returns; a command before that is answered 1101).
  std::chrono::milliseconds delivery_delay{1000};
  std::size_t max_pending_per_device = 50;  // EnOS: at most 50 cached commands per device
};

struct CommandOutcome {
  // 0: success (immediate: the device replied 200; pending: queued durably). Else an EnOS code
  // (11900, 11902, 11904, 11915, 99500) or, for an immediate command, the device's own non-200 code.
  int code = 0;
  std::string message;
  registry::Command command;  // the record as it stands when the outcome is reported (command_id 0 if none)
};
using CommandDone = std::function<void(CommandOutcome)>;

// Thread-safe: the API submits from its threads, sessions report from theirs. `done` runs on the thread that
// settles the command: the submitting thread (11900, 11902 and refusals at once), a session's io thread (the
// device's reply), the timer io_context's thread (timeouts), the writer thread (a pending command once durable)
// or the thread calling cancel() / stop(). Never under the center's lock; it must not block nor call flush().
// One mutex guards the queues; no SQLite call and no callback runs under it. Delivery happens under it
// (Session::send_async only posts), which keeps each device's commands in order.
class CommandCenter {
 public:
  CommandCenter(boost::asio::io_context& timers, registry::Registry& registry, DeviceDirectory& directory,
                CommandOptions options);
  ~CommandCenter();  // stop() if not done
  CommandCenter(const CommandCenter&) = delete;
  CommandCenter& operator=(const CommandCenter&) = delete;

  // Reloads open commands (pending Created: queued again unless expired; immediate Created: Failed 11904, their
  // caller is gone; Released: waiting for a reply until their timeout) and starts the record writer. Call once
  // before devices connect; until then submit() answers 99500.
  void start(int64_t now_ms);
  // Writes every queued record, cancels timers, fails waiting callers with 99500. Idempotent.
  void stop();

  // --- API side ---
  // `cmd` carries org/asset/pk/dk, type, tsl_identifier, command_name, input_data, pending_ttl_s, timeout_s;
  // the center assigns command_id, create_time and state.
  // Immediate (pending_ttl_s == 0): 11900 at once when the device is offline (no record is kept); otherwise
  // the command is recorded, sent when the device is ready, and `done` reports the device's reply (code 0
  // when it answered 200, else its code and message), 11904 when it could not be sent within timeout_s, or
  // 11915 when sent without a reply within timeout_s.
  // Pending (pending_ttl_s > 0): `done` reports code 0 once the command is recorded durably and queued
  // (delivered once durable and the device is ready), or 11902 when the device already has
  // max_pending_per_device pending commands waiting (immediate ones waiting for the delivery delay do not
  // count). Undelivered commands expire (state Expired) at create_time + pending_ttl_s. A refused command
  // (11900, 11902) has command_id 0 in the outcome; 99500 when the center is not running.
  void submit(registry::Command cmd, CommandDone done);
  // Cancels the device's Created command `command_id` (0 = every Created command of the device). Returns the
  // canceled records; registry::errc::not_found when command_id names no command of that device in `org`;
  // registry::errc::invalid_argument when it is no longer Created. An immediate command waiting for its
  // device's delivery delay can be canceled too: its caller gets 11904.
  boost::system::result<std::vector<registry::Command>> cancel(std::string_view org, std::string_view pk,
                                                               std::string_view dk, int64_t command_id);
  // Returns once every record change made before the call is in the registry (get/search read it there).
  void flush();

  // --- session side ---
  // The device's connection may now receive commands (called delivery_delay after its CONNACK). The center
  // remembers which connection the directory named at that moment: after a takeover, a newer connection
  // receives nothing until its own device_ready.
  void device_ready(std::string_view pk, std::string_view dk);
  // The device's connection closed. Released commands keep waiting for their reply until their timeout.
  void device_offline(std::string_view pk, std::string_view dk);
  // A reply on a command topic + "_reply" (kind ServiceInvocationReply / MeasurepointSetReply /
  // MeasurepointGetReply). Ignored unless `id` names a Released command of this device of the matching kind.
  // data_json is the reply's data serialized ("null" when absent).
  void on_reply(std::string_view pk, std::string_view dk, enos::TopicKind kind, std::string_view id, int code,
                std::string_view message, std::string_view data_json);

  struct Stats {
    uint64_t submitted = 0, delivered = 0, replied = 0, timed_out = 0, expired = 0, refused_offline = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridhub::hub
