// EnOS topic parsing and formatting on string views: one table of the fixed operations plus the two patterns
// that carry an identifier (event post, service reply).
#include "enos/topic.hpp"

#include <initializer_list>

namespace gridhub::enos {

namespace {

using K = TopicKind;

constexpr std::string_view kSys = "/sys/";
constexpr std::string_view kSession = "/ext/session/";
constexpr std::string_view kIntegration = "integration";
constexpr std::string_view kReplySuffix = "_reply";
constexpr std::string_view kEventPrefix = "thing/event/";
constexpr std::string_view kEventSuffix = "/post";
constexpr std::string_view kServicePrefix = "thing/service/";

enum class Root : uint8_t { Sys, Session };

struct Route {
  Root root;
  std::string_view rest;  // the levels after /{pk}/{dk}/
  TopicKind kind;
};

// Most frequent first: a fleet's traffic is almost all measure-point posts. A mismatch costs one length
// compare.
constexpr Route kRoutes[] = {
    {Root::Sys, "thing/measurepoint/post", K::MeasurepointPost},
    {Root::Sys, "thing/measurepoint/post/batch", K::MeasurepointPostBatch},
    {Root::Sys, "thing/measurepoint/resume", K::MeasurepointResume},
    {Root::Sys, "thing/measurepoint/resume/batch", K::MeasurepointResumeBatch},
    {Root::Sys, "thing/attribute/query", K::AttributeQuery},
    {Root::Sys, "thing/attribute/update", K::AttributeUpdate},
    {Root::Sys, "thing/attribute/delete", K::AttributeDelete},
    {Root::Sys, "thing/tag/query", K::TagQuery},
    {Root::Sys, "thing/tag/update", K::TagUpdate},
    {Root::Sys, "thing/tag/delete", K::TagDelete},
    {Root::Sys, "thing/tsltemplate/get", K::TslTemplateGet},
    {Root::Sys, "thing/model/up_raw", K::ModelUpRaw},
    {Root::Sys, "thing/device/register", K::DeviceRegister},
    {Root::Sys, "thing/topo/add", K::TopoAdd},
    {Root::Sys, "thing/topo/delete", K::TopoDelete},
    {Root::Sys, "thing/topo/get", K::TopoGet},
    {Root::Session, "combine/login", K::SubDeviceLogin},
    {Root::Session, "combine/login/batch", K::SubDeviceLoginBatch},
    {Root::Session, "combine/logout", K::SubDeviceLogout},
    {Root::Sys, "ota/device/inform", K::OtaInform},
    {Root::Sys, "ota/device/progress", K::OtaProgress},
    {Root::Sys, "ota/device/getversion", K::OtaGetVersion},
    {Root::Sys, "ota/device/request", K::OtaRequest},
    {Root::Sys, "thing/log/post", K::LogPost},
    {Root::Sys, "network/status/report", K::NetworkStatusReport},
    {Root::Sys, "connection/state/post", K::ConnectionStatePost},
    // Replies to downstream commands. The measure-point ones come before the generic service pattern, which
    // would not match them anyway ("measurepoint/set" is two levels).
    {Root::Sys, "thing/service/measurepoint/set_reply", K::MeasurepointSetReply},
    {Root::Sys, "thing/service/measurepoint/get_reply", K::MeasurepointGetReply},
    {Root::Sys, "thing/model/down_raw_reply", K::ModelDownRawReply},
    {Root::Sys, "ota/device/upgrade_reply", K::OtaUpgradeReply},
    {Root::Session, "thing/activate/info_reply", K::ActivateInfoReply},
    {Root::Session, "combine/enable_reply", K::SubDeviceEnableReply},
    {Root::Session, "combine/disable_reply", K::SubDeviceDisableReply},
    {Root::Session, "combine/delete_reply", K::SubDeviceDeleteReply},
};

struct IntegrationRoute {
  std::string_view rest;  // the levels after /sys/{pk}/integration/
  TopicKind kind;
};

constexpr IntegrationRoute kIntegrationRoutes[] = {
    {"measurepoint/post", K::IntegrationMeasurepointPost},
    {"event/post", K::IntegrationEventPost},
    {"attribute/post", K::IntegrationAttributePost},
    {"model/up_raw", K::IntegrationUpRaw},
};

// One non-empty topic level that is not a wildcard: a product key, device key, event id or service id.
bool is_single_level(std::string_view s) noexcept {
  return !s.empty() && s.find_first_of("/+#") == std::string_view::npos;
}

// `rest` = "<prefix><identifier><suffix>" with a single-level identifier: returns the identifier, else empty.
std::string_view identifier_between(std::string_view rest, std::string_view prefix,
                                    std::string_view suffix) noexcept {
  if (rest.size() <= prefix.size() + suffix.size() || !rest.starts_with(prefix) || !rest.ends_with(suffix))
    return {};
  std::string_view id = rest.substr(prefix.size(), rest.size() - prefix.size() - suffix.size());
  return is_single_level(id) ? id : std::string_view();
}

TopicKind match_device_operation(Root root, std::string_view rest, std::string_view& identifier) noexcept {
  for (const Route& r : kRoutes)
    if (r.root == root && r.rest == rest) return r.kind;
  if (root != Root::Sys) return K::Unknown;
  if (auto id = identifier_between(rest, kEventPrefix, kEventSuffix); !id.empty()) {
    identifier = id;
    return K::EventPost;
  }
  if (auto id = identifier_between(rest, kServicePrefix, kReplySuffix); !id.empty()) {
    identifier = id;
    return K::ServiceInvocationReply;
  }
  return K::Unknown;
}

// Consumes "<level>/" from the front of `s`; empty when `s` has no '/' or the level is not a valid key.
std::string_view take_key(std::string_view& s) noexcept {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) return {};
  std::string_view key = s.substr(0, slash);
  if (!is_single_level(key)) return {};
  s.remove_prefix(slash + 1);
  return key;
}

void append_all(std::string& out, std::initializer_list<std::string_view> parts) {
  std::size_t n = out.size();
  for (auto p : parts) n += p.size();
  out.reserve(n);
  for (auto p : parts) out.append(p);
}

// `t` starts with "<root><first>/<second>/".
bool under(std::string_view t, std::string_view root, std::string_view first,
           std::string_view second) noexcept {
  if (!t.starts_with(root)) return false;
  t.remove_prefix(root.size());
  if (!t.starts_with(first) || t.size() <= first.size() || t[first.size()] != '/') return false;
  t.remove_prefix(first.size() + 1);
  return t.starts_with(second) && t.size() > second.size() && t[second.size()] == '/';
}

}  // namespace

std::optional<Topic> parse_topic(std::string_view topic) noexcept {
  Root root;
  if (topic.starts_with(kSys)) {
    root = Root::Sys;
    topic.remove_prefix(kSys.size());
  } else if (topic.starts_with(kSession)) {
    root = Root::Session;
    topic.remove_prefix(kSession.size());
  } else {
    return std::nullopt;
  }
  Topic out;
  out.product_key = take_key(topic);
  if (out.product_key.empty()) return std::nullopt;
  out.device_key = take_key(topic);
  if (out.device_key.empty()) return std::nullopt;
  // `topic` is now the operation part, possibly empty ("/sys/pk/dk/").
  if (root == Root::Sys && out.device_key == kIntegration) {
    for (const IntegrationRoute& r : kIntegrationRoutes) {
      if (r.rest == topic) {
        out.kind = r.kind;
        out.device_key = {};
        return out;
      }
    }
  }
  out.kind = match_device_operation(root, topic, out.identifier);
  return out;
}

void append_reply_topic(std::string_view request_topic, std::string& out) {
  append_all(out, {request_topic, kReplySuffix});
}

void append_service_topic(std::string_view pk, std::string_view dk, std::string_view service_id,
                          std::string& out) {
  append_all(out, {kSys, pk, "/", dk, "/", kServicePrefix, service_id});
}

void append_measurepoint_set_topic(std::string_view pk, std::string_view dk, std::string& out) {
  append_all(out, {kSys, pk, "/", dk, "/thing/service/measurepoint/set"});
}

void append_measurepoint_get_topic(std::string_view pk, std::string_view dk, std::string& out) {
  append_all(out, {kSys, pk, "/", dk, "/thing/service/measurepoint/get"});
}

void append_down_raw_topic(std::string_view pk, std::string_view dk, std::string& out) {
  append_all(out, {kSys, pk, "/", dk, "/thing/model/down_raw"});
}

void append_activate_info_topic(std::string_view pk, std::string_view dk, std::string& out) {
  append_all(out, {kSession, pk, "/", dk, "/thing/activate/info"});
}

void append_sub_device_notice_topic(std::string_view gpk, std::string_view gdk, std::string_view op,
                                    std::string& out) {
  append_all(out, {kSession, gpk, "/", gdk, "/combine/", op});
}

bool in_device_namespace(std::string_view topic_or_filter, std::string_view pk,
                         std::string_view dk) noexcept {
  if (!is_single_level(pk) || !is_single_level(dk)) return false;
  return under(topic_or_filter, kSys, pk, dk) || under(topic_or_filter, kSession, pk, dk);
}

bool in_integration_namespace(std::string_view topic_or_filter, std::string_view pk) noexcept {
  return is_single_level(pk) && under(topic_or_filter, kSys, pk, kIntegration);
}

}  // namespace gridhub::enos
