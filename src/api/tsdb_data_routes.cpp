// /tsdb-service/v2.1/...: the TSDB data service (spec enos-platform.md §4.5) over the time-series store.
// Reads page through a cursor; deletes act per asset. Every asset must be a device of the caller's OU
// (80401).
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include "api/envelope.hpp"
#include "api/routes.hpp"
#include "api/tsdb_query.hpp"
#include "hub/value_convert.hpp"

namespace gridhub::api {

namespace {

ApiResponse read(ApiContext& ctx, const ApiCall& call, TsdbEndpoint endpoint) {
  TsdbQuery q;
  TsdbFailure failure;
  if (!parse_tsdb_query(ctx, call, endpoint, q, failure)) return tsdb_error(failure.code, failure.message);
  std::vector<SeriesPage> pages;
  if (!read_tsdb_pages(ctx.store, q, pages, failure)) return tsdb_error(failure.code, failure.message);
  boost::json::object data;
  data["items"] = format_items(q, pages);
  if (auto next = next_cursor(q, pages)) data["cursor"] = encode_cursor(*next);
  return ok_tsdb(std::move(data));
}

// The point ids of the request, in its order.
std::vector<std::string> point_ids(const TsdbQuery& q) {
  std::vector<std::string> ids;
  ids.reserve(q.columns.size());
  for (const auto& c : q.columns) ids.push_back(c.point_id);
  return ids;
}

}  // namespace

ApiResponse tsdb_ai(ApiContext& ctx, const ApiCall& call) { return read(ctx, call, TsdbEndpoint::Ai); }
ApiResponse tsdb_ai_normalized(ApiContext& ctx, const ApiCall& call) {
  return read(ctx, call, TsdbEndpoint::AiNormalized);
}
ApiResponse tsdb_di(ApiContext& ctx, const ApiCall& call) { return read(ctx, call, TsdbEndpoint::Di); }
ApiResponse tsdb_pi(ApiContext& ctx, const ApiCall& call) { return read(ctx, call, TsdbEndpoint::Pi); }
ApiResponse tsdb_generic(ApiContext& ctx, const ApiCall& call) {
  return read(ctx, call, TsdbEndpoint::Generic);
}
ApiResponse tsdb_raw(ApiContext& ctx, const ApiCall& call) { return read(ctx, call, TsdbEndpoint::Raw); }

// Latest values in request order (asset, then point); points without a value, or older than timeWindow, are
// left out.
ApiResponse tsdb_latest(ApiContext& ctx, const ApiCall& call) {
  TsdbQuery q;
  TsdbFailure failure;
  if (!parse_tsdb_query(ctx, call, TsdbEndpoint::Latest, q, failure))
    return tsdb_error(failure.code, failure.message);
  const std::vector<std::string> ids = point_ids(q);
  const int64_t oldest = q.time_window_minutes ? ctx.now_ms() - *q.time_window_minutes * 60000 : INT64_MIN;
  boost::json::array items;
  for (const auto& a : q.assets) {
    const auto samples = ctx.store.latest(a.asset_id, ids);  // sorted by point id
    for (const auto& id : ids) {
      const auto it =
          std::lower_bound(samples.begin(), samples.end(), id,
                           [](const tsdb::Sample& s, const std::string& p) { return s.point_id < p; });
      if (it == samples.end() || it->point_id != id || it->time_ms < oldest) continue;
      boost::json::object o;
      o.emplace("assetId", a.asset_id);
      o.emplace("pointId", id);
      o.emplace("timestamp", it->time_ms);
      o.emplace("localtime",
                format_local_time(it->time_ms, a.zone, q.local_time_accuracy, q.local_time_format == 1));
      o.emplace("value", hub::to_json(it->value));
      if (q.with_quality) o.emplace("quality", it->quality ? boost::json::value(*it->quality) : nullptr);
      items.push_back(std::move(o));
    }
  }
  boost::json::object data;
  data["items"] = std::move(items);
  return ok_tsdb(std::move(data));
}

// The store keeps latest values per asset; it can forget a whole asset but not single points.
ApiResponse tsdb_latest_delete(ApiContext& ctx, const ApiCall& call) {
  TsdbQuery q;
  TsdbFailure failure;
  if (!parse_tsdb_query(ctx, call, TsdbEndpoint::LatestDelete, q, failure))
    return tsdb_error(failure.code, failure.message);
  for (const auto& a : q.assets) ctx.store.forget_asset(a.asset_id);
  return ok_tsdb(nullptr);
}

// History of [startTime, endTime] (inclusive, as the reads), asset by asset: a failure part-way leaves the
// assets before it deleted; repeating the request is harmless.
ApiResponse tsdb_data_delete(ApiContext& ctx, const ApiCall& call) {
  TsdbQuery q;
  TsdbFailure failure;
  if (!parse_tsdb_query(ctx, call, TsdbEndpoint::DataDelete, q, failure))
    return tsdb_error(failure.code, failure.message);
  const std::vector<std::string> points = point_ids(q);
  for (const auto& a : q.assets) {
    int64_t start = 0, end = 0;
    asset_window(q, a, start, end);
    if (auto ec = ctx.store.delete_range(a.asset_id, points, start, end)) {
      spdlog::error("api: tsdb delete of {} failed: {}", a.asset_id, ec.message());
      return tsdb_error(ec, "deleting " + a.asset_id + ": " + ec.message());
    }
  }
  return ok_tsdb(boost::json::object{{"deleted", true}});
}

}  // namespace gridhub::api
