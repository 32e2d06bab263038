// CONNECT authentication: parse the EnOS client id and username, look the device up, verify the signature.
#include "hub/handle_login.hpp"

#include "enos/login.hpp"

namespace gridhub::hub {

namespace {
LoginDecision refuse(uint8_t code, std::string reason) {
  LoginDecision d;
  d.connack = code;
  d.reason = std::move(reason);
  return d;
}
}  // namespace

LoginDecision decide_login(const mqtt::Connect& connect, const Snapshot& snapshot) {
  auto client_id = enos::parse_client_id(connect.client_id);
  if (!client_id) return refuse(mqtt::kConnackIdRejected, "client id is not in the EnOS form");
  if (!connect.username || !connect.password) return refuse(mqtt::kConnackBadCredentials, "no username or password");
  auto username = enos::parse_username(*connect.username);
  if (!username) return refuse(mqtt::kConnackBadCredentials, "username is not deviceKey&productKey");
  const std::string_view pk = username->product_key, dk = username->device_key;

  const ProductEntry* product = snapshot.find_product(pk);
  const int mode = client_id->secure_mode;
  std::string_view secret;
  LoginDecision d;
  switch (mode) {
    case 2:
    case 3: {
      const DeviceEntry* device = snapshot.find_device(pk, dk);
      if (!device || !product) return refuse(mqtt::kConnackNotAuthorized, "unknown device");
      if (!device->enabled) return refuse(mqtt::kConnackNotAuthorized, "device is disabled");
      if (mode == 3 && !product->product.dynamic_activate_enabled)
        return refuse(mqtt::kConnackNotAuthorized, "product does not allow dynamic activation");
      secret = mode == 2 ? std::string_view(device->device_secret) : std::string_view(product->product.product_secret);
      d.kind = mode == 2 ? LoginKind::Device : LoginKind::DynamicActivation;
      d.device = {device->org_id, device->asset_id, device->product_key, device->device_key};
      if (mode == 3) d.device_secret = device->device_secret;
      break;
    }
    case 4:
      if (!product) return refuse(mqtt::kConnackNotAuthorized, "unknown product");
      secret = product->product.product_secret;
      d.kind = LoginKind::Integration;
      d.device = {product->product.org_id, "", product->product.product_key, ""};
      break;
    default:
      return refuse(mqtt::kConnackNotAuthorized, "unsupported securemode");
  }
  if (!enos::verify_sign(client_id->sign_method, client_id->prefix, dk, pk, client_id->timestamp, secret,
                         *connect.password))
    return refuse(mqtt::kConnackBadCredentials, "signature mismatch");
  return d;
}

}  // namespace gridhub::hub
