// Reading a TSDB data API request: body fields with query parameters as fallback, EnOS's lenient forms (comma
// lists, digit strings, "true"), asset lookup in the caller's OU, and every limit before the store is
// touched.
#include <algorithm>
#include <boost/json/object.hpp>
#include <set>

#include "api/json_fields.hpp"
#include "api/tsdb_query.hpp"
#include "api/tsdb_query_limits.hpp"
#include "registry/errc.hpp"

namespace gridhub::api {

namespace {

// Every field any endpoint reads: only these are taken from the query string.
constexpr std::string_view kFields[] = {
    "assetIds",          "productKey", "deviceKey",  "deviceKeys",  "pointIds",        "pointIdsWithLogic",
    "startTime",         "endTime",    "pageSize",   "withQuality", "itemFormat",      "interval",
    "localTimeAccuracy", "orderBy",    "timeWindow", "cursor",      "localTimeFormat", "autoInterpolate"};

// A value quoted back in a message, cut short so a huge input cannot make a huge answer.
std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 64;
  return "\"" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "...\"" : "\"");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class Fields {
 public:
  Fields(boost::json::object& o, TsdbFailure& failure) : o_(o), failure_(failure) {}

  bool fail(std::string message) {
    if (failure_.message.empty()) {
      failure_.code = make_error_code(errc::invalid_param);
      failure_.message = std::move(message);
    }
    return false;
  }

  // Present, not null and not "" (EnOS clients send "" for "not given").
  const boost::json::value* find(std::string_view key) const {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null() || (v->is_string() && v->get_string().empty())) return nullptr;
    return v;
  }

  bool integer(std::string_view key, int64_t min, int64_t max, std::optional<int64_t>& out) {
    const auto* v = find(key);
    if (!v) return true;
    int64_t n = 0;
    bool ok = false;
    if (v->is_int64()) {
      n = v->get_int64();
      ok = true;
    } else if (v->is_uint64()) {
      ok = v->get_uint64() <= static_cast<uint64_t>(INT64_MAX);
      n = ok ? static_cast<int64_t>(v->get_uint64()) : 0;
    } else if (v->is_string()) {
      const std::string_view s = v->get_string();
      const std::string_view digits = s.front() == '-' ? s.substr(1) : s;
      ok = !digits.empty() && digits.size() <= 18 &&
           std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
      for (char c : ok ? digits : std::string_view()) n = n * 10 + (c - '0');
      if (s.front() == '-') n = -n;
    }
    if (!ok) return fail(std::string(key) + " must be an integer");
    if (n < min || n > max)
      return fail(std::string(key) + " must be " + std::to_string(min) + ".." + std::to_string(max) +
                  ", not " + std::to_string(n));
    out = n;
    return true;
  }

  bool boolean(std::string_view key, bool& out) {
    const auto* v = find(key);
    if (!v) return true;
    if (v->is_bool()) {
      out = v->get_bool();
      return true;
    }
    if (v->is_string() && (v->get_string() == "true" || v->get_string() == "false")) {
      out = v->get_string() == "true";
      return true;
    }
    return fail(std::string(key) + " must be true or false");
  }

  bool string(std::string_view key, std::string& out, std::size_t max_bytes) {
    const auto* v = find(key);
    if (!v) return true;
    if (!v->is_string()) return fail(std::string(key) + " must be a string");
    if (v->get_string().size() > max_bytes)
      return fail(std::string(key) + " is longer than " + std::to_string(max_bytes) + " bytes");
    out = v->get_string();
    return true;
  }

  // A comma-separated string or an array of strings; items trimmed, none empty, at most kMaxTsdbListItems,
  // each at most kMaxTsdbIdBytes; duplicates dropped (first kept).
  bool list(std::string_view key, std::vector<std::string>& out) {
    const auto* v = find(key);
    if (!v) return true;
    std::vector<std::string_view> items;
    if (v->is_string()) {
      std::string_view s = v->get_string();
      while (true) {
        const std::size_t comma = s.find(',');
        items.push_back(trim(s.substr(0, comma)));
        if (items.size() > kMaxTsdbListItems) break;
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
      }
    } else if (v->is_array()) {
      for (const auto& item : v->get_array()) {
        if (!item.is_string())
          return fail(std::string(key) + " must be a comma-separated string or an array of strings");
        items.push_back(trim(item.get_string()));
        if (items.size() > kMaxTsdbListItems) break;
      }
    } else {
      return fail(std::string(key) + " must be a comma-separated string or an array of strings");
    }
    if (items.size() > kMaxTsdbListItems)
      return fail(std::string(key) + " has more than " + std::to_string(kMaxTsdbListItems) + " items");
    std::set<std::string_view> seen;
    out.clear();
    for (std::string_view item : items) {
      if (item.empty()) return fail(std::string(key) + " has an empty item");
      if (item.size() > kMaxTsdbIdBytes)
        return fail(std::string(key) + " has an item longer than " + std::to_string(kMaxTsdbIdBytes) +
                    " bytes");
      if (seen.insert(item).second) out.emplace_back(item);
    }
    return true;
  }

  bool time(std::string_view key, RequestTime& out, bool& present) {
    const auto* v = find(key);
    present = v != nullptr;
    if (!v) return true;
    if (v->is_int64() || v->is_uint64()) {
      const bool ok = v->is_int64() ? v->get_int64() >= 0 && v->get_int64() <= kMaxRequestTimeMs
                                    : v->get_uint64() <= static_cast<uint64_t>(kMaxRequestTimeMs);
      if (!ok)
        return fail(std::string(key) + " must be epoch milliseconds from 0 to " +
                    std::to_string(kMaxRequestTimeMs));
      out = {RequestTime::Kind::Absolute,
             v->is_int64() ? v->get_int64() : static_cast<int64_t>(v->get_uint64())};
      return true;
    }
    if (!v->is_string()) return fail(std::string(key) + " must be a string or epoch milliseconds");
    std::string why;
    if (!parse_request_time(v->get_string(), out, why)) return fail(std::string(key) + " " + why);
    return true;
  }

 private:
  boost::json::object& o_;
  TsdbFailure& failure_;
};

// Sets the reason and returns false: `return fail(why, "...");`.
bool fail(std::string& reason, std::string_view text) {
  reason.assign(text);
  return false;
}

bool parse_function(std::string_view name, tsdb::Aggregation& out) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  static constexpr std::pair<std::string_view, tsdb::Aggregation> kFunctions[] = {
      {"avg", tsdb::Aggregation::Avg},     {"max", tsdb::Aggregation::Max},
      {"min", tsdb::Aggregation::Min},     {"sum", tsdb::Aggregation::Sum},
      {"count", tsdb::Aggregation::Count}, {"first", tsdb::Aggregation::First},
      {"last", tsdb::Aggregation::Last}};
  for (const auto& [n, fn] : kFunctions)
    if (lower == n) {
      out = fn;
      return true;
    }
  return false;
}

// "avg(p1)" or "p1"; the key is the item as written.
bool parse_column(std::string_view item, TsdbColumn& out, std::string& why) {
  out = TsdbColumn{std::string(item), std::string(item), std::nullopt};
  const std::size_t open = item.find('(');
  if (open == std::string_view::npos) {
    if (item.find(')') != std::string_view::npos)
      return fail(why, "has an unbalanced \")\" in " + quoted(item));
    return true;
  }
  if (item.back() != ')' || item.find('(', open + 1) != std::string_view::npos ||
      item.find(')') != item.size() - 1)
    return fail(why, "item " + quoted(item) + " is not function(pointId)");
  const std::string_view fn = trim(item.substr(0, open));
  const std::string_view point = trim(item.substr(open + 1, item.size() - open - 2));
  tsdb::Aggregation a{};
  if (!parse_function(fn, a))
    return fail(why, "has an unknown function " + quoted(fn) + " (avg, max, min, sum, count, first, last)");
  if (point.empty()) return fail(why, "item " + quoted(item) + " names no point");
  out.point_id = std::string(point);
  out.fn = a;
  return true;
}

bool is_read(TsdbEndpoint e) {
  return e != TsdbEndpoint::Latest && e != TsdbEndpoint::LatestDelete && e != TsdbEndpoint::DataDelete;
}

// assetIds, and productKey with deviceKey/deviceKeys, looked up in the caller's OU. Unknown and foreign
// assets get the same answer, so the reply never tells whether an id exists in another OU.
bool resolve_assets(ApiContext& ctx, const ApiCall& call, const std::vector<std::string>& asset_ids,
                    const std::string& product_key, const std::vector<std::string>& device_keys,
                    std::vector<TsdbAsset>& out, TsdbFailure& failure) {
  const auto refuse = [&](errc code, std::string message) {
    failure = {make_error_code(code), std::move(message)};
    return false;
  };
  std::set<std::string> seen;
  const auto add = [&](const registry::Device& d) {
    if (seen.insert(d.asset_id).second) out.push_back({d.asset_id, zone_for(d.timezone, d.dst)});
  };
  for (const auto& id : asset_ids) {
    auto d = ctx.registry.get_device_by_asset(call.org_id, id);
    if (!d && d.error() == registry::errc::not_found)
      return refuse(errc::forbidden, "asset " + quoted(id) + " is not a device of this OU");
    if (!d) return refuse(errc::internal, "registry: " + d.error().message());
    add(*d);
  }
  for (const auto& dk : device_keys) {
    auto d = ctx.registry.get_device(call.org_id, product_key, dk);
    if (!d && d.error() == registry::errc::not_found)
      return refuse(errc::forbidden,
                    "device " + quoted(product_key + "/" + dk) + " is not a device of this OU");
    if (!d) return refuse(errc::internal, "registry: " + d.error().message());
    add(*d);
  }
  return true;
}

}  // namespace

bool parse_tsdb_query(ApiContext& ctx, const ApiCall& call, TsdbEndpoint endpoint, TsdbQuery& q,
                      TsdbFailure& failure) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) {
    failure = {make_error_code(errc::invalid_param), message};
    return false;
  }
  for (std::string_view key : kFields) {
    const auto* v = body.if_contains(key);
    const std::string* param = call.query.find(key);
    if ((!v || v->is_null()) && param) body[key] = *param;
  }
  Fields f(body, failure);
  q = TsdbQuery{};
  q.endpoint = endpoint;
  const bool read = is_read(endpoint);

  // Assets: counted before any lookup, so an oversize request costs nothing.
  std::vector<std::string> asset_ids, device_keys;
  std::string product_key, device_key;
  if (!f.list("assetIds", asset_ids) || !f.string("productKey", product_key, kMaxTsdbIdBytes) ||
      !f.string("deviceKey", device_key, kMaxTsdbIdBytes) || !f.list("deviceKeys", device_keys))
    return false;
  if (!device_key.empty() &&
      std::find(device_keys.begin(), device_keys.end(), device_key) == device_keys.end())
    device_keys.insert(device_keys.begin(), device_key);
  if (!product_key.empty() && device_keys.empty())
    return f.fail("deviceKey or deviceKeys is required with productKey");
  if (product_key.empty() && !device_keys.empty())
    return f.fail("productKey is required with deviceKey or deviceKeys");
  if (asset_ids.empty() && device_keys.empty())
    return f.fail("assetIds is required (or productKey with deviceKey or deviceKeys)");
  const std::size_t asset_count = asset_ids.size() + device_keys.size();
  if (asset_count > kMaxTsdbListItems)
    return f.fail("assetIds and deviceKeys name more than " + std::to_string(kMaxTsdbListItems) + " assets");

  // Points.
  std::vector<std::string> point_ids, logic;
  if (!f.list("pointIds", point_ids)) return false;
  if (endpoint == TsdbEndpoint::AiNormalized) {
    if (!f.list("pointIdsWithLogic", logic)) return false;
    if (!logic.empty() && !point_ids.empty()) return f.fail("give pointIdsWithLogic or pointIds, not both");
    if (logic.empty() && point_ids.empty()) return f.fail("pointIdsWithLogic is required");
    for (const auto& item : logic) {
      TsdbColumn c;
      if (!parse_column(item, c, message)) return f.fail("pointIdsWithLogic " + message);
      q.columns.push_back(std::move(c));
    }
  }
  if (q.columns.empty())
    for (const auto& p : point_ids) {
      if (p.find_first_of("()") != std::string::npos && endpoint == TsdbEndpoint::AiNormalized)
        return f.fail("pointIds takes plain point ids; functions go in pointIdsWithLogic");
      q.columns.push_back({p, p, std::nullopt});
    }
  if (endpoint == TsdbEndpoint::LatestDelete && !q.columns.empty())
    return f.fail("pointIds: deleting single points' latest values is not supported; give assetIds only");
  if (q.columns.empty() && endpoint != TsdbEndpoint::LatestDelete && endpoint != TsdbEndpoint::DataDelete)
    return f.fail("pointIds is required");

  if (read || endpoint == TsdbEndpoint::Latest) {
    const std::size_t max = endpoint == TsdbEndpoint::Di ? kMaxTsdbDiSeries : kMaxTsdbSeries;
    const std::size_t series = asset_count * q.columns.size();
    if (series > max)
      return f.fail(std::to_string(asset_count) + " assets x " + std::to_string(q.columns.size()) +
                    " points = " + std::to_string(series) + " series, more than " + std::to_string(max));
  }

  // Times.
  bool has_start = false, has_end = false;
  if (!f.time("startTime", q.start, has_start) || !f.time("endTime", q.end, has_end)) return false;
  if (read || endpoint == TsdbEndpoint::DataDelete) {
    if (!has_start) return f.fail("startTime is required");
    if (!has_end) return f.fail("endTime is required");
    if (q.start.kind != q.end.kind)
      return f.fail("endTime must be in the same form as startTime (both local, or both UTC/epoch)");
    if (q.start.ms > q.end.ms) return f.fail("startTime is after endTime");
    q.has_range = true;
  }

  // Paging and presentation. (Each optional is fresh: integer() leaves an absent field's untouched.)
  std::optional<int64_t> n, item_format, local_time_format, interval, time_window;
  if (!f.integer("pageSize", 1, static_cast<int64_t>(kMaxTsdbPagePoints), n)) return false;
  const std::size_t series = std::max<std::size_t>(1, asset_count * q.columns.size());
  if (n && read && static_cast<std::size_t>(*n) * series > kMaxTsdbPagePoints)
    return f.fail(std::to_string(asset_count) + " assets x " + std::to_string(q.columns.size()) +
                  " points x pageSize " + std::to_string(*n) + " = " +
                  std::to_string(static_cast<std::size_t>(*n) * series) + ", more than " +
                  std::to_string(kMaxTsdbPagePoints));
  q.page_size =
      n ? static_cast<std::size_t>(*n) : std::min(kDefaultTsdbPageSize, kMaxTsdbPagePoints / series);
  if (!f.boolean("withQuality", q.with_quality) || !f.boolean("localTimeAccuracy", q.local_time_accuracy))
    return false;
  if (!f.integer("itemFormat", 0, 2, item_format) || !f.integer("localTimeFormat", 0, 1, local_time_format))
    return false;
  q.item_format = static_cast<int>(item_format.value_or(0));
  q.local_time_format = static_cast<int>(local_time_format.value_or(0));

  // Endpoint-specific fields.
  if (endpoint == TsdbEndpoint::AiNormalized) {
    if (!f.integer("interval", 0, kMaxTsdbIntervalMinutes, interval)) return false;
    q.interval_minutes = static_cast<int>(interval.value_or(0));
    const bool any_fn =
        std::any_of(q.columns.begin(), q.columns.end(), [](const auto& c) { return c.fn.has_value(); });
    const bool all_fn =
        std::all_of(q.columns.begin(), q.columns.end(), [](const auto& c) { return c.fn.has_value(); });
    if (q.interval_minutes == 0 && any_fn)
      return f.fail("interval must be 1.." + std::to_string(kMaxTsdbIntervalMinutes) +
                    " when pointIdsWithLogic has a function (interval 0 reads plain normalized values)");
    if (q.interval_minutes > 0 && !all_fn)
      return f.fail("interval " + std::to_string(q.interval_minutes) +
                    " needs a function for every point of pointIdsWithLogic, like avg(pointId)");
  }
  if (endpoint == TsdbEndpoint::Raw) {
    std::string order;
    if (!f.string("orderBy", order, 64)) return false;
    std::string lower = std::string(trim(order));
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower == "timestamp desc")
      q.descending = true;
    else if (!lower.empty() && lower != "timestamp asc")
      return f.fail("orderBy must be \"timestamp asc\" or \"timestamp desc\"");
  }
  if (endpoint == TsdbEndpoint::Di && !f.boolean("autoInterpolate", q.auto_interpolate)) return false;
  if (endpoint == TsdbEndpoint::Latest) {
    if (!f.integer("timeWindow", 0, kMaxTsdbTimeWindowMinutes, time_window)) return false;
    q.time_window_minutes = time_window;
  }
  std::string cursor;
  if (read && !f.string("cursor", cursor, kMaxCursorBytes)) return false;

  // Only now the registry: every asset must be a device of the caller's OU.
  if (!resolve_assets(ctx, call, asset_ids, product_key, device_keys, q.assets, failure)) return false;

  if (q.endpoint == TsdbEndpoint::AiNormalized && q.interval_minutes > 0) {
    const int64_t interval_ms = int64_t{q.interval_minutes} * 60000;
    for (const auto& a : q.assets) {
      int64_t start = 0, end = 0;
      asset_window(q, a, start, end);
      if ((end - start + interval_ms - 1) / interval_ms > kMaxTsdbWindows)
        return f.fail("startTime..endTime spans more than " + std::to_string(kMaxTsdbWindows) +
                      " windows of " + std::to_string(q.interval_minutes) + " minutes");
    }
  }
  if (!cursor.empty()) {
    Cursor c;
    if (!decode_cursor(cursor, q.series_count(), c, message)) return f.fail("cursor " + message);
    if (!check_cursor(q, c, failure)) return false;
    q.cursor = std::move(c);
  }
  return true;
}

}  // namespace gridhub::api
