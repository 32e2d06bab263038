// A gateway's topology and sub-device registration (spec §4.6): thing/topo/add (each entry signed with the
// sub-device's secret), topo/delete, topo/get and thing/device/register. Only gateway products may use them.
#include <boost/json.hpp>

#include "enos/login.hpp"
#include "hub/handler.hpp"
#include "hub/limits.hpp"
#include "hub/sub_device_login.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::hub {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

bool is_gateway(const HandlerContext& ctx) { return ctx.product && ctx.product->product.node_type == "Gateway"; }

Outcome not_a_gateway() { return Outcome::error(enos::kParseError, "the device is not a gateway"); }

std::string_view string_field(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string_view(it->value().get_string()) : std::string_view();
}

Outcome registry_error(boost::system::error_code ec, std::string_view what) {
  using registry::errc;
  if (ec == errc::not_found || ec == errc::product_not_found)
    return Outcome::error(enos::kDeviceNotExist, std::string(what) + ": device does not exist");
  if (ec == errc::in_use) return Outcome::error(enos::kParamError, std::string(what) + ": belongs to another gateway");
  if (ec == errc::limit_exceeded)
    return Outcome::error(enos::kParamError, std::string(what) + ": the gateway's topology is full (" +
                                                 std::to_string(registry::kMaxSubDevicesPerGateway) + " sub-devices)");
  if (ec == errc::invalid_argument || ec == errc::already_exists)
    return Outcome::error(enos::kParamError, std::string(what) + ": " + ec.message());
  return Outcome::error(enos::kInternalError, std::string(what) + ": " + ec.message());
}

// [{"productKey","deviceKey",...}] -> pairs; an error outcome when malformed.
bool read_pairs(const boost::json::value& params, Pairs& out, Outcome& error) {
  if (!params.is_array()) {
    error = Outcome::error(enos::kParamError, "params must be an array");
    return false;
  }
  if (params.get_array().size() > static_cast<std::size_t>(registry::kMaxSubDevicesPerGateway)) {
    error = Outcome::error(enos::kParamError, "too many sub-devices in one request");
    return false;
  }
  for (const auto& e : params.get_array()) {
    const auto* o = e.if_object();
    std::string_view pk = o ? string_field(*o, "productKey") : std::string_view();
    std::string_view dk = o ? string_field(*o, "deviceKey") : std::string_view();
    if (pk.empty() || dk.empty()) {
      error = Outcome::error(enos::kParamError, "each entry needs productKey and deviceKey");
      return false;
    }
    out.emplace_back(pk, dk);
  }
  return true;
}

}  // namespace

Outcome handle_topo_add(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  if (!is_gateway(ctx)) return not_a_gateway();
  Pairs pairs;
  Outcome bad;
  if (!read_pairs(req.params, pairs, bad)) return bad;
  // Each entry proves the gateway knows the sub-device's secret (spec §4.6: sign over clientId, deviceKey,
  // productKey, timestamp).
  const auto& entries = req.params.get_array();
  for (const auto& e : entries) {
    const SubLoginRequest r = read_sub_login(e.get_object());  // the same fields a sub-device login signs
    const std::string what = "sub-device " + std::string(r.product_key) + "/" + std::string(r.device_key);
    const DeviceEntry* sub = ctx.snapshot.find_device(r.product_key, r.device_key);
    if (!sub || sub->org_id != ctx.device.org_id) return Outcome::error(enos::kDeviceNotExist, what + ": device does not exist");
    auto method = enos::parse_sign_method(r.sign_method);
    if (!method || r.client_id.empty() || r.timestamp.empty() || r.sign.empty())
      return Outcome::error(enos::kParamError, what + ": clientId, timestamp, signMethod and sign are required");
    if (!enos::verify_sign(*method, r.client_id, r.device_key, r.product_key, r.timestamp, sub->device_secret, r.sign))
      return Outcome::error(enos::kAuthFailed, what + ": sign mismatch");
  }
  if (auto r = ctx.registry.add_sub_devices(ctx.device.org_id, ctx.device.product_key, ctx.device.device_key, pairs,
                                            ctx.now_ms);
      !r)
    return registry_error(r.error(), "topo add");
  return {};
}

Outcome handle_topo_delete(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  if (!is_gateway(ctx)) return not_a_gateway();
  Pairs pairs;
  Outcome bad;
  if (!read_pairs(req.params, pairs, bad)) return bad;
  if (auto r = ctx.registry.remove_sub_devices(ctx.device.org_id, ctx.device.product_key, ctx.device.device_key,
                                               pairs);
      !r)
    return registry_error(r.error(), "topo delete");
  return {};
}

Outcome handle_topo_get(const HandlerContext& ctx, const enos::Topic&, const enos::Request&) {
  if (!is_gateway(ctx)) return not_a_gateway();
  boost::json::array subs;
  for (int page = 1;; ++page) {
    auto links = ctx.registry.list_sub_devices(ctx.device.org_id, ctx.device.product_key, ctx.device.device_key,
                                               registry::Page{page, registry::kMaxPageSize});
    if (!links) return registry_error(links.error(), "topo get");
    for (const auto& l : links->items)
      subs.push_back(boost::json::object{{"productKey", l.sub_product_key}, {"deviceKey", l.sub_device_key}});
    if (links->items.empty() || static_cast<int64_t>(subs.size()) >= links->total) break;
  }
  Outcome out;
  out.data = boost::json::serialize(subs);
  return out;
}

Outcome handle_device_register(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  if (!is_gateway(ctx)) return not_a_gateway();
  if (!req.params.is_array()) return Outcome::error(enos::kParamError, "params must be an array");
  const auto& entries = req.params.get_array();
  if (entries.size() > kMaxRegisterEntries)
    return Outcome::error(enos::kParamError, "at most " + std::to_string(kMaxRegisterEntries) + " devices per request");
  // Check every entry before creating any, so a typo does not leave half a batch behind.
  std::vector<registry::Device> devices;
  for (const auto& e : entries) {
    const auto* o = e.if_object();
    if (!o) return Outcome::error(enos::kParamError, "each entry must be an object");
    registry::Device d;
    d.org_id = ctx.device.org_id;
    d.product_key = std::string(string_field(*o, "productKey"));
    d.device_key = std::string(string_field(*o, "deviceKey"));
    const ProductEntry* product = ctx.snapshot.find_product(d.product_key);
    if (d.product_key.empty() || !product || product->product.org_id != ctx.device.org_id)
      return Outcome::error(enos::kParamError, "product [" + d.product_key + "] does not exist");
    if (auto name = o->find("deviceName"); name != o->end()) {
      if (name->value().is_object()) d.name = name->value().get_object();
      else if (name->value().is_string()) d.name = boost::json::object{{"defaultValue", name->value().get_string()}};
    }
    if (d.name.empty()) return Outcome::error(enos::kParamError, "deviceName is required");
    d.description = std::string(string_field(*o, "deviceDesc"));
    if (auto tz = string_field(*o, "timezone"); !tz.empty()) d.timezone = std::string(tz);
    if (auto attrs = o->find("deviceAttributes"); attrs != o->end() && attrs->value().is_object())
      d.attributes = attrs->value().get_object();
    devices.push_back(std::move(d));
  }
  boost::json::array created;
  Outcome out;
  for (auto& d : devices) {
    const std::string what = "device " + d.product_key + "/" + (d.device_key.empty() ? "(generated)" : d.device_key);
    auto r = ctx.registry.create_device(std::move(d));
    if (!r) {
      // What was created stays created: its keys and secrets are in data so the gateway can use them.
      out = registry_error(r.error(), what);
      if (r.error() == registry::errc::already_exists) out.message = what + ": deviceKey already exists";
      break;
    }
    created.push_back(boost::json::object{{"productKey", r->product_key}, {"deviceKey", r->device_key},
                                          {"deviceSecret", r->device_secret}, {"assetId", r->asset_id}});
  }
  out.data = boost::json::serialize(created);
  return out;
}

}  // namespace gridhub::hub
