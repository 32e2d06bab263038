// Messages of the mqtt error category.
#include "mqtt/errc.hpp"

#include <string>

namespace gridhub::mqtt {

namespace {

class Category final : public boost::system::error_category {
 public:
  // A fixed id makes codes from this category compare equal across shared objects (Boost.System rule).
  constexpr Category() noexcept : boost::system::error_category(0x4a7e19c2d05b3f86ULL) {}
  const char* name() const noexcept override { return "gridhub.mqtt"; }
  std::string message(int ev) const override { return message(ev, nullptr, 0); }
  const char* message(int ev, char*, std::size_t) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::remaining_length_too_long:
        return "remaining length longer than 4 bytes";
      case errc::packet_too_large:
        return "packet larger than the size limit";
      case errc::reserved_packet_type:
        return "reserved packet type";
      case errc::bad_fixed_header_flags:
        return "wrong fixed header flags for the packet type";
      case errc::bad_publish_qos:
        return "PUBLISH with QoS 3";
      case errc::qos2_not_supported:
        return "QoS 2 is not supported";
      case errc::zero_packet_id:
        return "packet identifier 0";
      case errc::invalid_topic_name:
        return "topic name empty or containing a wildcard";
      case errc::bad_utf8:
        return "string not valid UTF-8 or containing U+0000";
      case errc::bad_protocol_name:
        return "CONNECT protocol name is not MQTT";
      case errc::reserved_connect_flag:
        return "CONNECT reserved flag set";
      case errc::password_without_username:
        return "CONNECT password without user name";
      case errc::bad_will_qos:
        return "CONNECT will QoS 3";
      case errc::will_flags_without_will:
        return "CONNECT will QoS or retain without will flag";
      case errc::truncated_body:
        return "packet shorter than its fields";
      case errc::trailing_bytes:
        return "bytes after the last field of the packet";
      case errc::no_topic_filters:
        return "SUBSCRIBE or UNSUBSCRIBE without topic filters";
      case errc::too_many_topic_filters:
        return "too many topic filters in one packet";
      case errc::bad_requested_qos:
        return "SUBSCRIBE requested QoS above 2 or reserved bits set";
      case errc::bad_connack:
        return "CONNACK with reserved flags or return code";
      case errc::bad_suback:
        return "SUBACK without return codes or with a reserved one";
    }
    return "unknown mqtt error";
  }
};

constexpr Category kCategory;

}  // namespace

const boost::system::error_category& mqtt_category() noexcept { return kCategory; }

}  // namespace gridhub::mqtt
