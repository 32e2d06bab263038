// Device addressing by assetId or by productKey + deviceKey.
#include "api/device_lookup.hpp"

#include "api/errc.hpp"
#include "registry/errc.hpp"

namespace gridhub::api {

boost::system::result<registry::Device> find_device(ApiContext& ctx, const ApiCall& call, std::string& message) {
  const std::string_view asset = call.query.get("assetId");
  const std::string_view pk = call.query.get("productKey");
  const std::string_view dk = call.query.get("deviceKey");
  boost::system::result<registry::Device> d = make_error_code(errc::invalid_param);
  if (!asset.empty()) {
    d = ctx.registry.get_device_by_asset(call.org_id, asset);
    if (!d) message = "device with assetId " + std::string(asset) + " not found";
  } else if (!pk.empty() && !dk.empty()) {
    d = ctx.registry.get_device(call.org_id, pk, dk);
    if (!d) message = "device " + std::string(pk) + "/" + std::string(dk) + " not found";
  } else {
    message = "assetId, or productKey and deviceKey, is required";
  }
  if (!d && d.error() != registry::errc::not_found && d.error() != errc::invalid_param) message = d.error().message();
  return d;
}

}  // namespace gridhub::api
