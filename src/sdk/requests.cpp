// The upstream request builders: each fills the topic suffix, method and params the spec gives (§4.1-4.6).
#include "gridhub/device/requests.hpp"

#include <chrono>

#include "sdk/sign_method.hpp"

namespace gridhub::device {

namespace json = boost::json;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

Request make(RequestKind kind, std::string suffix, std::string method, json::value params, uint8_t qos = 1) {
  Request r;
  r.kind = kind;
  r.topic_suffix = std::move(suffix);
  r.method = std::move(method);
  r.params = std::move(params);
  r.qos = qos;
  return r;
}

// The fields a sub-device sign covers (spec §4.6), then the sign itself.
std::string sub_device_sign(const SubDevice& s, std::string_view client_id, std::string_view timestamp) {
  const std::pair<std::string_view, std::string_view> fields[] = {{"clientId", client_id},
                                                                  {"deviceKey", s.device_key},
                                                                  {"productKey", s.product_key},
                                                                  {"timestamp", timestamp}};
  return enos::sign_fields(detail::to_enos(s.sign_method), fields, s.secret);
}

std::string method_name(SignMethod m) { return std::string(detail::sign_method_name(m)); }

}  // namespace

// --- measure points ---------------------------------------------------------------------------------------
MeasurepointPost& MeasurepointPost::add_measurepoint(std::string_view point, json::value value) {
  points_[point] = std::move(value);
  return *this;
}

MeasurepointPost& MeasurepointPost::add_measurepoint_with_quality(std::string_view point, json::value value,
                                                                  int quality) {
  points_[point] = json::object{{"value", std::move(value)}, {"quality", quality}};
  return *this;
}

MeasurepointPost& MeasurepointPost::set_timestamp(int64_t ms) {
  time_ = ms;
  return *this;
}

MeasurepointPost& MeasurepointPost::set_device(std::string product_key, std::string device_key) {
  product_key_ = std::move(product_key);
  device_key_ = std::move(device_key);
  return *this;
}

json::object MeasurepointPost::to_item() const {
  json::object o;
  if (!product_key_.empty()) o["productKey"] = product_key_;
  if (!device_key_.empty()) o["deviceKey"] = device_key_;
  o["measurepoints"] = points_;
  o["time"] = time_ ? *time_ : now_ms();
  return o;
}

Request MeasurepointPost::build() const {
  const bool resume = kind_ == RequestKind::measurepoint_resume;
  Request r = make(kind_, resume ? "thing/measurepoint/resume" : "thing/measurepoint/post",
                   resume ? "thing.measurepoint.resume" : "thing.measurepoint.post",
                   json::object{{"measurepoints", points_}, {"time", time_ ? *time_ : now_ms()}});
  r.product_key = product_key_;
  r.device_key = device_key_;
  return r;
}

MeasurepointPostBatch& MeasurepointPostBatch::add(const MeasurepointPost& item) {
  items_.push_back(item.to_item());
  return *this;
}
MeasurepointPostBatch& MeasurepointPostBatch::set_allow_offline_sub_device(bool v) {
  allow_offline_ = v;
  return *this;
}
MeasurepointPostBatch& MeasurepointPostBatch::set_skip_invalid_measurepoints(bool v) {
  skip_invalid_ = v;
  return *this;
}

Request MeasurepointPostBatch::build() const {
  const bool resume = kind_ == RequestKind::measurepoint_resume_batch;
  Request r = make(kind_, resume ? "thing/measurepoint/resume/batch" : "thing/measurepoint/post/batch",
                   resume ? "thing.measurepoint.resume.batch" : "thing.measurepoint.post.batch", items_);
  r.extra = {{"allowOfflineSubDevice", allow_offline_}, {"skipInvalidMeasurepoints", skip_invalid_}};
  return r;
}

// --- events -------------------------------------------------------------------------------------------------
EventPost& EventPost::add_value(std::string_view name, json::value value) {
  values_[name] = std::move(value);
  return *this;
}
EventPost& EventPost::set_timestamp(int64_t ms) {
  time_ = ms;
  return *this;
}
EventPost& EventPost::set_device(std::string product_key, std::string device_key) {
  product_key_ = std::move(product_key);
  device_key_ = std::move(device_key);
  return *this;
}
Request EventPost::build() const {
  // QoS 0 like the SDKs: events are fire-and-forget on the wire, the reply still comes.
  Request r = make(RequestKind::event_post, "thing/event/" + event_id_ + "/post", "thing.event." + event_id_ + ".post",
                   json::object{{"events", values_}, {"time", time_ ? *time_ : now_ms()}}, 0);
  r.product_key = product_key_;
  r.device_key = device_key_;
  return r;
}

// --- attributes and tags ------------------------------------------------------------------------------------
AttributeQuery& AttributeQuery::add_attribute(std::string_view name) {
  names_.emplace_back(name);
  return *this;
}
Request AttributeQuery::build() const {
  return make(RequestKind::attribute_query, "thing/attribute/query", "thing.attribute.query",
              json::object{{"attributes", names_}});
}
AttributeUpdate& AttributeUpdate::add_attribute(std::string_view name, json::value value) {
  values_[name] = std::move(value);
  return *this;
}
Request AttributeUpdate::build() const {
  return make(RequestKind::attribute_update, "thing/attribute/update", "thing.attribute.update",
              json::object{{"attributes", values_}});
}
AttributeDelete& AttributeDelete::add_attribute(std::string_view name) {
  names_.emplace_back(name);
  return *this;
}
Request AttributeDelete::build() const {
  return make(RequestKind::attribute_delete, "thing/attribute/delete", "thing.attribute.delete",
              json::object{{"attributes", names_}});
}

TagQuery& TagQuery::add_tag(std::string_view key) {
  keys_.emplace_back(key);
  return *this;
}
Request TagQuery::build() const {
  return make(RequestKind::tag_query, "thing/tag/query", "thing.tag.query", json::object{{"tags", keys_}});
}
TagUpdate& TagUpdate::add_tag(std::string_view key, std::string_view value) {
  tags_.push_back(json::object{{"tagKey", key}, {"tagValue", value}});
  return *this;
}
Request TagUpdate::build() const {
  return make(RequestKind::tag_update, "thing/tag/update", "thing.tag.update", tags_);
}
TagDelete& TagDelete::add_tag(std::string_view key) {
  keys_.emplace_back(key);
  return *this;
}
Request TagDelete::build() const {
  return make(RequestKind::tag_delete, "thing/tag/delete", "thing.tag.delete", json::object{{"tags", keys_}});
}

Request tsl_template_get() {
  return make(RequestKind::tsl_template_get, "thing/tsltemplate/get", "thing.tsltemplate.get", json::object{});
}

Request up_raw(std::string bytes) {
  Request r = make(RequestKind::up_raw, "thing/model/up_raw", "", nullptr);
  r.raw = std::move(bytes);
  return r;
}

// --- gateways and sub-devices ----------------------------------------------------------------------------
DeviceRegister& DeviceRegister::add(std::string_view product_key, std::string_view device_name,
                                    std::string_view timezone, std::string_view device_key) {
  json::object o{{"productKey", product_key},
                 {"deviceName", json::object{{"defaultValue", device_name}, {"i18nValue", json::object{}}}},
                 {"timezone", timezone}};
  if (!device_key.empty()) o["deviceKey"] = device_key;
  items_.push_back(std::move(o));
  return *this;
}
Request DeviceRegister::build() const {
  return make(RequestKind::device_register, "thing/device/register", "thing.device.register", items_);
}

TopoAdd& TopoAdd::add_sub_device(const SubDevice& sub) {
  subs_.push_back(sub);
  return *this;
}
TopoAdd& TopoAdd::set_timestamp(int64_t ms) {
  time_ = ms;
  return *this;
}
Request TopoAdd::build() const {
  const std::string ts = std::to_string(time_ ? *time_ : now_ms());
  json::array items;
  for (const auto& s : subs_) {
    // Python's topo-add clientId: subPk.subDk.{ms} (spec §4.6).
    std::string client_id = s.product_key + "." + s.device_key + "." + ts;
    items.push_back(json::object{{"productKey", s.product_key},
                                 {"deviceKey", s.device_key},
                                 {"clientId", client_id},
                                 {"timestamp", ts},
                                 {"signMethod", method_name(s.sign_method)},
                                 {"sign", sub_device_sign(s, client_id, ts)}});
  }
  return make(RequestKind::topo_add, "thing/topo/add", "thing.topo.add", std::move(items));
}

TopoDelete& TopoDelete::add_sub_device(std::string_view product_key, std::string_view device_key) {
  items_.push_back(json::object{{"productKey", product_key}, {"deviceKey", device_key}});
  return *this;
}
Request TopoDelete::build() const {
  return make(RequestKind::topo_delete, "thing/topo/delete", "thing.topo.delete", items_);
}
Request topo_get() { return make(RequestKind::topo_get, "thing/topo/get", "thing.topo.get", json::object{}); }

SubDeviceLogin& SubDeviceLogin::set_timestamp(int64_t ms) {
  time_ = ms;
  return *this;
}
Request SubDeviceLogin::build() const {
  const std::string ts = std::to_string(time_ ? *time_ : now_ms());
  std::string client_id = sub_.product_key + sub_.device_key + ts;  // Python: pk+dk+ms
  json::object p{{"productKey", sub_.product_key},
                 {"deviceKey", sub_.device_key},
                 {"clientId", client_id},
                 {"timestamp", ts},
                 {"signMethod", method_name(sub_.sign_method)},
                 {"sign", sub_device_sign(sub_, client_id, ts)},
                 {"secureMode", std::to_string(static_cast<int>(sub_.login_mode))},
                 {"cleanSession", "true"}};
  Request r = make(RequestKind::sub_device_login, "combine/login", "combine.login", std::move(p));
  r.session_topic = true;
  return r;
}

SubDeviceLoginBatch& SubDeviceLoginBatch::add_sub_device(const SubDevice& sub) {
  subs_.push_back(sub);
  return *this;
}
SubDeviceLoginBatch& SubDeviceLoginBatch::set_timestamp(int64_t ms) {
  time_ = ms;
  return *this;
}
Request SubDeviceLoginBatch::build() const {
  const std::string ts = std::to_string(time_ ? *time_ : now_ms());
  const std::string client_id = "login.batch";  // one shared clientId/timestamp for every sign (spec §4.6)
  json::array subs;
  SignMethod method = subs_.empty() ? SignMethod::sha256 : subs_.front().sign_method;
  for (const auto& s : subs_) {
    SubDevice signer = s;
    signer.sign_method = method;
    subs.push_back(json::object{{"productKey", s.product_key},
                                {"deviceKey", s.device_key},
                                {"secureMode", std::to_string(static_cast<int>(s.login_mode))},
                                {"sign", sub_device_sign(signer, client_id, ts)}});
  }
  Request r = make(RequestKind::sub_device_login_batch, "combine/login/batch", "combine.login.batch",
                   json::object{{"clientId", client_id},
                                {"timestamp", ts},
                                {"signMethod", method_name(method)},
                                {"subDevices", std::move(subs)}});
  r.session_topic = true;
  return r;
}

Request sub_device_logout(std::string_view product_key, std::string_view device_key) {
  Request r = make(RequestKind::sub_device_logout, "combine/logout", "combine.logout",
                   json::object{{"productKey", product_key}, {"deviceKey", device_key}});
  r.session_topic = true;
  return r;
}

}  // namespace gridhub::device
