// /connect-service/v2.1/device-topos: a gateway's sub-devices from the cloud side (EnOS "Gateway and
// Sub-Device": addSubDevice, removeSubDevice, searchSubDevice, getGateway). Devices are DeviceIdentifier
// structs: {"assetId"} or {"productKey","deviceKey"}.
#include <boost/json.hpp>

#include "api/device_lookup.hpp"
#include "api/envelope.hpp"
#include "api/json_fields.hpp"
#include "api/routes.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

constexpr int kNotGateway = 11738;           // EnOS: the device given as gateway is not a gateway
constexpr int kTooManySubDevices = 11739;    // EnOS: the gateway's sub-devices would exceed the limit
constexpr int kBelongsToAnotherGateway = 11740;  // Gridhub: a sub-device already has another gateway

// A DeviceIdentifier struct of the body, found in the caller's OU.
boost::system::result<registry::Device> find_identified(ApiContext& ctx, const ApiCall& call,
                                                        const boost::json::value* v, std::string& message) {
  const auto* o = v ? v->if_object() : nullptr;
  auto text = [&](std::string_view key) -> std::string_view {
    if (!o) return {};
    auto it = o->find(key);
    return it != o->end() && it->value().is_string() ? std::string_view(it->value().get_string()) : std::string_view();
  };
  if (!text("assetId").empty()) {
    auto d = ctx.registry.get_device_by_asset(call.org_id, text("assetId"));
    if (!d) message = "device with assetId " + std::string(text("assetId")) + " not found";
    return d;
  }
  if (!text("productKey").empty() && !text("deviceKey").empty()) {
    auto d = ctx.registry.get_device(call.org_id, text("productKey"), text("deviceKey"));
    if (!d) message = "device " + std::string(text("productKey")) + "/" + std::string(text("deviceKey")) + " not found";
    return d;
  }
  message = "a device is given by assetId, or productKey and deviceKey";
  return make_error_code(errc::invalid_param);
}

// The body's gateway and subDevices; an error response when something is missing or unknown.
struct TopoChange {
  registry::Device gateway;
  std::vector<std::pair<std::string, std::string>> subs;
};
std::optional<ApiResponse> read_change(ApiContext& ctx, const ApiCall& call, TopoChange& out) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  auto gateway = find_identified(ctx, call, body.if_contains("gateway"), message);
  if (!gateway) return error(gateway.error(), Subject::Device, "gateway: " + message);
  out.gateway = std::move(*gateway);
  const auto* subs = body.if_contains("subDevices");
  if (!subs || !subs->is_array() || subs->get_array().empty())
    return error(errc::invalid_param, "subDevices must be a non-empty array of device identifiers");
  if (subs->get_array().size() > static_cast<std::size_t>(registry::kMaxSubDevicesPerGateway))
    return error(errc::invalid_param, "too many subDevices in one call");
  for (const auto& s : subs->get_array()) {
    auto sub = find_identified(ctx, call, &s, message);
    if (!sub) return error(sub.error(), Subject::Device, "subDevices: " + message);
    out.subs.emplace_back(sub->product_key, sub->device_key);
  }
  return std::nullopt;
}

boost::json::object identifier(std::string_view asset, std::string_view pk, std::string_view dk) {
  return {{"assetId", asset}, {"productKey", pk}, {"deviceKey", dk}};
}

}  // namespace

ApiResponse topology_add_sub_devices(ApiContext& ctx, const ApiCall& call) {
  TopoChange change;
  if (auto refused = read_change(ctx, call, change)) return std::move(*refused);
  const auto& g = change.gateway;
  auto r = ctx.registry.add_sub_devices(call.org_id, g.product_key, g.device_key, change.subs, ctx.now_ms());
  if (!r) {
    if (r.error() == registry::errc::invalid_argument)
      return service_answer(kNotGateway, "Not Gateway: " + g.product_key + "/" + g.device_key +
                                             " is not a gateway, or a sub-device is the gateway itself", nullptr);
    if (r.error() == registry::errc::limit_exceeded)
      return service_answer(kTooManySubDevices, "Exceed max device size: a gateway has at most " +
                                                    std::to_string(registry::kMaxSubDevicesPerGateway) + " sub-devices",
                            nullptr);
    if (r.error() == registry::errc::in_use)
      return service_answer(kBelongsToAnotherGateway, "a sub-device belongs to another gateway", nullptr);
    return error(r.error(), Subject::Device, r.error().message());
  }
  return ok(nullptr);
}

ApiResponse topology_remove_sub_devices(ApiContext& ctx, const ApiCall& call) {
  TopoChange change;
  if (auto refused = read_change(ctx, call, change)) return std::move(*refused);
  const auto& g = change.gateway;
  if (auto r = ctx.registry.remove_sub_devices(call.org_id, g.product_key, g.device_key, change.subs); !r)
    return error(r.error(), Subject::Device, r.error().message());
  // Sub-devices that were logged in through the gateway stop speaking through it.
  for (const auto& [pk, dk] : change.subs) ctx.hub.kick_sub_device(g.product_key, g.device_key, pk, dk);
  return ok(nullptr);
}

ApiResponse topology_search_sub_devices(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  auto gateway = find_identified(ctx, call, body.if_contains("gateway"), message);
  if (!gateway) return error(gateway.error(), Subject::Device, "gateway: " + message);
  registry::Page page;
  if (!read_page(body, page, message)) return error(errc::invalid_param, message);
  auto links = ctx.registry.list_sub_devices(call.org_id, gateway->product_key, gateway->device_key, page);
  if (!links) return error(links.error(), Subject::Device, links.error().message());
  boost::json::array out;
  for (const auto& l : links->items) {
    auto o = identifier(l.sub_asset_id, l.sub_product_key, l.sub_device_key);
    o["online"] = ctx.hub.is_online(l.sub_product_key, l.sub_device_key);
    o["createTime"] = l.create_time;
    out.push_back(std::move(o));
  }
  return ok_page(std::move(out), page.page_no, page.page_size, links->total);
}

ApiResponse topology_get_gateway(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  auto link = ctx.registry.get_gateway(call.org_id, d->product_key, d->device_key);
  if (!link) {
    if (link.error() == registry::errc::not_found) return ok(nullptr);  // a device without a gateway
    return error(link.error(), Subject::Device, link.error().message());
  }
  auto o = identifier(link->gateway_asset_id, link->gateway_product_key, link->gateway_device_key);
  o["online"] = ctx.hub.is_online(link->gateway_product_key, link->gateway_device_key);
  return ok(std::move(o));
}

}  // namespace gridhub::api
