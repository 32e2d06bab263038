// Sans-I/O helpers of the client: request topics and payloads, downstream topic classification, command
// parsing, reply payloads and offline-buffer records. No socket, no state: unit-tested directly.
#pragma once
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "gridhub/device/commands.hpp"
#include "gridhub/device/message.hpp"

namespace gridhub::device::detail {

// SDK message limit, as the EnOS SDKs (spec §2).
inline constexpr std::size_t kMaxMessageSize = 512 * 1024;

// /sys/{pk}/{dk}/{suffix} or /ext/session/{pk}/{dk}/{suffix}; the request's keys, else the given defaults.
std::string request_topic(const Request& r, std::string_view default_pk, std::string_view default_dk);

// {"id":"<id>","version":"1.0","method":..,"params":..,<extra keys>} (raw for up_raw). With params_json, that
// text is written as params verbatim (and extra_json, a JSON object's text, supplies the extra keys): the
// offline buffer's replay re-sends the very digits that were posted.
std::string request_payload(const Request& r, std::string_view id, std::string_view params_json = {},
                            std::string_view extra_json = {});

// Whether the offline buffer may keep this request (measure-point posts and resumes, single or batch).
bool bufferable(RequestKind k);

// What a message from the hub is.
enum class Downstream : uint8_t { reply, command, activate_info, other };
struct ClassifiedTopic {
  Downstream what = Downstream::other;
  CommandClass command_class = CommandClass::service_invocation;
  std::string_view product_key, device_key, service_id;  // views into the topic
};
// Reply = any topic ending in "_reply"; commands per spec §4.2; activate/info per §1.8.
ClassifiedTopic classify_topic(std::string_view topic);

// The command from its topic and payload (raw classes keep the bytes). Errors: enos errc (bad JSON...).
boost::system::result<Command> parse_command(const ClassifiedTopic& t, std::string_view topic,
                                             std::string_view payload);

// The reply payload for a command (for model_down_raw: reply.raw as is).
std::string reply_payload(const Command& c, const Reply& r);

// A reply of the hub (raw replies become code 200 with the bytes in `raw`). Errors: errc::protocol_error.
boost::system::result<Response> parse_response(std::string_view topic, std::string_view payload, bool raw);

// Offline-buffer record of a post, in its resume form: "resume|resume_batch <TAB> pk <TAB> dk <TAB> params JSON
// <TAB> extra JSON" on one line (serialized JSON has no raw tab or newline). The JSON is kept as text, never
// parsed back: Boost.JSON 1.81 may read a double one unit in the last place off, and a resumed value must be
// the posted one. Returns an empty string when pk/dk hold a tab or newline (nothing to buffer).
std::string to_buffer_record(const Request& post, std::string_view pk, std::string_view dk);
struct BufferedPost {
  Request request;  // kind, keys, topic and method of the resume; params/extra empty
  std::string params_json, extra_json;
};
std::optional<BufferedPost> from_buffer_record(std::string_view record);

}  // namespace gridhub::device::detail
