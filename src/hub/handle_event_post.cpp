// thing/event/{eventId}/post: the event's output checked against the thing model.
#include <boost/json.hpp>

#include "hub/handler.hpp"

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

}  // namespace gridhub::hub
