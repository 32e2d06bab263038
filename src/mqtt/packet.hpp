// MQTT 3.1.1 control packets as plain values: what the decoder produces and the encoder consumes.
// QoS 2 packets (PUBREC/PUBREL/PUBCOMP) have no struct: Gridhub refuses QoS 2 (EnOS SDKs never use it).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gridhub::mqtt {

// The 4-bit packet type of the fixed header (MQTT 3.1.1 §2.2.1); 0 and 15 are reserved.
enum class PacketType : uint8_t {
  Connect = 1,
  Connack,
  Publish,
  Puback,
  Pubrec,
  Pubrel,
  Pubcomp,
  Subscribe,
  Suback,
  Unsubscribe,
  Unsuback,
  Pingreq,
  Pingresp,
  Disconnect
};

// CONNACK return codes (MQTT 3.1.1 §3.2.2.3).
inline constexpr uint8_t kConnackAccepted = 0;
inline constexpr uint8_t kConnackBadProtocol = 1;
inline constexpr uint8_t kConnackIdRejected = 2;
inline constexpr uint8_t kConnackServerUnavailable = 3;
inline constexpr uint8_t kConnackBadCredentials = 4;
inline constexpr uint8_t kConnackNotAuthorized = 5;

// SUBACK return code for a refused filter (granted codes are the QoS, 0..2).
inline constexpr uint8_t kSubackFailure = 0x80;

// A client sets protocol_name "MQTT" and protocol_level 4 (the encoder writes the fields as given). A decoded
// CONNECT whose protocol_level is not 4 carries only protocol_name and protocol_level: the rest of its body
// is another protocol version's layout, and the server only needs the level to answer CONNACK 1.
struct Connect {
  std::string protocol_name;
  uint8_t protocol_level = 0;
  bool clean_session = false;
  uint16_t keepalive = 0;  // seconds, 0 = off
  std::string client_id;
  std::optional<std::string> username, password;  // password is binary data in MQTT 3.1.1
  bool will = false;
  uint8_t will_qos = 0;
  bool will_retain = false;
  std::string will_topic, will_payload;
  bool operator==(const Connect&) const = default;
};

struct Connack {
  bool session_present = false;
  uint8_t return_code = 0;
  bool operator==(const Connack&) const = default;
};

// packet_id is meaningful only when qos > 0 (QoS 0 carries none on the wire).
struct Publish {
  std::string topic;
  std::string payload;
  uint8_t qos = 0;
  bool dup = false;
  bool retain = false;
  uint16_t packet_id = 0;
  bool operator==(const Publish&) const = default;
};

struct Puback {
  uint16_t packet_id = 0;
  bool operator==(const Puback&) const = default;
};

// Each filter comes with its requested QoS. Filters are only UTF-8 checked by the decoder: the server answers
// a syntactically bad filter with kSubackFailure (see valid_topic_filter) instead of dropping the connection.
struct Subscribe {
  uint16_t packet_id = 0;
  std::vector<std::pair<std::string, uint8_t>> filters;
  bool operator==(const Subscribe&) const = default;
};

struct Suback {
  uint16_t packet_id = 0;
  std::vector<uint8_t> return_codes;  // 0x00, 0x01 granted QoS, 0x80 failure (0x02 is decoded, never granted)
  bool operator==(const Suback&) const = default;
};

struct Unsubscribe {
  uint16_t packet_id = 0;
  std::vector<std::string> filters;
  bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {
  uint16_t packet_id = 0;
  bool operator==(const Unsuback&) const = default;
};

// Field-less packets; equal to each other so that Packet compares with ==.
struct Pingreq {
  bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
  bool operator==(const Pingresp&) const = default;
};
struct Disconnect {
  bool operator==(const Disconnect&) const = default;
};

using Packet = std::variant<Connect, Connack, Publish, Puback, Subscribe, Suback, Unsubscribe, Unsuback,
                            Pingreq, Pingresp, Disconnect>;

}  // namespace gridhub::mqtt
