// The sub-device login decision (spec §4.6): same sign rule as a CONNECT (§1.3), checked against the snapshot.
#include "hub/sub_device_login.hpp"

#include <boost/json.hpp>

#include "enos/login.hpp"

namespace gridhub::hub {

namespace {
SubLoginDecision refuse(int code, std::string message) {
  SubLoginDecision d;
  d.code = code;
  d.message = std::move(message);
  return d;
}

std::string_view string_of(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string_view(it->value().get_string()) : std::string_view();
}
}  // namespace

SubLoginRequest read_sub_login(const boost::json::object& params) {
  SubLoginRequest r;
  r.product_key = string_of(params, "productKey");
  r.device_key = string_of(params, "deviceKey");
  r.client_id = string_of(params, "clientId");
  r.sign_method = string_of(params, "signMethod");
  r.sign = string_of(params, "sign");
  if (auto it = params.find("timestamp"); it != params.end()) {
    if (it->value().is_string()) r.timestamp = std::string(it->value().get_string());
    else if (it->value().is_number()) r.timestamp = boost::json::serialize(it->value());
  }
  if (auto it = params.find("secureMode"); it != params.end()) {
    if (it->value().is_string()) r.secure_mode = it->value().get_string();
    else if (it->value().is_int64() && it->value().get_int64() == 3) r.secure_mode = "3";
  }
  return r;
}

SubLoginDecision decide_sub_login(const Snapshot& snapshot, const DeviceIdentity& gateway, const SubLoginRequest& r) {
  if (r.product_key.empty() || r.device_key.empty())
    return refuse(enos::kParamError, "productKey and deviceKey are required");
  const std::string who = "sub-device " + std::string(r.product_key) + "/" + std::string(r.device_key);
  if (r.client_id.empty() || r.timestamp.empty() || r.sign.empty())
    return refuse(enos::kParamError, who + ": clientId, timestamp and sign are required");
  auto method = enos::parse_sign_method(r.sign_method.empty() ? std::string_view("sha256") : r.sign_method);
  if (!method) return refuse(enos::kParamError, who + ": unknown signMethod");
  if (r.secure_mode != "2" && r.secure_mode != "3") return refuse(enos::kParamError, who + ": secureMode must be 2 or 3");
  const DeviceEntry* device = snapshot.find_device(r.product_key, r.device_key);
  if (!device || device->org_id != gateway.org_id || !device->product)
    return refuse(enos::kDeviceNotExist, who + ": device does not exist");
  if (!device->enabled) return refuse(enos::kAuthFailed, who + ": device is disabled");
  if (device->gateway != device_key_of(gateway.product_key, gateway.device_key))
    return refuse(enos::kAuthFailed, who + ": not in this gateway's topology");
  const bool dynamic = r.secure_mode == "3";
  if (dynamic && !device->product->product.dynamic_activate_enabled)
    return refuse(enos::kAuthFailed, who + ": its product does not allow dynamic activation");
  const std::string_view secret =
      dynamic ? std::string_view(device->product->product.product_secret) : std::string_view(device->device_secret);
  if (!enos::verify_sign(*method, r.client_id, r.device_key, r.product_key, r.timestamp, secret, r.sign))
    return refuse(enos::kAuthFailed, who + ": sign mismatch");
  SubLoginDecision d;
  d.device = device;
  d.activated = dynamic;
  return d;
}

}  // namespace gridhub::hub
