// What the commands and events searches share: start/end times in the TSDB routes' forms, each device's zone for
// local times in answers, and JSON text we stored ourselves read back as a value.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_call.hpp"
#include "api/context.hpp"
#include "api/local_time.hpp"

namespace gridhub::api {

// body[key] (else the query's `key`): epoch ms (a number), ISO-8601, or a local time read in `zone`. Absent or
// "" leaves `out` empty. False with `message` on anything else.
bool read_search_time(const boost::json::object& body, const Query& query, std::string_view key,
                      const TimeZone& zone, std::optional<int64_t>& out, std::string& message);

// JSON text the server stored itself (a command's input/output, an event's output) as a value; null when empty
// or (never expected) unreadable.
boost::json::value stored_json(std::string_view text);

// The devices' zones for the local times of an answer, read once per asset; a deleted device has none.
class DeviceZones {
 public:
  DeviceZones(ApiContext& ctx, std::string_view org) : ctx_(ctx), org_(org) {}
  const TimeZone* of(const std::string& asset_id);

 private:
  ApiContext& ctx_;
  std::string org_;
  std::map<std::string, std::optional<TimeZone>> zones_;
};

}  // namespace gridhub::api
