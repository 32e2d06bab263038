// Every bound the mqtt module enforces (STYLE.md item 5); tests check each at N and N+1.
#pragma once
#include <cstddef>

namespace gridhub::mqtt {

// Largest whole packet (fixed header + remaining length) a Decoder accepts by default. EnOS messages are at
// most 512 KiB, so 1 MiB leaves room for the topic and the envelope.
inline constexpr std::size_t kDefaultMaxPacketSize = 1024 * 1024;
// Before login only a small CONNECT is accepted (the hub sets this until the CONNECT succeeds).
inline constexpr std::size_t kMaxConnectPacketSize = 8 * 1024;

// The remaining length is a varint of at most 4 bytes (MQTT 3.1.1 §2.2.3), so at most 268,435,455.
inline constexpr std::size_t kMaxRemainingLengthBytes = 4;
inline constexpr std::size_t kMaxRemainingLength = 268'435'455;
// Fixed header: one type/flags byte plus the remaining-length varint.
inline constexpr std::size_t kMaxFixedHeaderSize = 1 + kMaxRemainingLengthBytes;
// A UTF-8 string field has a 2-byte length prefix (MQTT 3.1.1 §1.5.3).
inline constexpr std::size_t kMaxStringLength = 65535;

// Filters in one SUBSCRIBE / UNSUBSCRIBE. EnOS SDKs send one per packet; this bounds the work per packet.
inline constexpr std::size_t kMaxSubscribeFilters = 64;
inline constexpr std::size_t kMaxUnsubscribeFilters = 64;

// Decoder buffer: smallest allocation, and the largest capacity kept once the buffer drains (a bigger one,
// left by a large packet, is released so that many idle connections do not each pin a large buffer).
inline constexpr std::size_t kMinBufferCapacity = 512;
inline constexpr std::size_t kRetainedBufferCapacity = 16 * 1024;

}  // namespace gridhub::mqtt
