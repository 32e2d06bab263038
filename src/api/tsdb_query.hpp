// A TSDB data API request once read and checked (tsdb_query_params.cpp), read page by page from the store
// (tsdb_query_read.cpp) and turned into items (tsdb_query_items.cpp). Bounds are in tsdb_query_limits.hpp.
#pragma once
#include <boost/json/array.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "api/api_call.hpp"
#include "api/context.hpp"
#include "api/cursor.hpp"
#include "api/errc.hpp"
#include "api/local_time.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::api {

// The endpoints of /tsdb-service/v2.1 (each reads or deletes differently).
enum class TsdbEndpoint : uint8_t {
  Ai,            // /ai: AI_RAW
  AiNormalized,  // /ai-normalized: AI_NORMALIZED, optionally aggregated
  Di,            // /di: DI, state changes only
  Pi,            // /electric-power: PI
  Generic,       // /generic: GENERIC
  Raw,           // /raw: AI_RAW, DI and GENERIC merged per point
  Latest,        // /latest
  LatestDelete,  // /latest?action=delete
  DataDelete,    // /data/tsdb-delete
};

// Why a request is refused, for tsdb_error(): api errc::invalid_param (80400), forbidden (80401: an asset the
// caller may not read), internal (80500), or the store's own error. The message names the field.
struct TsdbFailure {
  std::error_code code = make_error_code(errc::invalid_param);
  std::string message;
};

struct TsdbAsset {
  std::string asset_id;
  TimeZone zone;  // the device's, for local request times and "localtime"
};

// One point of the request: a point id, or for /ai-normalized an expression like "avg(p1)".
struct TsdbColumn {
  std::string key;       // the item key: the point id, or the expression as written
  std::string point_id;  // the point it reads
  std::optional<tsdb::Aggregation> fn;
};

struct TsdbQuery {
  TsdbEndpoint endpoint = TsdbEndpoint::Ai;
  std::vector<TsdbAsset> assets;               // request order, each once
  std::vector<TsdbColumn> columns;             // request order, each once; may be empty for deletes
  bool has_range = false;                      // startTime and endTime given
  RequestTime start, end;                      // both Absolute or both Local; start <= end
  int interval_minutes = 0;                    // /ai-normalized: 0 = plain normalized values
  bool descending = false;                     // /raw orderBy "timestamp desc"
  bool auto_interpolate = false;               // /di: the state before startTime is reported at startTime
  std::optional<int64_t> time_window_minutes;  // /latest
  std::size_t page_size = 0;                   // per series
  bool with_quality = false;
  bool local_time_accuracy = false;  // ".SSS" in localtime
  int local_time_format = 0;         // 0 "YYYY-MM-DD HH:mm:ss", 1 ISO-8601 with the device's offset
  int item_format = 0;
  std::optional<Cursor> cursor;  // decoded, not yet checked against the query (see check_cursor)

  std::size_t series_count() const { return assets.size() * columns.size(); }
  // Series are numbered asset-major: series = asset * columns + column.
  const TsdbAsset& asset_of(std::size_t series) const { return assets[series / columns.size()]; }
  const TsdbColumn& column_of(std::size_t series) const { return columns[series % columns.size()]; }
};

// Reads the request of `endpoint`: the JSON body, with query parameters as fallback (the body wins); assets
// given as assetIds, or productKey with deviceKey/deviceKeys, are looked up in the caller's OU. Checks every
// field and limit before anything is read.
bool parse_tsdb_query(ApiContext& ctx, const ApiCall& call, TsdbEndpoint endpoint, TsdbQuery& out,
                      TsdbFailure& failure);

// The store's time window of one asset: [start, end) in epoch ms (inclusive ends already made exclusive).
void asset_window(const TsdbQuery& q, const TsdbAsset& asset, int64_t& start_ms, int64_t& end_ms);

// The query's identity for its cursors: endpoint, assets, columns, times, interval, order, interpolation.
// Page size and presentation (itemFormat, withQuality, localtime options) may change between pages.
uint64_t query_hash(const TsdbQuery& q);

// One page of one series.
struct SeriesPage {
  std::size_t series = 0;
  std::vector<tsdb::Point> points;  // in the query's order
  bool more = false;                // the series goes on: resume_ms is where
  int64_t resume_ms = 0;
};

// A cursor fits the query when its hash matches and every entry names a series of the query with a resume
// point inside that series' window (on an interval boundary for aggregates).
bool check_cursor(const TsdbQuery& q, const Cursor& cursor, TsdbFailure& failure);

// One page of every series still to read (all of them, or those of the checked cursor), in series order.
bool read_tsdb_pages(const tsdb::TimeSeriesStore& store, const TsdbQuery& q, std::vector<SeriesPage>& pages,
                     TsdbFailure& failure);

// The cursor that continues `pages`, or nullopt when every series is finished.
std::optional<Cursor> next_cursor(const TsdbQuery& q, const std::vector<SeriesPage>& pages);

// The "items" of a read in itemFormat 0, 1 or 2 (see docs/api_tsdb.md).
boost::json::array format_items(const TsdbQuery& q, const std::vector<SeriesPage>& pages);

}  // namespace gridhub::api
