// Downstream commands (spec §4.2, §4.4): what arrives, by class, and the Reply a handler answers with.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gridhub::device {

// Handlers are registered per class, as in the Python SDK (register_arrived_message_handler).
enum class CommandClass : uint8_t {
  service_invocation,  // /sys/{pk}/{dk}/thing/service/{serviceId}
  measurepoint_set,    // /sys/{pk}/{dk}/thing/service/measurepoint/set
  measurepoint_get,    // /sys/{pk}/{dk}/thing/service/measurepoint/get
  model_down_raw,      // /sys/{pk}/{dk}/thing/model/down_raw (raw bytes both ways)
  sub_device_enable,   // /ext/session/{gpk}/{gdk}/combine/enable
  sub_device_disable,  // .../combine/disable
  sub_device_delete,   // .../combine/delete
  ota_upgrade,         // /sys/{pk}/{dk}/ota/device/upgrade
};
inline constexpr std::size_t kCommandClassCount = 8;

// One arrived command. For a sub-device's command (gateway), product_key/device_key are the sub-device's.
struct Command {
  CommandClass command_class = CommandClass::service_invocation;
  std::string topic;
  std::string product_key;
  std::string device_key;
  std::string service_id;  // service_invocation only
  std::string id;          // the command id, echoed in the reply
  std::string method;
  std::string version;
  boost::json::value params;  // service input, points to set, ids to get, [{productKey,deviceKey}] ...
  std::string raw;            // model_down_raw: the bytes
};

// A handler's answer: {"id":<command id>,"code":code,"message":message,"data":data} on <topic>_reply
// (for model_down_raw: `raw` as is). Builder style: Reply().add_output_data("result", 0).
struct Reply {
  int code = 200;
  std::string message;
  boost::json::value data = boost::json::object();
  std::string raw;

  Reply& set_code(int c) {
    code = c;
    return *this;
  }
  Reply& set_message(std::string_view m) {
    message = m;
    return *this;
  }
  // Adds one output parameter to `data` (making it an object if it is not one).
  Reply& add_output_data(std::string_view name, boost::json::value v);
  Reply& set_data(boost::json::value d) {
    data = std::move(d);
    return *this;
  }
  Reply& set_raw(std::string bytes) {
    raw = std::move(bytes);
    return *this;
  }
};

// Runs on the client's io thread. Return a Reply to answer now; std::nullopt to answer later with
// Client::reply(command, reply) (or not at all). A handler that throws is answered with code 1102.
using CommandHandler = std::function<std::optional<Reply>(const Command&)>;

}  // namespace gridhub::device
