// EnOS device login (spec §1.2–1.4, §1.8): who a CONNECT claims to be and whether its signature proves it.
#pragma once
#include <cstdint>
#include <string>

#include "hub/handler.hpp"
#include "mqtt/packet.hpp"

namespace gridhub::hub {

enum class LoginKind : uint8_t { Device, DynamicActivation, Integration };

struct LoginDecision {
  uint8_t connack = mqtt::kConnackAccepted;
  LoginKind kind = LoginKind::Device;
  DeviceIdentity device;       // Device / DynamicActivation: the device; Integration: product_key (+org) only
  std::string device_secret;   // DynamicActivation: what thing/activate/info hands the device
  std::string reason;          // why it was refused (logged; never contains a secret)
};

// Pure: decides from the CONNECT and the registry snapshot. securemode 2 signs with the device secret,
// 3 with the product secret (the product must allow dynamic activation), 4 with the product secret on the
// integration channel (username "%channel%&pk"). Wrong signature -> CONNACK 4; unknown or disabled device or a
// product that does not allow the mode -> 5; a client id or username we cannot parse -> 2 / 4.
LoginDecision decide_login(const mqtt::Connect& connect, const Snapshot& snapshot);

}  // namespace gridhub::hub
