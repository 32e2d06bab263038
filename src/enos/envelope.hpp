// The EnOS message envelope (spec §2): parsing device requests and replies, writing cloud replies and
// commands. Ids are always written as JSON strings and codes as JSON integers: the Python SDK drops anything
// else.
#pragma once
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "enos/errc.hpp"

namespace gridhub::enos {

// A device request {"id","version","method","params",...}. Only the top level is checked: handlers check the
// shape of `params` themselves (so that a bad shape still gets a reply carrying the request's id).
struct Request {
  std::string id;  // the request id as text: a JSON string as-is, a JSON number printed as integer
                   // (non-integral numbers as JSON text); empty when absent or of another type
  std::string method, version;            // empty when absent or not strings (informational only: spec §2)
  boost::json::value params;              // as sent (object or array per topic), null when absent
  bool allow_offline_sub_device = false;  // "" or absent => false; true/"true" (any case) => true
  bool skip_invalid_measurepoints = false;
};

// Errors: errc::too_large (more than kMaxPayloadSize bytes), errc::empty_payload (no bytes or only JSON
// whitespace), errc::bad_json (not JSON, not UTF-8, top level not an object, nesting deeper than
// kMaxJsonDepth).
boost::system::result<Request> parse_request(std::string_view payload);

// {"id":"<id>","code":<int>,"message":"<msg>","data":<data>}, keys in exactly this order. id and message are
// escaped (json_escape.hpp) so the reply is valid JSON whatever bytes they hold.
std::string make_reply(std::string_view id, int code, std::string_view message,
                       const boost::json::value& data);
// The same appended to `out`, for the hot path: data_json is already-serialized JSON (e.g. "{}"), copied
// verbatim; an empty data_json is written as null.
void append_reply(std::string_view id, int code, std::string_view message, std::string_view data_json,
                  std::string& out);

// Downstream command envelope {"id":"<id>","version":"1.0","method":"<method>","params":<params>}.
std::string make_command(std::string_view id, std::string_view method, const boost::json::value& params);

// A device's reply to a downstream command.
struct Reply {
  std::string id;  // same rules as Request::id
  int code = 0;
  std::string message;      // empty when absent or not a string
  boost::json::value data;  // as sent (null, "", {}, ...), null when absent
};
// code may be a JSON integer or a string holding a decimal integer (Python auto-replies send "1101", "500").
// Errors: those of parse_request, and errc::bad_reply_code when code is missing or not such a number.
boost::system::result<Reply> parse_reply(std::string_view payload);

}  // namespace gridhub::enos
