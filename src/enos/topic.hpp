// The EnOS topic grammar (spec §4.1, §4.2): parse a topic into operation + device keys (no allocation),
// format downstream topics, and decide which device namespace a topic or filter lies in (ACL).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridhub::enos {

enum class TopicKind : uint8_t {
  MeasurepointPost,
  MeasurepointPostBatch,
  MeasurepointResume,
  MeasurepointResumeBatch,
  EventPost,
  AttributeQuery,
  AttributeUpdate,
  AttributeDelete,
  TagQuery,
  TagUpdate,
  TagDelete,
  TslTemplateGet,
  ModelUpRaw,
  DeviceRegister,
  TopoAdd,
  TopoDelete,
  TopoGet,
  SubDeviceLogin,
  SubDeviceLoginBatch,
  SubDeviceLogout,
  OtaInform,
  OtaProgress,
  OtaGetVersion,
  OtaRequest,
  LogPost,
  NetworkStatusReport,
  ConnectionStatePost,
  IntegrationMeasurepointPost,
  IntegrationEventPost,
  IntegrationAttributePost,
  IntegrationUpRaw,
  // device replies to downstream commands (topic = command topic + "_reply")
  ServiceInvocationReply,
  MeasurepointSetReply,
  MeasurepointGetReply,
  ModelDownRawReply,
  ActivateInfoReply,
  SubDeviceEnableReply,
  SubDeviceDisableReply,
  SubDeviceDeleteReply,
  OtaUpgradeReply,
  Unknown  // well-formed /sys/{pk}/{dk}/... or /ext/session/{pk}/{dk}/... but not a known operation
};

// A parsed topic. The views point into the string given to parse_topic: it must outlive them.
struct Topic {
  TopicKind kind = TopicKind::Unknown;
  std::string_view product_key;  // device the message is about (for integration: the product)
  std::string_view device_key;   // empty for integration topics
  std::string_view identifier;   // eventId for EventPost, serviceId for ServiceInvocationReply
};

// nullopt when the topic is not under /sys/{pk}/{dk}/ , /ext/session/{pk}/{dk}/ or /sys/{pk}/integration/.
// pk/dk must be non-empty single levels without '+' or '#'. Each operation is recognised only under the
// prefix the spec gives it (combine/* and thing/activate/* under /ext/session, the rest under /sys); anything
// else in a device namespace, including empty levels or a trailing '/', is TopicKind::Unknown. An event id or
// service id is one non-empty level; `.../thing/service/measurepoint/set_reply` is MeasurepointSetReply, not
// a service.
// `/sys/{pk}/integration/<op>` is an integration topic only for the four integration operations; otherwise
// "integration" is taken as a device key.
std::optional<Topic> parse_topic(std::string_view topic) noexcept;

// Formatting of downstream topics: each appends to `out` (reserving once, no other allocation).
void append_reply_topic(std::string_view request_topic, std::string& out);  // request_topic + "_reply"
// /sys/{pk}/{dk}/thing/service/{service_id}
void append_service_topic(std::string_view pk, std::string_view dk, std::string_view service_id,
                          std::string& out);
// /sys/{pk}/{dk}/thing/service/measurepoint/set and .../get
void append_measurepoint_set_topic(std::string_view pk, std::string_view dk, std::string& out);
void append_measurepoint_get_topic(std::string_view pk, std::string_view dk, std::string& out);
// /sys/{pk}/{dk}/thing/model/down_raw
void append_down_raw_topic(std::string_view pk, std::string_view dk, std::string& out);
// /ext/session/{pk}/{dk}/thing/activate/info
void append_activate_info_topic(std::string_view pk, std::string_view dk, std::string& out);
// /ext/session/{gpk}/{gdk}/combine/{op}, op = enable | disable | delete
void append_sub_device_notice_topic(std::string_view gpk, std::string_view gdk, std::string_view op,
                                    std::string& out);

// The namespace a device owns, for ACL: true when the topic (or filter) lies in /sys/{pk}/{dk}/... or
// /ext/session/{pk}/{dk}/... . The prefix must match literally, so '+'/'#' are allowed only in the levels
// after pk/dk (`/sys/pk/dk/#` yes, `/sys/+/dk/#` or `/sys/#` no). False when pk or dk is empty or not a
// single level.
bool in_device_namespace(std::string_view topic_or_filter, std::string_view pk, std::string_view dk) noexcept;
// The same for a message-integration session (securemode 4): /sys/{pk}/integration/... .
bool in_integration_namespace(std::string_view topic_or_filter, std::string_view pk) noexcept;

}  // namespace gridhub::enos
