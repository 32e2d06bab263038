// Field-level decoding and validation of each MQTT 3.1.1 packet body (the framing lives in decoder.cpp).
#include "mqtt/body_decoder.hpp"

#include <cstring>

#include "mqtt/limits.hpp"
#include "mqtt/topic_filter.hpp"
#include "mqtt/utf8.hpp"
#include "mqtt/wire_format.hpp"

namespace gridhub::mqtt::detail {

namespace {

// Bounds-checked cursor over one packet body; every read fails instead of running past the end.
class Reader {
 public:
  explicit Reader(std::string_view body) : p_(body.data()), end_(body.data() + body.size()) {}

  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

  bool u8(uint8_t& v) {
    if (left() < 1) return false;
    v = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool u16(uint16_t& v) {
    if (left() < 2) return false;
    v = static_cast<uint16_t>((static_cast<uint8_t>(p_[0]) << 8) | static_cast<uint8_t>(p_[1]));
    p_ += 2;
    return true;
  }
  // A length-prefixed field (UTF-8 string or binary data): a view into the body.
  bool prefixed(std::string_view& v) {
    uint16_t n;
    if (!u16(n) || left() < n) return false;
    v = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  std::string_view rest() {
    std::string_view v(p_, left());
    p_ = end_;
    return v;
  }

 private:
  const char* p_;
  const char* end_;
};

// Reads a UTF-8 string field into `out`.
errc read_string(Reader& r, std::string& out) {
  std::string_view v;
  if (!r.prefixed(v)) return errc::truncated_body;
  if (!valid_mqtt_utf8(v)) return errc::bad_utf8;
  out.assign(v);
  return errc{};
}

errc read_binary(Reader& r, std::string& out) {
  std::string_view v;
  if (!r.prefixed(v)) return errc::truncated_body;
  out.assign(v);
  return errc{};
}

errc read_packet_id(Reader& r, uint16_t& id) {
  if (!r.u16(id)) return errc::truncated_body;
  return id == 0 ? errc::zero_packet_id : errc{};
}

errc finish(const Reader& r) { return r.left() == 0 ? errc{} : errc::trailing_bytes; }

// A topic name in PUBLISH or a will: UTF-8 first (so U+0000 reports as bad_utf8), then the wildcard rules.
errc read_topic_name(Reader& r, std::string& out) {
  std::string_view v;
  if (!r.prefixed(v)) return errc::truncated_body;
  if (!valid_mqtt_utf8(v)) return errc::bad_utf8;
  if (!valid_topic_name(v)) return errc::invalid_topic_name;
  out.assign(v);
  return errc{};
}

errc decode_connect(Reader& r, Connect& c) {
  std::string_view name;
  if (!r.prefixed(name)) return errc::truncated_body;
  if (name != wire::kProtocolName) return errc::bad_protocol_name;
  c.protocol_name.assign(name);
  if (!r.u8(c.protocol_level)) return errc::truncated_body;
  // Another level's body has another layout (5.0 adds properties): stop here, the server answers CONNACK 1.
  if (c.protocol_level != wire::kProtocolLevel) return errc{};

  uint8_t flags;
  if (!r.u8(flags) || !r.u16(c.keepalive)) return errc::truncated_body;
  if (flags & wire::kConnectReserved) return errc::reserved_connect_flag;
  c.clean_session = flags & wire::kConnectCleanSession;
  c.will = flags & wire::kConnectWill;
  c.will_qos = static_cast<uint8_t>((flags & wire::kConnectWillQosMask) >> wire::kConnectWillQosShift);
  c.will_retain = flags & wire::kConnectWillRetain;
  const bool has_password = flags & wire::kConnectPassword;
  const bool has_username = flags & wire::kConnectUsername;
  if (c.will_qos == 3) return errc::bad_will_qos;
  if (!c.will && (c.will_qos != 0 || c.will_retain)) return errc::will_flags_without_will;
  if (has_password && !has_username) return errc::password_without_username;

  // Payload fields in their fixed order (MQTT 3.1.1 §3.1.3).
  if (auto e = read_string(r, c.client_id); e != errc{}) return e;
  if (c.will) {
    if (auto e = read_topic_name(r, c.will_topic); e != errc{}) return e;
    if (auto e = read_binary(r, c.will_payload); e != errc{}) return e;
  }
  if (has_username) {
    if (auto e = read_string(r, c.username.emplace()); e != errc{}) return e;
  }
  if (has_password) {
    if (auto e = read_binary(r, c.password.emplace()); e != errc{}) return e;
  }
  return finish(r);
}

errc decode_connack(Reader& r, Connack& c) {
  uint8_t flags, code;
  if (!r.u8(flags) || !r.u8(code)) return errc::truncated_body;
  if ((flags & ~wire::kConnackSessionPresent) != 0 || code > wire::kConnackLastReturnCode)
    return errc::bad_connack;
  c.session_present = flags & wire::kConnackSessionPresent;
  c.return_code = code;
  return finish(r);
}

errc decode_publish(uint8_t first_byte, Reader& r, Publish& p) {
  p.retain = first_byte & wire::kPublishRetain;
  p.dup = first_byte & wire::kPublishDup;
  p.qos = static_cast<uint8_t>((first_byte & wire::kPublishQosMask) >> wire::kPublishQosShift);
  if (auto e = read_topic_name(r, p.topic); e != errc{}) return e;
  if (p.qos > 0) {
    if (auto e = read_packet_id(r, p.packet_id); e != errc{}) return e;
  }
  // The payload is opaque bytes (EnOS raw topics are binary): no UTF-8 check.
  p.payload.assign(r.rest());
  return errc{};
}

// PUBACK and UNSUBACK: a packet identifier and nothing else.
errc decode_id_only(Reader& r, uint16_t& id) {
  if (auto e = read_packet_id(r, id); e != errc{}) return e;
  return finish(r);
}

errc decode_subscribe(Reader& r, Subscribe& s) {
  if (auto e = read_packet_id(r, s.packet_id); e != errc{}) return e;
  if (r.left() == 0) return errc::no_topic_filters;
  while (r.left() > 0) {
    if (s.filters.size() == kMaxSubscribeFilters) return errc::too_many_topic_filters;
    auto& [filter, qos] = s.filters.emplace_back();
    if (auto e = read_string(r, filter); e != errc{}) return e;
    if (!r.u8(qos)) return errc::truncated_body;
    // Reserved bits must be 0 and QoS 3 is not a QoS (MQTT-3-8.3-4). Requested QoS 2 is legal: the server
    // grants a lower one in SUBACK.
    if ((qos & ~wire::kSubscribeQosMask) != 0 || qos > 2) return errc::bad_requested_qos;
  }
  return errc{};
}

errc decode_suback(Reader& r, Suback& s) {
  if (auto e = read_packet_id(r, s.packet_id); e != errc{}) return e;
  if (r.left() == 0) return errc::bad_suback;
  const std::string_view codes = r.rest();
  s.return_codes.reserve(codes.size());
  for (char ch : codes) {
    const auto code = static_cast<uint8_t>(ch);
    if (code > 2 && code != kSubackFailure) return errc::bad_suback;
    s.return_codes.push_back(code);
  }
  return errc{};
}

errc decode_unsubscribe(Reader& r, Unsubscribe& u) {
  if (auto e = read_packet_id(r, u.packet_id); e != errc{}) return e;
  if (r.left() == 0) return errc::no_topic_filters;
  while (r.left() > 0) {
    if (u.filters.size() == kMaxUnsubscribeFilters) return errc::too_many_topic_filters;
    if (auto e = read_string(r, u.filters.emplace_back()); e != errc{}) return e;
  }
  return errc{};
}

}  // namespace

errc check_first_byte(uint8_t first_byte) noexcept {
  const uint8_t type = first_byte >> 4;
  const uint8_t flags = first_byte & 0x0f;
  switch (static_cast<PacketType>(type)) {
    case PacketType::Publish: {
      const uint8_t qos = (flags & wire::kPublishQosMask) >> wire::kPublishQosShift;
      if (qos == 3) return errc::bad_publish_qos;
      if (qos == 2) return errc::qos2_not_supported;
      return errc{};
    }
    case PacketType::Subscribe:
    case PacketType::Unsubscribe:
      return flags == wire::kReservedFlags0010 ? errc{} : errc::bad_fixed_header_flags;
    case PacketType::Pubrel:
      return flags == wire::kReservedFlags0010 ? errc::qos2_not_supported : errc::bad_fixed_header_flags;
    case PacketType::Pubrec:
    case PacketType::Pubcomp:
      return flags == 0 ? errc::qos2_not_supported : errc::bad_fixed_header_flags;
    case PacketType::Connect:
    case PacketType::Connack:
    case PacketType::Puback:
    case PacketType::Suback:
    case PacketType::Unsuback:
    case PacketType::Pingreq:
    case PacketType::Pingresp:
    case PacketType::Disconnect:
      return flags == 0 ? errc{} : errc::bad_fixed_header_flags;
  }
  return errc::reserved_packet_type;  // 0 and 15
}

errc decode_body(uint8_t first_byte, std::string_view body, Packet& out) {
  Reader r(body);
  switch (static_cast<PacketType>(first_byte >> 4)) {
    case PacketType::Connect:
      return decode_connect(r, out.emplace<Connect>());
    case PacketType::Connack:
      return decode_connack(r, out.emplace<Connack>());
    case PacketType::Publish:
      return decode_publish(first_byte, r, out.emplace<Publish>());
    case PacketType::Puback:
      return decode_id_only(r, out.emplace<Puback>().packet_id);
    case PacketType::Subscribe:
      return decode_subscribe(r, out.emplace<Subscribe>());
    case PacketType::Suback:
      return decode_suback(r, out.emplace<Suback>());
    case PacketType::Unsubscribe:
      return decode_unsubscribe(r, out.emplace<Unsubscribe>());
    case PacketType::Unsuback:
      return decode_id_only(r, out.emplace<Unsuback>().packet_id);
    case PacketType::Pingreq:
      out.emplace<Pingreq>();
      return finish(r);
    case PacketType::Pingresp:
      out.emplace<Pingresp>();
      return finish(r);
    case PacketType::Disconnect:
      out.emplace<Disconnect>();
      return finish(r);
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp:
      return errc::qos2_not_supported;
  }
  return errc::reserved_packet_type;  // check_first_byte() refuses these first; kept so no input reaches UB
}

}  // namespace gridhub::mqtt::detail
