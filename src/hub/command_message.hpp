// The downstream message of a command (spec enos-device-protocol.md §4.2, §4.4): its topic and envelope, and
// which reply topic answers it.
#pragma once
#include <string>

#include "enos/topic.hpp"
#include "registry/records.hpp"

namespace gridhub::hub {

// Appends the command's topic and payload to `topic` and `payload`:
//   service:    /sys/{pk}/{dk}/thing/service/{serviceId}
//               {"id":"<commandId>","version":"1.0","method":"thing.service.<serviceId>","params":<input>}
//   set-point:  /sys/{pk}/{dk}/thing/service/measurepoint/set
//               {"id":"<commandId>","version":"1.0","method":"thing.service.measurepoint.set","params":<input>}
// The id is the command id as a JSON string (the Python SDK copies it into its reply and drops integer ids).
// input_data is copied verbatim ("{}" when empty): the API serialized it.
void format_command(const registry::Command& command, std::string& topic, std::string& payload);

// The reply topic kind that answers a command of this type.
enos::TopicKind reply_kind(registry::CommandType type);

}  // namespace gridhub::hub
