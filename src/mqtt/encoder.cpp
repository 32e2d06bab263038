// MQTT 3.1.1 encoder: the fixed header, primitive fields and each packet's layout.
#include "mqtt/encoder.hpp"

#include <cassert>

#include "mqtt/limits.hpp"
#include "mqtt/wire_format.hpp"

namespace gridhub::mqtt {

namespace {

std::size_t varint_size(std::size_t n) {
  std::size_t size = 1;
  while (n > wire::kVarintValueMask) {
    n >>= 7;
    ++size;
  }
  return size;
}

// Reserves room for the whole packet once, then writes its fixed header.
void put_fixed_header(std::string& out, uint8_t first_byte, std::size_t remaining) {
  assert(remaining <= kMaxRemainingLength && "packet too large for MQTT");
  out.reserve(out.size() + 1 + varint_size(remaining) + remaining);
  char header[kMaxFixedHeaderSize];
  std::size_t n = 0;
  header[n++] = static_cast<char>(first_byte);
  do {
    auto b = static_cast<uint8_t>(remaining & wire::kVarintValueMask);
    remaining >>= 7;
    if (remaining > 0) b |= wire::kVarintContinue;
    header[n++] = static_cast<char>(b);
  } while (remaining > 0 && n < kMaxFixedHeaderSize);
  out.append(header, n);
}

void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }

void put_u16(std::string& out, uint16_t v) {
  const char bytes[2] = {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
  out.append(bytes, 2);
}

void put_string(std::string& out, std::string_view s) {
  assert(s.size() <= kMaxStringLength && "string field longer than 65535 bytes");
  put_u16(out, static_cast<uint16_t>(s.size()));
  out.append(s);
}

// Encoded size of a length-prefixed field.
std::size_t field(std::string_view s) { return 2 + s.size(); }

void put_publish(std::string_view topic, std::string_view payload, uint8_t qos, bool dup, bool retain,
                 uint16_t packet_id, std::string& out) {
  assert(qos <= 2);
  uint8_t flags = static_cast<uint8_t>(qos << wire::kPublishQosShift);
  if (dup) flags |= wire::kPublishDup;
  if (retain) flags |= wire::kPublishRetain;
  put_fixed_header(out, wire::first_byte(PacketType::Publish, flags),
                   field(topic) + (qos > 0 ? 2 : 0) + payload.size());
  put_string(out, topic);
  if (qos > 0) put_u16(out, packet_id);
  out.append(payload);
}

// PUBACK and UNSUBACK: a packet identifier only.
void put_id_only(PacketType type, uint16_t packet_id, std::string& out) {
  put_fixed_header(out, wire::first_byte(type), 2);
  put_u16(out, packet_id);
}

void put_empty(PacketType type, std::string& out) { put_fixed_header(out, wire::first_byte(type), 0); }

}  // namespace

void encode(const Packet& p, std::string& out) {
  std::visit([&out](const auto& packet) { encode(packet, out); }, p);
}

void encode(const Connect& p, std::string& out) {
  assert(!p.password || p.username);
  uint8_t flags = 0;
  if (p.clean_session) flags |= wire::kConnectCleanSession;
  std::size_t remaining = field(p.protocol_name) + 1 + 1 + 2 + field(p.client_id);
  if (p.will) {
    assert(p.will_qos <= 2);
    flags |= wire::kConnectWill | static_cast<uint8_t>(p.will_qos << wire::kConnectWillQosShift);
    if (p.will_retain) flags |= wire::kConnectWillRetain;
    remaining += field(p.will_topic) + field(p.will_payload);
  }
  if (p.username) {
    flags |= wire::kConnectUsername;
    remaining += field(*p.username);
  }
  if (p.password) {
    flags |= wire::kConnectPassword;
    remaining += field(*p.password);
  }
  put_fixed_header(out, wire::first_byte(PacketType::Connect), remaining);
  put_string(out, p.protocol_name);
  put_u8(out, p.protocol_level);
  put_u8(out, flags);
  put_u16(out, p.keepalive);
  put_string(out, p.client_id);
  if (p.will) {
    put_string(out, p.will_topic);
    put_string(out, p.will_payload);
  }
  if (p.username) put_string(out, *p.username);
  if (p.password) put_string(out, *p.password);
}

void encode(const Connack& p, std::string& out) {
  put_fixed_header(out, wire::first_byte(PacketType::Connack), 2);
  put_u8(out, p.session_present ? wire::kConnackSessionPresent : 0);
  put_u8(out, p.return_code);
}

void encode(const Publish& p, std::string& out) {
  put_publish(p.topic, p.payload, p.qos, p.dup, p.retain, p.packet_id, out);
}

void encode_publish(std::string_view topic, std::string_view payload, uint8_t qos, uint16_t packet_id,
                    std::string& out) {
  put_publish(topic, payload, qos, false, false, packet_id, out);
}

void encode(const Puback& p, std::string& out) { put_id_only(PacketType::Puback, p.packet_id, out); }

void encode(const Subscribe& p, std::string& out) {
  std::size_t remaining = 2;
  for (const auto& [filter, qos] : p.filters) remaining += field(filter) + 1;
  put_fixed_header(out, wire::first_byte(PacketType::Subscribe, wire::kReservedFlags0010), remaining);
  put_u16(out, p.packet_id);
  for (const auto& [filter, qos] : p.filters) {
    put_string(out, filter);
    put_u8(out, qos);
  }
}

void encode(const Suback& p, std::string& out) {
  put_fixed_header(out, wire::first_byte(PacketType::Suback), 2 + p.return_codes.size());
  put_u16(out, p.packet_id);
  out.append(reinterpret_cast<const char*>(p.return_codes.data()), p.return_codes.size());
}

void encode(const Unsubscribe& p, std::string& out) {
  std::size_t remaining = 2;
  for (const auto& filter : p.filters) remaining += field(filter);
  put_fixed_header(out, wire::first_byte(PacketType::Unsubscribe, wire::kReservedFlags0010), remaining);
  put_u16(out, p.packet_id);
  for (const auto& filter : p.filters) put_string(out, filter);
}

void encode(const Unsuback& p, std::string& out) { put_id_only(PacketType::Unsuback, p.packet_id, out); }
void encode(const Pingreq&, std::string& out) { put_empty(PacketType::Pingreq, out); }
void encode(const Pingresp&, std::string& out) { put_empty(PacketType::Pingresp, out); }
void encode(const Disconnect&, std::string& out) { put_empty(PacketType::Disconnect, out); }

}  // namespace gridhub::mqtt
