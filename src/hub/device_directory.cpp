// Device -> connection map with takeover semantics.
#include "hub/device_directory.hpp"

namespace gridhub::hub {

std::string DeviceDirectory::key(std::string_view pk, std::string_view dk) {
  std::string k;
  k.reserve(pk.size() + dk.size() + 1);
  k.append(pk).push_back('/');
  k.append(dk);
  return k;
}

std::shared_ptr<Session> DeviceDirectory::claim(std::string_view pk, std::string_view dk,
                                                const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  auto& slot = sessions_[key(pk, dk)];
  auto previous = slot.lock();
  slot = session;
  return previous;
}

bool DeviceDirectory::release(std::string_view pk, std::string_view dk, const Session* session) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key(pk, dk));
  if (it == sessions_.end()) return false;
  auto current = it->second.lock();
  if (current && current.get() != session) return false;
  sessions_.erase(it);
  return true;
}

std::shared_ptr<Session> DeviceDirectory::find(std::string_view pk, std::string_view dk) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key(pk, dk));
  return it == sessions_.end() ? nullptr : it->second.lock();
}

std::size_t DeviceDirectory::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace gridhub::hub
