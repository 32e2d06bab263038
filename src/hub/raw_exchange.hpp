// Raw pass-through down (spec §4.2 thing/model/down_raw): bytes sent to a Custom-format device and the bytes it
// answers on down_raw_reply. A raw reply carries no id, so a device's replies answer its requests in order.
#pragma once
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace gridhub::hub {

class DeviceDirectory;

// Thread-safe.
class RawExchange {
 public:
  // The reply bytes, or nullopt when the device did not answer in time (or went away).
  using Done = std::function<void(std::optional<std::string>)>;
  RawExchange(boost::asio::io_context& timers, DeviceDirectory& directory) : timers_(timers), directory_(directory) {}
  // Publishes `bytes` on the device's down_raw topic. False (and `done` not called) when the device is offline or
  // already has kMaxPendingRawPerDevice requests waiting; else `done` is called exactly once, from any thread.
  bool send(std::string_view pk, std::string_view dk, std::string bytes, std::chrono::milliseconds timeout, Done done);
  // A down_raw_reply from the device: answers its oldest waiting request.
  void on_reply(std::string_view pk, std::string_view dk, std::string_view bytes);

 private:
  struct Pending;
  void expire(const std::string& key, const std::shared_ptr<Pending>& p);

  boost::asio::io_context& timers_;
  DeviceDirectory& directory_;
  std::mutex mutex_;
  std::map<std::string, std::deque<std::shared_ptr<Pending>>, std::less<>> waiting_;  // by "pk/dk"
};

// Raw requests one device may have waiting for their replies.
inline constexpr std::size_t kMaxPendingRawPerDevice = 8;

}  // namespace gridhub::hub
