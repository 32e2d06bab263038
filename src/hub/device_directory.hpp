// Which connection speaks for which device right now: the one place that knows a device is online.
// Used for takeover (a second login closes the first), for kicking disabled devices and, later, commands.
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gridhub::hub {

class Session;

// Thread-safe; touched on login, logout and by the API, never per message.
class DeviceDirectory {
 public:
  // Makes `session` the device's connection and returns the one it replaces (to be closed), if any.
  std::shared_ptr<Session> claim(std::string_view pk, std::string_view dk, const std::shared_ptr<Session>& session);
  // Forgets the device if `session` is still its connection (a replaced session must not unregister the new one).
  // Returns true when it did.
  bool release(std::string_view pk, std::string_view dk, const Session* session);
  std::shared_ptr<Session> find(std::string_view pk, std::string_view dk) const;
  std::size_t size() const;

 private:
  static std::string key(std::string_view pk, std::string_view dk);
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<Session>> sessions_;
};

}  // namespace gridhub::hub
