// The mqtt module's error codes (all are protocol errors: the connection must be closed) and their category.
#pragma once
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <system_error>

namespace gridhub::mqtt {

enum class errc {
  // The remaining-length varint has a continuation bit in its 4th byte (MQTT 3.1.1 §2.2.3).
  remaining_length_too_long = 1,
  // The fixed header announces a packet larger than the decoder's max_packet_size.
  packet_too_large,
  // Packet type 0 or 15 (reserved).
  reserved_packet_type,
  // Fixed-header flags other than the ones the packet type defines (0b0010 for SUBSCRIBE, UNSUBSCRIBE,
  // PUBREL;
  // 0 for the rest except PUBLISH) (MQTT-2.2.2-2).
  bad_fixed_header_flags,
  // PUBLISH with both QoS bits set (MQTT-3.3.1-4).
  bad_publish_qos,
  // PUBLISH QoS 2, PUBREC, PUBREL or PUBCOMP: Gridhub supports QoS 0 and 1 only.
  qos2_not_supported,
  // A packet identifier of 0 where one is required (MQTT-2.3.1-1).
  zero_packet_id,
  // A PUBLISH or will topic that is empty or contains '+' or '#' (MQTT-3.3.2-2, MQTT-4.7.3-1).
  invalid_topic_name,
  // A string field that is not well-formed UTF-8 or contains U+0000 (MQTT-1.5.3-1, MQTT-1.5.3-2).
  bad_utf8,
  // CONNECT protocol name other than "MQTT" (MQTT-3.1.2-1).
  bad_protocol_name,
  // CONNECT flags bit 0 set (MQTT-3.1.2-3).
  reserved_connect_flag,
  // CONNECT password flag without the user name flag (MQTT-3.1.2-22).
  password_without_username,
  // CONNECT will QoS 3 (MQTT-3.1.2-14).
  bad_will_qos,
  // CONNECT will QoS or will retain set while the will flag is clear (MQTT-3.1.2-13, MQTT-3.1.2-15).
  will_flags_without_will,
  // The packet ends inside a field its type defines.
  truncated_body,
  // Bytes left in the packet after every field its type defines.
  trailing_bytes,
  // SUBSCRIBE or UNSUBSCRIBE without any topic filter (MQTT-3.8.3-3, MQTT-3.10.3-2).
  no_topic_filters,
  // SUBSCRIBE or UNSUBSCRIBE with more filters than limits.hpp allows.
  too_many_topic_filters,
  // SUBSCRIBE requested QoS above 2 or reserved option bits set (MQTT-3-8.3-4).
  bad_requested_qos,
  // CONNACK with reserved flag bits set or a reserved return code (above 5).
  bad_connack,
  // SUBACK without return codes or with a code other than 0x00, 0x01, 0x02, 0x80 (MQTT-3.9.3-2).
  bad_suback,
};

const boost::system::error_category& mqtt_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return boost::system::error_code(static_cast<int>(e), mqtt_category());
}

}  // namespace gridhub::mqtt

template <>
struct boost::system::is_error_code_enum<gridhub::mqtt::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<gridhub::mqtt::errc> : std::true_type {};
