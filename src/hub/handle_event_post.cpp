// thing/event/{eventId}/post and thing/tsltemplate/get: checked against, and read from, the thing model.
#include <boost/json.hpp>

#include "hub/handler.hpp"
#include "model/console_json.hpp"

namespace gridhub::hub {

Outcome handle_event_post(const HandlerContext& ctx, const enos::Topic& topic, const enos::Request& req) {
  const boost::json::object* events = nullptr;
  if (req.params.is_object())
    if (auto* e = req.params.get_object().if_contains("events"); e && e->is_object()) events = &e->get_object();
  if (!events) return Outcome::error(enos::kParamError, "params.events must be an object");
  if (const auto* validator = ctx.validator()) {
    std::string message;
    if (validator->check_event(topic.identifier, *events, message))
      return Outcome::error(enos::kModelValidateFailed, message);
  }
  // Event history (storage and the events API) arrives with the commands-and-events issue.
  return Outcome{};
}

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
