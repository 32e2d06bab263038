// MQTT 3.1.1 wire constants shared by the decoder and the encoder (described in docs/mqtt_codec.md).
#pragma once
#include <cstdint>
#include <string_view>

#include "mqtt/packet.hpp"

namespace gridhub::mqtt::wire {

inline constexpr std::string_view kProtocolName = "MQTT";
inline constexpr uint8_t kProtocolLevel = 4;  // 3.1.1

// First byte of the fixed header: type in the high nibble, flags in the low one.
constexpr uint8_t first_byte(PacketType type, uint8_t flags = 0) {
  return static_cast<uint8_t>((static_cast<uint8_t>(type) << 4) | flags);
}
// SUBSCRIBE, UNSUBSCRIBE and PUBREL carry these reserved flags (MQTT-2.2.2-2 / 3.6.1-1 / 3.8.1-1 / 3.10.1-1).
inline constexpr uint8_t kReservedFlags0010 = 0x02;

// PUBLISH fixed-header flags.
inline constexpr uint8_t kPublishRetain = 0x01;
inline constexpr uint8_t kPublishQosShift = 1;
inline constexpr uint8_t kPublishQosMask = 0x06;
inline constexpr uint8_t kPublishDup = 0x08;

// CONNECT flags byte (MQTT 3.1.1 §3.1.2.3).
inline constexpr uint8_t kConnectReserved = 0x01;
inline constexpr uint8_t kConnectCleanSession = 0x02;
inline constexpr uint8_t kConnectWill = 0x04;
inline constexpr uint8_t kConnectWillQosShift = 3;
inline constexpr uint8_t kConnectWillQosMask = 0x18;
inline constexpr uint8_t kConnectWillRetain = 0x20;
inline constexpr uint8_t kConnectPassword = 0x40;
inline constexpr uint8_t kConnectUsername = 0x80;

// CONNACK acknowledge flags: only bit 0 (session present) is defined.
inline constexpr uint8_t kConnackSessionPresent = 0x01;
inline constexpr uint8_t kConnackLastReturnCode = kConnackNotAuthorized;

// SUBSCRIBE options byte: QoS in bits 0-1, the rest reserved in 3.1.1.
inline constexpr uint8_t kSubscribeQosMask = 0x03;

// Remaining-length varint: 7 value bits per byte, high bit = more bytes follow.
inline constexpr uint8_t kVarintContinue = 0x80;
inline constexpr uint8_t kVarintValueMask = 0x7f;

}  // namespace gridhub::mqtt::wire
