// MQTT 3.1.1 encoder: appends the wire bytes of a packet to a caller-owned string (sans-I/O).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "mqtt/packet.hpp"

namespace gridhub::mqtt {

// Each overload appends one packet to `out` (never clears it, so callers can batch writes in one buffer).
// REQUIRES (asserted; these are caller bugs, never device input): every string field at most kMaxStringLength
// bytes, the packet's remaining length at most kMaxRemainingLength, a password only with a username, QoS
// <= 2. The encoder does not validate content (UTF-8, wildcards): callers pass topics they built or checked.
void encode(const Packet& p, std::string& out);
void encode(const Connect& p, std::string& out);
void encode(const Connack& p, std::string& out);
void encode(const Publish& p, std::string& out);
void encode(const Puback& p, std::string& out);
void encode(const Subscribe& p, std::string& out);
void encode(const Suback& p, std::string& out);
void encode(const Unsubscribe& p, std::string& out);
void encode(const Unsuback& p, std::string& out);
void encode(const Pingreq& p, std::string& out);
void encode(const Pingresp& p, std::string& out);
void encode(const Disconnect& p, std::string& out);

// Fast path for the hub: appends a PUBLISH (dup and retain clear) without building a Publish struct, with one
// reservation of `out`. packet_id is written only when qos > 0.
void encode_publish(std::string_view topic, std::string_view payload, uint8_t qos, uint16_t packet_id,
                    std::string& out);

}  // namespace gridhub::mqtt
