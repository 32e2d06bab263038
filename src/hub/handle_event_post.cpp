// thing/event/{eventId}/post: the event's output checked against the thing model, then kept in the event log
// (the session replies once it is durable).
#include <boost/json.hpp>

#include "hub/handler.hpp"

namespace gridhub::hub {

namespace {
// EnOS's default when the model does not say (or validation is off and the event is not in the model).
constexpr std::string_view kDefaultEventType = "INFO";
}  // namespace

Outcome handle_event_post(const HandlerContext& ctx, const enos::Topic& topic, const enos::Request& req) {
  const boost::json::object* params = req.params.if_object();
  const boost::json::object* events = nullptr;
  if (params)
    if (auto* e = params->if_contains("events"); e && e->is_object()) events = &e->get_object();
  if (!events) return Outcome::error(enos::kParamError, "params.events must be an object");
  if (const auto* validator = ctx.validator()) {
    std::string message;
    if (validator->check_event(topic.identifier, *events, message))
      return Outcome::error(enos::kModelValidateFailed, message);
  }
  // params.time is the device's timestamp of the event; the arrival time stands in when it is absent or not
  // an integer of epoch ms.
  int64_t timestamp = ctx.now_ms;
  if (const auto* t = params->if_contains("time")) {
    if (t->is_int64() && t->get_int64() > 0)
      timestamp = t->get_int64();
    else if (t->is_uint64() && t->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
      timestamp = static_cast<int64_t>(t->get_uint64());
  }

  registry::Event event;
  event.org_id = ctx.device.org_id;
  event.asset_id = ctx.device.asset_id;
  event.product_key = ctx.device.product_key;
  event.device_key = ctx.device.device_key;
  event.tsl_event_key.assign(topic.identifier);
  event.tsl_event_type = kDefaultEventType;
  if (const auto* model = ctx.model()) {
    const auto& defined = model->model().events;
    if (auto it = defined.find(std::string(topic.identifier));
        it != defined.end() && !it->second.event_type.empty())
      event.tsl_event_type = it->second.event_type;
  }
  event.output = boost::json::serialize(*events);
  event.timestamp = timestamp;
  event.create_time = ctx.now_ms;

  Outcome outcome;
  outcome.events.push_back(std::move(event));
  return outcome;
}

}  // namespace gridhub::hub
