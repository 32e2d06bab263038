// Device routes: create (attributes checked against the product's model), get, search, update, delete,
// enable and disable. Disable and delete also close the device's connection at once.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <optional>

#include "api/device_lookup.hpp"
#include "api/envelope.hpp"
#include "api/expression.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// "+08:00" / "-03:30": a fixed offset (no DST).
bool is_offset(std::string_view tz) {
  if (tz.size() != 6 || (tz[0] != '+' && tz[0] != '-') || tz[3] != ':') return false;
  if (!digit(tz[1]) || !digit(tz[2]) || !digit(tz[4]) || !digit(tz[5])) return false;
  const int h = (tz[1] - '0') * 10 + (tz[2] - '0'), m = (tz[4] - '0') * 10 + (tz[5] - '0');
  return h <= 14 && m < 60;
}

// An offset or an IANA name ("Asia/Shanghai", "America/Argentina/Buenos_Aires", "UTC"). Only the syntax is
// checked: the server may run without a tz database.
bool valid_timezone(std::string_view tz) {
  if (is_offset(tz)) return true;
  if (tz.empty() || tz.size() > registry::kMaxTimezoneLength || tz.front() == '/' || tz.back() == '/') return false;
  if (!((tz.front() >= 'A' && tz.front() <= 'Z') || (tz.front() >= 'a' && tz.front() <= 'z'))) return false;
  if (tz.find("..") != std::string_view::npos || tz.find("//") != std::string_view::npos) return false;
  for (char c : tz)
    if (!alnum(c) && c != '/' && c != '_' && c != '-' && c != '+') return false;
  return true;
}

bool valid_device_key(std::string_view dk) {
  if (dk.size() < registry::kMinDeviceKeyLength || dk.size() > registry::kMaxDeviceKeyLength) return false;
  for (char c : dk)
    if (!alnum(c) && c != '_' && c != '-' && c != '.' && c != ':') return false;
  return true;
}

boost::json::object device_view(const registry::Device& d, const registry::Product* p, bool with_secret) {
  boost::json::object o;
  o["orgId"] = d.org_id;
  o["assetId"] = d.asset_id;
  o["productKey"] = d.product_key;
  o["productName"] = p ? boost::json::value(p->name) : boost::json::value(nullptr);
  o["modelId"] = p ? p->model_id : std::string();
  o["deviceKey"] = d.device_key;
  o["deviceName"] = d.name;
  o["deviceDesc"] = d.description;
  if (with_secret) o["deviceSecret"] = d.device_secret;
  o["timezone"] = d.timezone;
  o["dst"] = d.dst;
  o["deviceAttributes"] = d.attributes;
  o["deviceTags"] = d.tags;
  o["status"] = registry::to_string(d.status());
  o["createTime"] = d.create_time;
  o["activeTime"] = d.active_time;
  o["lastOnlineTime"] = d.last_online_time;
  o["lastOfflineTime"] = d.last_offline_time;
  return o;
}

// The body fields of create and update; on update only the fields present change.
bool read_device(const boost::json::object& body, registry::Device& d, bool create, bool& has_attributes,
                 std::string& message) {
  FieldReader f(body);
  f.i18n("deviceName", d.name, create);
  f.string("deviceDesc", d.description, false, registry::kMaxDescriptionBytes);
  const bool has_tz = f.has("timezone");
  f.string("timezone", d.timezone, false, registry::kMaxTimezoneLength);
  const bool has_dst = f.has("dst");
  f.boolean("dst", d.dst);
  const boost::json::object* attrs = nullptr;
  f.object("deviceAttributes", attrs);
  f.tags("deviceTags", d.tags);
  if (!f.ok()) {
    message = f.error();
    return false;
  }
  if (has_tz && !valid_timezone(d.timezone)) {
    message = "timezone must be an offset like +08:00 or an IANA name like Asia/Shanghai";
    return false;
  }
  // EnOS: choosing a city means observing its DST; a fixed offset never does.
  if (has_tz && !has_dst) d.dst = !is_offset(d.timezone);
  has_attributes = attrs != nullptr;
  if (attrs) {
    if (boost::json::serialize(*attrs).size() > registry::kMaxAttributesBytes) {
      message = "deviceAttributes is larger than " + std::to_string(registry::kMaxAttributesBytes) + " bytes";
      return false;
    }
    d.attributes = *attrs;
  }
  return true;
}

// Attributes against the product's model (with its ancestors): each value must fit its attribute, and every
// required attribute must be present. Returns the refusal, or nothing when they pass.
std::optional<ApiResponse> check_attributes(ApiContext& ctx, std::string_view org, const std::string& model_id,
                                            const boost::json::object& attrs) {
  std::string message;
  auto v = ctx.models.validator(ctx.registry, org, model_id, message);
  if (!v) return error(v.error(), Subject::Model, message);
  for (const auto& kv : attrs) {
    if (auto ec = (*v)->check_attribute(kv.key(), kv.value(), message))
      return error(ec, Subject::Device, "deviceAttributes: " + message);
  }
  for (const auto& [id, e] : (*v)->model().attributes)
    if (e.required && !attrs.contains(id))
      return error(errc::invalid_param, "deviceAttributes." + id + " is required by model " + model_id);
  return std::nullopt;
}

ApiResponse device_error(const boost::system::error_code& ec, const registry::Device& d) {
  if (ec == registry::errc::already_exists)
    return error(ec, Subject::Device, "deviceKey " + d.device_key + " already exists in product " + d.product_key);
  if (ec == registry::errc::limit_exceeded)
    return error(ec, Subject::Device,
                 "product " + d.product_key + " already has " + std::to_string(registry::kMaxDevicesPerProduct) +
                     " devices");
  if (ec == registry::errc::product_not_found || ec == registry::errc::not_found)
    return error(ec, Subject::Device, "product " + d.product_key + " not found");
  return error(ec, Subject::Device, "device: " + ec.message());
}

}  // namespace

ApiResponse device_create(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  registry::Device d;
  FieldReader f(body);
  f.string("productKey", d.product_key, true, registry::kMaxFilterBytes);
  f.string("deviceKey", d.device_key, false, registry::kMaxDeviceKeyLength + 1);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  if (!d.device_key.empty() && !valid_device_key(d.device_key))
    return error(errc::invalid_param, "deviceKey must be " + std::to_string(registry::kMinDeviceKeyLength) + ".." +
                                          std::to_string(registry::kMaxDeviceKeyLength) +
                                          " characters of letters, digits, _ - . :");
  bool has_attributes = false;
  if (!read_device(body, d, true, has_attributes, message)) return error(errc::invalid_param, message);
  auto product = ctx.registry.get_product(call.org_id, d.product_key);
  if (!product) return error(product.error(), Subject::Product, "product " + d.product_key + " not found");
  if (auto refused = check_attributes(ctx, call.org_id, product->model_id, d.attributes)) return std::move(*refused);
  d.org_id = call.org_id;
  d.create_time = ctx.now_ms();
  auto created = ctx.registry.create_device(d);
  if (!created) return device_error(created.error(), d);
  return ok(boost::json::object{{"assetId", created->asset_id},
                                {"productKey", created->product_key},
                                {"deviceKey", created->device_key},
                                {"deviceSecret", created->device_secret}});
}

ApiResponse device_get(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  auto p = ctx.registry.get_product(call.org_id, d->product_key);
  // Read-only callers (viewers, read-only applications) see everything but the secret.
  return ok(device_view(*d, p ? &*p : nullptr, call.caller.can_write()));
}

ApiResponse device_search(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  registry::Page page;
  if (!read_page(body, page, message)) return error(errc::invalid_param, message);
  registry::DeviceFilter filter;
  std::string expression;
  FieldReader f(body);
  f.string("productKey", filter.product_key, false, registry::kMaxFilterBytes);
  f.string("deviceKey", filter.device_key, false, registry::kMaxFilterBytes);
  f.string("assetId", filter.asset_id, false, registry::kMaxFilterBytes);
  f.string("modelId", filter.model_id, false, registry::kMaxFilterBytes);
  f.string("status", filter.status, false, registry::kMaxFilterBytes);
  f.string("deviceName", filter.name_like, false, registry::kMaxFilterBytes);
  f.string("expression", expression, false, kMaxExpressionBytes);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  std::vector<Condition> conditions;
  if (!parse_expression(expression, conditions, message)) return error(errc::invalid_param, message);
  for (const auto& c : conditions) {
    std::string* target = c.field == "productKey"  ? &filter.product_key
                          : c.field == "deviceKey" ? &filter.device_key
                          : c.field == "assetId"   ? &filter.asset_id
                          : c.field == "modelId"   ? &filter.model_id
                          : c.field == "status"    ? &filter.status
                          : c.field == "deviceName" || c.field == "deviceName.defaultValue" ? &filter.name_like
                                                                                             : nullptr;
    if (!target) return error(errc::invalid_param, "expression: cannot search devices by " + c.field);
    const bool name = target == &filter.name_like;
    if (c.op == Condition::Op::In || (c.op == Condition::Op::Like && !name))
      return error(errc::invalid_param, "expression: " + c.field + (name ? " takes = or like" : " takes ="));
    *target = c.values.front();
  }
  if (!filter.status.empty() && filter.status != "inactive" && filter.status != "online" &&
      filter.status != "offline" && filter.status != "disable")
    return error(errc::invalid_param, "status must be inactive, online, offline or disable");
  auto r = ctx.registry.search_devices(call.org_id, filter, page);
  // Search results leave the secret out; get shows it.
  std::map<std::string, std::optional<registry::Product>, std::less<>> products;
  boost::json::array data;
  for (const auto& d : r.items) {
    auto it = products.find(d.product_key);
    if (it == products.end()) {
      auto p = ctx.registry.get_product(call.org_id, d.product_key);
      it = products.emplace(d.product_key, p ? std::optional<registry::Product>(std::move(*p)) : std::nullopt).first;
    }
    data.push_back(device_view(d, it->second ? &*it->second : nullptr, false));
  }
  return ok_page(std::move(data), page.page_no, page.page_size, r.total);
}

ApiResponse device_update(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  bool patch = false;
  if (!query_bool(call.query, "isPatchUpdate", patch, message)) return error(errc::invalid_param, message);
  FieldReader f(body);
  f.boolean("isPatchUpdate", patch);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  const boost::json::object old_attributes = d->attributes;
  bool has_attributes = false;
  if (!read_device(body, *d, false, has_attributes, message)) return error(errc::invalid_param, message);
  if (has_attributes) {
    // isPatchUpdate merges into the stored attributes; otherwise the map is replaced as a whole.
    if (patch) {
      boost::json::object merged = old_attributes;
      for (const auto& kv : d->attributes) merged[kv.key()] = kv.value();
      d->attributes = std::move(merged);
    }
    auto product = ctx.registry.get_product(call.org_id, d->product_key);
    if (!product) return error(product.error(), Subject::Product, "product " + d->product_key + " not found");
    if (auto refused = check_attributes(ctx, call.org_id, product->model_id, d->attributes))
      return std::move(*refused);
  }
  auto updated = ctx.registry.update_device(*d);
  if (!updated) return device_error(updated.error(), *d);
  auto p = ctx.registry.get_product(call.org_id, updated->product_key);
  return ok(device_view(*updated, p ? &*p : nullptr, call.caller.can_write()));
}

ApiResponse device_delete(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  auto gateway = ctx.registry.get_gateway(call.org_id, d->product_key, d->device_key);  // the link goes with it
  if (auto r = ctx.registry.delete_device(call.org_id, d->product_key, d->device_key); !r)
    return error(r.error(), Subject::Device, "device: " + r.error().message());
  // A deleted device must not keep talking on an open connection, nor leave its latest values behind; its
  // gateway hears of it (spec §4.2 combine/delete).
  if (gateway) ctx.hub.notify_gateway(gateway->gateway_product_key, gateway->gateway_device_key, "delete",
                                      d->product_key, d->device_key);
  ctx.hub.kick(d->product_key, d->device_key);
  ctx.store.forget_asset(d->asset_id);
  return ok(nullptr);
}

namespace {
ApiResponse set_enabled(ApiContext& ctx, const ApiCall& call, bool enabled) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  if (auto r = ctx.registry.set_device_enabled(call.org_id, d->product_key, d->device_key, enabled, ctx.now_ms()); !r)
    return error(r.error(), Subject::Device, "device: " + r.error().message());
  // A sub-device's gateway hears of it (spec §4.2 combine/enable, combine/disable), before the kick logs the
  // sub-device out of it.
  if (auto gateway = ctx.registry.get_gateway(call.org_id, d->product_key, d->device_key))
    ctx.hub.notify_gateway(gateway->gateway_product_key, gateway->gateway_device_key, enabled ? "enable" : "disable",
                           d->product_key, d->device_key);
  if (!enabled) ctx.hub.kick(d->product_key, d->device_key);
  return ok(nullptr);
}
}  // namespace

ApiResponse device_enable(ApiContext& ctx, const ApiCall& call) { return set_enabled(ctx, call, true); }
ApiResponse device_disable(ApiContext& ctx, const ApiCall& call) { return set_enabled(ctx, call, false); }

}  // namespace gridhub::api
