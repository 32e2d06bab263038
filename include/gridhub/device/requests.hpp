// Builders for every upstream request of the protocol (spec §4.1, §4.3, §4.6), named as in the EnOS Python
// SDK (MeasurepointPostRequest.builder().add_measurepoint(...)...). build() never fails: the hub validates
// the content and answers with a code (1204 for a point the model does not know, ...).
#pragma once
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridhub/device/message.hpp"
#include "gridhub/device/options.hpp"

namespace gridhub::device {

// Milliseconds since the Unix epoch, the protocol's time.
int64_t now_ms();

// Measure points of one device at one time: `measurepoint/post` (live) or `measurepoint/resume` (history).
class MeasurepointPost {
 public:
  MeasurepointPost() : MeasurepointPost(RequestKind::measurepoint_post) {}
  MeasurepointPost& add_measurepoint(std::string_view point, boost::json::value value);
  // {"value": v, "quality": q} for points with hasQuality.
  MeasurepointPost& add_measurepoint_with_quality(std::string_view point, boost::json::value value, int quality);
  // Default: the time build() runs.
  MeasurepointPost& set_timestamp(int64_t ms);
  // A sub-device's keys (gateway traffic); default: the client's device.
  MeasurepointPost& set_device(std::string product_key, std::string device_key);
  bool empty() const { return points_.empty(); }
  Request build() const;
  // The element of a batch: {"productKey"?, "deviceKey"?, "measurepoints", "time"}.
  boost::json::object to_item() const;

 protected:
  explicit MeasurepointPost(RequestKind kind) : kind_(kind) {}

 private:
  RequestKind kind_;
  boost::json::object points_;
  std::optional<int64_t> time_;
  std::string product_key_, device_key_;
};

// Historical values (the offline cache of a device): stored with their own timestamps, no alerts.
class MeasurepointResume : public MeasurepointPost {
 public:
  MeasurepointResume() : MeasurepointPost(RequestKind::measurepoint_resume) {}
};

// Several devices (a gateway and its sub-devices) or several times in one message.
class MeasurepointPostBatch {
 public:
  MeasurepointPostBatch() : MeasurepointPostBatch(RequestKind::measurepoint_post_batch) {}
  MeasurepointPostBatch& add(const MeasurepointPost& item);
  MeasurepointPostBatch& set_allow_offline_sub_device(bool v);
  MeasurepointPostBatch& set_skip_invalid_measurepoints(bool v);
  Request build() const;

 protected:
  explicit MeasurepointPostBatch(RequestKind kind) : kind_(kind) {}

 private:
  RequestKind kind_;
  boost::json::array items_;
  bool allow_offline_ = false, skip_invalid_ = false;
};

class MeasurepointResumeBatch : public MeasurepointPostBatch {
 public:
  MeasurepointResumeBatch() : MeasurepointPostBatch(RequestKind::measurepoint_resume_batch) {}
};

// `thing/event/{eventId}/post`, QoS 0 as the SDKs.
class EventPost {
 public:
  explicit EventPost(std::string event_id) : event_id_(std::move(event_id)) {}
  EventPost& add_value(std::string_view name, boost::json::value value);
  EventPost& set_timestamp(int64_t ms);
  EventPost& set_device(std::string product_key, std::string device_key);
  Request build() const;

 private:
  std::string event_id_;
  boost::json::object values_;
  std::optional<int64_t> time_;
  std::string product_key_, device_key_;
};

// Attributes: query (no names = all), update, delete.
class AttributeQuery {
 public:
  AttributeQuery& add_attribute(std::string_view name);
  Request build() const;

 private:
  boost::json::array names_;
};
class AttributeUpdate {
 public:
  AttributeUpdate& add_attribute(std::string_view name, boost::json::value value);
  Request build() const;

 private:
  boost::json::object values_;
};
class AttributeDelete {
 public:
  AttributeDelete& add_attribute(std::string_view name);
  Request build() const;

 private:
  boost::json::array names_;
};

// Tags: query (no keys = all), update, delete.
class TagQuery {
 public:
  TagQuery& add_tag(std::string_view key);
  Request build() const;

 private:
  boost::json::array keys_;
};
class TagUpdate {
 public:
  TagUpdate& add_tag(std::string_view key, std::string_view value);
  Request build() const;

 private:
  boost::json::array tags_;
};
class TagDelete {
 public:
  TagDelete& add_tag(std::string_view key);
  Request build() const;

 private:
  boost::json::array keys_;
};

// `thing/tsltemplate/get`: the device's thing model.
Request tsl_template_get();

// `thing/model/up_raw`: opaque bytes; the reply is whatever bytes the hub sends on up_raw_reply.
Request up_raw(std::string bytes);

// A sub-device as a gateway names it: keys, its secret (or its product secret for dynamic activation), and
// the digest of its signs.
struct SubDevice {
  std::string product_key;
  std::string device_key;
  std::string secret;
  SignMethod sign_method = SignMethod::sha256;
  LoginMode login_mode = LoginMode::device_secret;
};

// Registers new sub-devices under the gateway (`thing/device/register`); the reply carries their secrets.
class DeviceRegister {
 public:
  DeviceRegister& add(std::string_view product_key, std::string_view device_name,
                      std::string_view timezone = "+08:00", std::string_view device_key = {});
  Request build() const;

 private:
  boost::json::array items_;
};

// Topology: add (signed with each sub-device's secret), delete, get.
class TopoAdd {
 public:
  TopoAdd& add_sub_device(const SubDevice& sub);
  TopoAdd& set_timestamp(int64_t ms);  // default: now (the signs cover it)
  Request build() const;

 private:
  std::vector<SubDevice> subs_;
  std::optional<int64_t> time_;
};
class TopoDelete {
 public:
  TopoDelete& add_sub_device(std::string_view product_key, std::string_view device_key);
  Request build() const;

 private:
  boost::json::array items_;
};
Request topo_get();

// `/ext/session/{gpk}/{gdk}/combine/login`: one sub-device comes online through the gateway.
class SubDeviceLogin {
 public:
  explicit SubDeviceLogin(SubDevice sub) : sub_(std::move(sub)) {}
  SubDeviceLogin& set_timestamp(int64_t ms);
  Request build() const;

 private:
  SubDevice sub_;
  std::optional<int64_t> time_;
};
class SubDeviceLoginBatch {
 public:
  SubDeviceLoginBatch& add_sub_device(const SubDevice& sub);
  SubDeviceLoginBatch& set_timestamp(int64_t ms);
  Request build() const;

 private:
  std::vector<SubDevice> subs_;
  std::optional<int64_t> time_;
};
Request sub_device_logout(std::string_view product_key, std::string_view device_key);

}  // namespace gridhub::device
