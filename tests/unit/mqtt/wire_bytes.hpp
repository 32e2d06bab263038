// Test helpers: build MQTT bytes by hand (independently of the encoder) and run them through a Decoder.
#pragma once
#include <gtest/gtest.h>

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/decoder.hpp"

namespace gridhub::mqtt::test {

// Raw bytes from integer literals: bytes({0x10, 0x0c}).
inline std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

inline std::string u16(unsigned v) {
  return bytes({static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)});
}

// A length-prefixed string field.
inline std::string str(std::string_view s) { return u16(static_cast<unsigned>(s.size())) + std::string(s); }

// Remaining-length varint, written out by the textbook algorithm (MQTT 3.1.1 §2.2.3).
inline std::string varint(std::size_t n) {
  std::string out;
  do {
    int b = static_cast<int>(n % 128);
    n /= 128;
    if (n > 0) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (n > 0);
  return out;
}

// A whole packet: first byte, remaining length, body.
inline std::string packet(int first_byte, const std::string& body) {
  return std::string(1, static_cast<char>(first_byte)) + varint(body.size()) + body;
}

struct Decoded {
  std::vector<Packet> packets;
  boost::system::error_code ec;
  std::size_t buffered = 0;
};

// Feeds `wire` in one piece and drains every packet (stops at the first error).
inline Decoded decode_all(const std::string& wire, std::size_t max_packet_size = kDefaultMaxPacketSize) {
  Decoder d(max_packet_size);
  d.feed(wire.data(), wire.size());
  Decoded out;
  while (auto p = d.next(out.ec)) out.packets.push_back(std::move(*p));
  out.buffered = d.buffered();
  return out;
}

// Decodes exactly one packet from `wire` (the test fails on an error or a leftover).
inline Packet decode_one(const std::string& wire) {
  Decoded d = decode_all(wire);
  EXPECT_FALSE(d.ec) << d.ec.message();
  EXPECT_EQ(d.packets.size(), 1u);
  EXPECT_EQ(d.buffered, 0u);
  return d.packets.empty() ? Packet{Disconnect{}} : d.packets.front();
}

// The error decoding `wire` produces (none if it decodes or needs more bytes).
inline boost::system::error_code decode_error(const std::string& wire,
                                              std::size_t max_packet_size = kDefaultMaxPacketSize) {
  return decode_all(wire, max_packet_size).ec;
}

}  // namespace gridhub::mqtt::test
