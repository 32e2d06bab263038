// thing/tsltemplate/get: the device's thing model, in the four maps the SDKs hand to the application.
#include <boost/json.hpp>

#include "hub/handler.hpp"
#include "model/console_json.hpp"

namespace gridhub::hub {

Outcome handle_tsl_template_get(const HandlerContext& ctx, const enos::Topic&, const enos::Request&) {
  const model::Validator* m = ctx.model();
  if (!m) return Outcome::error(enos::kInternalError, "the device's thing model is not available");
  auto console = model::export_console_json(m->model(), ctx.device.org_id);
  boost::json::object data;
  auto take = [&](const char* from, const char* to) {
    if (auto* v = console.if_contains(from)) data[to] = *v;
    else data[to] = boost::json::object{};
  };
  take("thingAttributeMap", "tslAttributeMap");
  take("thingMeasurepointMap", "tslMeasurepointMap");
  take("thingEventMap", "tslEventMap");
  take("thingServiceMap", "tslServiceMap");
  Outcome out;
  out.data = boost::json::serialize(data);
  return out;
}

}  // namespace gridhub::hub
