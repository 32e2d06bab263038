// Internal to the decoder: turns one framed packet (first byte + body) into a Packet, validating every field.
#pragma once
#include <cstdint>
#include <string_view>

#include "mqtt/errc.hpp"
#include "mqtt/packet.hpp"

namespace gridhub::mqtt::detail {

// Checks the first byte of a fixed header (type and flags) alone, so that a bad packet is refused before its
// body arrives. Returns errc{} when the byte is acceptable.
errc check_first_byte(uint8_t first_byte) noexcept;

// Decodes the body of a packet whose first byte passed check_first_byte. The body must be consumed exactly.
// Returns errc{} on success.
errc decode_body(uint8_t first_byte, std::string_view body, Packet& out);

}  // namespace gridhub::mqtt::detail
