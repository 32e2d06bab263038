// measurepoints?action=queryLatest: a device's latest values from the store, in the hub's JSON forms.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/device_lookup.hpp"
#include "api/envelope.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"
#include "hub/value_convert.hpp"

namespace gridhub::api {

ApiResponse measurepoint_query_latest(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  std::vector<std::string> ids;  // empty = every point
  FieldReader f(body);
  f.string_list("measurepointIds", ids, kMaxIdsPerRequest);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  const auto samples = ctx.store.latest(d->asset_id, ids);  // sorted by point id
  boost::json::array data;
  data.reserve(samples.size());
  for (const auto& s : samples) {
    boost::json::object o;
    o.reserve(4);
    o.emplace("measurepointId", s.point_id);
    o.emplace("time", s.time_ms);
    o.emplace("value", hub::to_json(s.value));
    if (s.quality) o.emplace("quality", *s.quality);
    data.push_back(std::move(o));
  }
  return ok(std::move(data));
}

}  // namespace gridhub::api
