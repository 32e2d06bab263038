// Search parameters shared by the commands and events routes.
#include "api/search_params.hpp"

#include "json/parse.hpp"

namespace gridhub::api {

bool read_search_time(const boost::json::object& body, const Query& q, std::string_view key, const TimeZone& zone,
                      std::optional<int64_t>& out, std::string& message) {
  const boost::json::value* v = body.if_contains(key);
  std::string text;
  if (v && v->is_int64()) {
    if (v->get_int64() < 0) {
      message = std::string(key) + " must not be negative";
      return false;
    }
    out = v->get_int64();
    return true;
  }
  if (v && v->is_string())
    text.assign(v->get_string());
  else if (v && !v->is_null()) {
    message = std::string(key) + " must be epoch milliseconds or a time string";
    return false;
  } else {
    text.assign(q.get(key));
  }
  if (text.empty()) return true;
  RequestTime t;
  std::string why;
  if (!parse_request_time(text, t, why)) {
    message = std::string(key) + ": " + why;
    return false;
  }
  out = t.kind == RequestTime::Kind::Absolute ? t.ms : zone.to_utc(t.ms);
  return true;
}

boost::json::value stored_json(std::string_view text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  boost::json::value v = gridhub::json::parse(text, ec);
  return ec ? boost::json::value(nullptr) : v;
}

const TimeZone* DeviceZones::of(const std::string& asset_id) {
  auto it = zones_.find(asset_id);
  if (it == zones_.end()) {
    auto d = ctx_.registry.get_device_by_asset(org_, asset_id);
    std::optional<TimeZone> z;
    if (d) z = zone_for(d->timezone, d->dst);
    it = zones_.emplace(asset_id, std::move(z)).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace gridhub::api
