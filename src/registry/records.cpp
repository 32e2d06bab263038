// Derived device status and its EnOS spelling.
#include "registry/records.hpp"

namespace gridhub::registry {

std::string_view to_string(DeviceStatus s) {
  switch (s) {
    case DeviceStatus::Inactive:
      return "inactive";
    case DeviceStatus::Online:
      return "online";
    case DeviceStatus::Offline:
      return "offline";
    case DeviceStatus::Disabled:
      return "disable";
  }
  return "inactive";
}

DeviceStatus Device::status() const {
  if (!enabled) return DeviceStatus::Disabled;
  if (!activated) return DeviceStatus::Inactive;
  return online ? DeviceStatus::Online : DeviceStatus::Offline;
}

}  // namespace gridhub::registry
