// /connect-service/v2.1/events (spec enos-platform.md §4.3): search and get over the event log that device
// posts (thing/event/{id}/post) fill.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <map>

#include "api/envelope.hpp"
#include "api/json_fields.hpp"
#include "api/local_time.hpp"
#include "api/routes.hpp"
#include "api/search_params.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

// EnOS: without a time range, a search covers the last week.
constexpr int64_t kDefaultSearchWindowMs = 7LL * 24 * 3600 * 1000;

boost::json::object event_view(const registry::Event& e, const TimeZone* zone) {
  boost::json::object o;
  o.reserve(10);
  o.emplace("eventId", std::to_string(e.event_id));
  o.emplace("assetId", e.asset_id);
  o.emplace("productKey", e.product_key);
  o.emplace("deviceKey", e.device_key);
  o.emplace("tslEventKey", e.tsl_event_key);
  o.emplace("tslEventType", e.tsl_event_type);
  o.emplace("output", stored_json(e.output));
  o.emplace("timestamp", e.timestamp);
  if (zone) o.emplace("localtime", format_local_time(e.timestamp, *zone, false, false));
  o.emplace("createTime", e.create_time);
  return o;
}

// A field of the body, else of the query ("" when neither has it). EnOS clients put device keys in either.
bool body_or_query(const boost::json::object& body, const Query& q, std::string_view key, std::string& out,
                   std::string& message) {
  FieldReader f(body);
  if (!f.string(key, out, false, registry::kMaxFilterBytes)) {
    message = f.error();
    return false;
  }
  if (out.empty()) out.assign(q.get(key).substr(0, registry::kMaxFilterBytes + 1));
  if (out.size() > registry::kMaxFilterBytes) {
    message = std::string(key) + " is longer than " + std::to_string(registry::kMaxFilterBytes) + " bytes";
    return false;
  }
  return true;
}

}  // namespace

ApiResponse event_search(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  registry::Page page;
  if (!read_page(body, page, message)) return error(errc::invalid_param, message);

  registry::EventFilter filter;
  std::string asset, pk, dk;
  if (!body_or_query(body, call.query, "assetId", asset, message) ||
      !body_or_query(body, call.query, "productKey", pk, message) ||
      !body_or_query(body, call.query, "deviceKey", dk, message) ||
      !body_or_query(body, call.query, "tslEventKey", filter.tsl_event_key, message) ||
      !body_or_query(body, call.query, "tslEventType", filter.tsl_event_type, message))
    return error(errc::invalid_param, message);
  if (!filter.tsl_event_type.empty() && filter.tsl_event_type != "INFO" && filter.tsl_event_type != "WARN" &&
      filter.tsl_event_type != "ERROR")
    return error(errc::invalid_param, "tslEventType must be INFO, WARN or ERROR");
  if (!dk.empty() && pk.empty()) return error(errc::invalid_param, "productKey is required with deviceKey");

  // A named device must be one of the caller's OU (404 like devices?action=get); its zone reads local times.
  TimeZone zone;
  if (!asset.empty() || !dk.empty()) {
    auto d = !asset.empty() ? ctx.registry.get_device_by_asset(call.org_id, asset)
                            : ctx.registry.get_device(call.org_id, pk, dk);
    if (!d)
      return error(d.error(), Subject::Device,
                   !asset.empty() ? "device with assetId " + asset + " not found"
                                  : "device " + pk + "/" + dk + " not found");
    filter.asset_ids.push_back(d->asset_id);
    zone = zone_for(d->timezone, d->dst);
  } else {
    filter.product_key = pk;  // every device of the product (or of the OU when empty)
  }

  std::optional<int64_t> start, end;
  if (!read_search_time(body, call.query, "startTime", zone, start, message) ||
      !read_search_time(body, call.query, "endTime", zone, end, message))
    return error(errc::invalid_param, message);
  const int64_t now = ctx.now_ms();
  filter.end_time = end ? *end : now + 1;  // [start, end): "now" included
  filter.start_time = start ? *start : std::max<int64_t>(0, filter.end_time - kDefaultSearchWindowMs);
  if (filter.start_time >= filter.end_time)
    return error(errc::invalid_param, "startTime must be before endTime");

  auto found = ctx.events.search(call.org_id, filter, page);
  DeviceZones zones(ctx, call.org_id);
  boost::json::array items;
  items.reserve(found.items.size());
  for (const auto& e : found.items) items.push_back(event_view(e, zones.of(e.asset_id)));
  return ok_page(std::move(items), page.page_no, page.page_size, found.total);
}

ApiResponse event_get(ApiContext& ctx, const ApiCall& call) {
  const std::string_view text = call.query.get("eventId");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0)
    return error(errc::invalid_param, "eventId must be a positive integer");
  auto e = ctx.events.get(call.org_id, id);
  if (!e) return error(e.error(), Subject::None, "event " + std::string(text) + " not found");
  DeviceZones zones(ctx, call.org_id);
  return ok(event_view(*e, zones.of(e->asset_id)));
}

}  // namespace gridhub::api
