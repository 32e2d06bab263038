// What the client sends (Request, made by the builders of requests.hpp) and what the hub answers (Response).
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>

namespace gridhub::device {

// Every upstream message of the protocol (spec §4.1) that the SDK builds.
enum class RequestKind : uint8_t {
  measurepoint_post,
  measurepoint_post_batch,
  measurepoint_resume,
  measurepoint_resume_batch,
  event_post,
  attribute_query,
  attribute_update,
  attribute_delete,
  tag_query,
  tag_update,
  tag_delete,
  tsl_template_get,
  up_raw,
  device_register,
  topo_add,
  topo_delete,
  topo_get,
  sub_device_login,
  sub_device_login_batch,
  sub_device_logout,
};

// A request ready to publish. The client fills in the id and, when product_key/device_key are empty, its
// own device's keys. Build it with a builder (requests.hpp) rather than by hand.
struct Request {
  RequestKind kind = RequestKind::measurepoint_post;
  std::string product_key;  // empty: the client's device (a sub-device's keys for gateway traffic)
  std::string device_key;
  bool session_topic = false;  // /ext/session/{pk}/{dk}/... instead of /sys/{pk}/{dk}/...
  std::string topic_suffix;    // e.g. "thing/measurepoint/post"
  std::string method;          // e.g. "thing.measurepoint.post" (informational for the hub)
  boost::json::value params;   // object or array per topic
  boost::json::object extra;   // top-level keys next to params (batch flags)
  std::string raw;             // up_raw: the payload, sent as is (no envelope)
  uint8_t qos = 1;             // 0 for event posts, as the SDKs
};

// The hub's answer {"id","code","message","data"} (or, for up_raw, the raw reply bytes in `raw`).
struct Response {
  std::string topic;  // the reply topic it arrived on
  std::string id;
  int code = 0;  // EnOS return code (spec §3): 200 = success
  std::string message;
  boost::json::value data;
  std::string raw;  // up_raw replies only
  bool ok() const { return code == 200; }
};

}  // namespace gridhub::device
