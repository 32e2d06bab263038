// Downstream command messages: topic and envelope of a service invocation or a measure-point set.
#include "hub/command_message.hpp"

#include "enos/json_escape.hpp"

namespace gridhub::hub {

void format_command(const registry::Command& c, std::string& topic, std::string& payload) {
  constexpr std::string_view kServiceMethod = "thing.service.";
  const bool set_point = c.type == registry::CommandType::SetMeasurepoint;
  if (set_point)
    enos::append_measurepoint_set_topic(c.product_key, c.device_key, topic);
  else
    enos::append_service_topic(c.product_key, c.device_key, c.tsl_identifier, topic);

  const std::string id = std::to_string(c.command_id);
  const std::string_view params =
      c.input_data.empty() ? std::string_view("{}") : std::string_view(c.input_data);
  payload.reserve(payload.size() + 64 + id.size() + c.tsl_identifier.size() + params.size());
  payload.append("{\"id\":");
  enos::append_json_string(id, payload);
  payload.append(",\"version\":\"1.0\",\"method\":");
  enos::append_json_string(std::string(kServiceMethod) + (set_point ? "measurepoint.set" : c.tsl_identifier),
                           payload);
  payload.append(",\"params\":");
  payload.append(params);
  payload.push_back('}');
}

enos::TopicKind reply_kind(registry::CommandType type) {
  return type == registry::CommandType::SetMeasurepoint ? enos::TopicKind::MeasurepointSetReply
                                                        : enos::TopicKind::ServiceInvocationReply;
}

}  // namespace gridhub::hub
