// Reading pages of series from the store: raw reads with inclusive ends, normalized and aggregated windows,
// /raw's three categories merged, /di's state changes; where each series resumes, and checking a cursor's
// resume points against the query.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "api/tsdb_query.hpp"
#include "api/tsdb_query_limits.hpp"

namespace gridhub::api {

namespace {

tsdb::Category category_of(TsdbEndpoint e) {
  switch (e) {
    case TsdbEndpoint::AiNormalized:
      return tsdb::Category::AiNormalized;
    case TsdbEndpoint::Di:
      return tsdb::Category::Di;
    case TsdbEndpoint::Pi:
      return tsdb::Category::Pi;
    case TsdbEndpoint::Generic:
      return tsdb::Category::Generic;
    default:
      return tsdb::Category::AiRaw;
  }
}

bool aggregated(const TsdbQuery& q) {
  return q.endpoint == TsdbEndpoint::AiNormalized && q.interval_minutes > 0;
}

// DI keeps a state: a value "changes" unless kind and value are the same (NaN counts as the same as NaN).
bool same_value(const tsdb::Value& a, const tsdb::Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case tsdb::ValueKind::Int:
      return a.i == b.i;
    case tsdb::ValueKind::Double:
      return a.d == b.d || (std::isnan(a.d) && std::isnan(b.d));
    case tsdb::ValueKind::Bool:
      return a.b == b.b;
    case tsdb::ValueKind::String:
    case tsdb::ValueKind::Json:
      return a.s == b.s;
  }
  return false;
}

class SeriesReader {
 public:
  SeriesReader(const tsdb::TimeSeriesStore& store, const TsdbQuery& q) : store_(store), q_(q) {}

  std::error_code read(std::size_t series, std::optional<int64_t> resume, SeriesPage& out) {
    out = SeriesPage{};
    out.series = series;
    const TsdbAsset& asset = q_.asset_of(series);
    const TsdbColumn& column = q_.column_of(series);
    int64_t start = 0, end = 0;
    asset_window(q_, asset, start, end);
    tsdb::RangeQuery rq;
    rq.asset_id = asset.asset_id;
    rq.point_id = column.point_id;
    rq.category = category_of(q_.endpoint);
    rq.start_ms = start;
    rq.end_ms = end;
    rq.limit = q_.page_size;
    rq.descending = q_.descending;
    if (resume) (q_.descending ? rq.end_ms : rq.start_ms) = *resume;
    if (aggregated(q_)) return windows(rq, *column.fn, out);
    if (q_.endpoint == TsdbEndpoint::Raw) return merged(rq, out);
    if (q_.endpoint == TsdbEndpoint::Di) return changes(rq, start, resume.has_value(), out);
    return plain(rq, out);
  }

 private:
  void resume_after(const std::vector<tsdb::Point>& points, bool more, SeriesPage& out) const {
    // A store that says "more" with nothing read would loop a client forever: treat it as finished.
    out.more = more && !points.empty();
    if (out.more) out.resume_ms = q_.descending ? points.back().time_ms : points.back().time_ms + 1;
  }

  std::error_code plain(const tsdb::RangeQuery& rq, SeriesPage& out) const {
    bool more = false;
    if (rq.start_ms >= rq.end_ms) return {};
    if (auto ec = store_.range(rq, out.points, more)) return ec;
    resume_after(out.points, more, out);
    return {};
  }

  // AI_RAW, DI and GENERIC of one point as one series. Each category yields at most page_size points, so the
  // first page_size points of the union are all among them; a time stored in two categories is the same
  // sample, reported once (AI_RAW's, then DI's, then GENERIC's).
  std::error_code merged(tsdb::RangeQuery rq, SeriesPage& out) const {
    if (rq.start_ms >= rq.end_ms) return {};
    std::vector<std::pair<int, tsdb::Point>> all;
    bool more = false;
    int rank = 0;
    for (auto c : {tsdb::Category::AiRaw, tsdb::Category::Di, tsdb::Category::Generic}) {
      rq.category = c;
      std::vector<tsdb::Point> points;
      bool m = false;
      if (auto ec = store_.range(rq, points, m)) return ec;
      more = more || m;
      for (auto& p : points) all.emplace_back(rank, std::move(p));
      ++rank;
    }
    const bool desc = q_.descending;
    std::stable_sort(all.begin(), all.end(), [desc](const auto& a, const auto& b) {
      if (a.second.time_ms != b.second.time_ms)
        return desc ? a.second.time_ms > b.second.time_ms : a.second.time_ms < b.second.time_ms;
      return a.first < b.first;
    });
    std::size_t distinct = 0;
    std::optional<int64_t> last;
    for (auto& [r, p] : all) {
      if (last && *last == p.time_ms) continue;
      last = p.time_ms;
      ++distinct;
      if (out.points.size() < q_.page_size) out.points.push_back(std::move(p));
    }
    resume_after(out.points, more || distinct > q_.page_size, out);
    return {};
  }

  // DI: only the points whose value differs from the point before them; the first point of the request always
  // counts. A page ends at page_size changes, resuming at the next change; or after kMaxTsdbDiScanPoints
  // stored points, resuming after the last one read (that page may hold fewer changes, even none).
  std::error_code changes(tsdb::RangeQuery rq, int64_t start, bool resumed, SeriesPage& out) const {
    if (rq.start_ms >= rq.end_ms) return {};
    std::optional<tsdb::Value> state;
    std::vector<tsdb::Point> before;
    bool more = false;
    tsdb::RangeQuery back = rq;
    back.descending = true;
    back.limit = 1;
    if (resumed) {
      // The state at the resume point is the stored point before it (if it is inside the request).
      back.start_ms = start;
      back.end_ms = rq.start_ms;
      if (auto ec = store_.range(back, before, more)) return ec;
      if (!before.empty()) state = std::move(before.front().value);
    } else if (q_.auto_interpolate) {
      // EnOS: with no point at startTime, the last state of the 30 days before it is reported at startTime.
      tsdb::RangeQuery at = rq;
      at.end_ms = rq.start_ms + 1;
      at.limit = 1;
      std::vector<tsdb::Point> exact;
      if (auto ec = store_.range(at, exact, more)) return ec;
      back.start_ms = std::max<int64_t>(0, rq.start_ms - kTsdbDiLookbackMs);
      back.end_ms = rq.start_ms;
      if (exact.empty() && back.start_ms < back.end_ms) {
        if (auto ec = store_.range(back, before, more)) return ec;
        if (!before.empty()) {
          before.front().time_ms = rq.start_ms;
          state = before.front().value;
          out.points.push_back(std::move(before.front()));
        }
      }
    }
    rq.limit = std::clamp<std::size_t>(q_.page_size + 1, 256, 16384);
    std::size_t scanned = 0;
    while (true) {
      std::vector<tsdb::Point> chunk;
      if (auto ec = store_.range(rq, chunk, more)) return ec;
      for (auto& p : chunk) {
        ++scanned;
        if (state && same_value(*state, p.value)) continue;
        if (out.points.size() >= q_.page_size) {
          out.more = true;
          out.resume_ms = p.time_ms;
          return {};
        }
        state = p.value;
        out.points.push_back(std::move(p));
      }
      if (!more || chunk.empty()) return {};
      rq.start_ms = chunk.back().time_ms + 1;
      if (scanned >= kMaxTsdbDiScanPoints) {
        out.more = true;
        out.resume_ms = rq.start_ms;
        return {};
      }
    }
  }

  // Aggregates over windows aligned to the start of the request; a page is page_size windows and the next one
  // starts at the following window (so resume points stay aligned).
  std::error_code windows(const tsdb::RangeQuery& rq, tsdb::Aggregation fn, SeriesPage& out) const {
    if (rq.start_ms >= rq.end_ms) return {};
    tsdb::AggregateQuery aq;
    aq.asset_id = rq.asset_id;
    aq.point_id = rq.point_id;
    aq.category = tsdb::Category::AiNormalized;
    aq.start_ms = rq.start_ms;
    aq.end_ms = rq.end_ms;
    aq.interval_ms = int64_t{q_.interval_minutes} * 60000;
    aq.fn = fn;
    std::vector<tsdb::Bucket> buckets;
    if (auto ec = store_.aggregate(aq, buckets)) return ec;
    for (std::size_t i = 0; i < buckets.size() && i < q_.page_size; ++i)
      out.points.push_back({buckets[i].time_ms, std::move(buckets[i].value), std::nullopt});
    if (buckets.size() > q_.page_size) {
      out.more = true;
      out.resume_ms = buckets[q_.page_size].time_ms;
    }
    return {};
  }

  const tsdb::TimeSeriesStore& store_;
  const TsdbQuery& q_;
};

}  // namespace

void asset_window(const TsdbQuery& q, const TsdbAsset& asset, int64_t& start_ms, int64_t& end_ms) {
  const auto instant = [&](const RequestTime& t) {
    return std::max<int64_t>(0, t.kind == RequestTime::Kind::Local ? asset.zone.to_utc(t.ms) : t.ms);
  };
  start_ms = instant(q.start);
  end_ms = instant(q.end);
  // Every read includes endTime except /ai-normalized, whose windows are [start, end) as in EnOS.
  if (q.endpoint != TsdbEndpoint::AiNormalized) ++end_ms;
}

uint64_t query_hash(const TsdbQuery& q) {
  QueryHash h;
  h.add(static_cast<int64_t>(q.endpoint)).add(static_cast<int64_t>(q.assets.size()));
  for (const auto& a : q.assets) h.add(a.asset_id);
  h.add(static_cast<int64_t>(q.columns.size()));
  for (const auto& c : q.columns) h.add(c.key);
  h.add(static_cast<int64_t>(q.start.kind))
      .add(q.start.ms)
      .add(static_cast<int64_t>(q.end.kind))
      .add(q.end.ms);
  h.add(q.interval_minutes).add(q.descending ? 1 : 0).add(q.auto_interpolate ? 1 : 0);
  return h.value();
}

bool check_cursor(const TsdbQuery& q, const Cursor& cursor, TsdbFailure& failure) {
  const auto refuse = [&](std::string message) {
    failure = {make_error_code(errc::invalid_param), std::move(message)};
    return false;
  };
  if (cursor.query_hash != query_hash(q))
    return refuse(
        "cursor belongs to a different query (repeat the request that returned it, changing only cursor)");
  for (const auto& e : cursor.entries) {
    if (e.series >= q.series_count()) return refuse("cursor does not fit this query");
    int64_t start = 0, end = 0;
    asset_window(q, q.asset_of(e.series), start, end);
    bool fits = e.resume_ms >= start && e.resume_ms <= end;
    if (aggregated(q)) {
      const int64_t interval_ms = int64_t{q.interval_minutes} * 60000;
      fits = e.resume_ms >= start && e.resume_ms < end && (e.resume_ms - start) % interval_ms == 0;
    }
    if (!fits) return refuse("cursor does not fit this query");
  }
  return true;
}

bool read_tsdb_pages(const tsdb::TimeSeriesStore& store, const TsdbQuery& q, std::vector<SeriesPage>& pages,
                     TsdbFailure& failure) {
  SeriesReader reader(store, q);
  pages.clear();
  const auto one = [&](std::size_t series, std::optional<int64_t> resume) {
    pages.emplace_back();
    if (auto ec = reader.read(series, resume, pages.back())) {
      const auto& a = q.asset_of(series);
      const auto& c = q.column_of(series);
      if (ec != tsdb::errc::bad_query)
        spdlog::error("api: tsdb read of {}/{} failed: {}", a.asset_id, c.point_id, ec.message());
      failure = {ec, "reading " + a.asset_id + "/" + c.point_id + ": " + ec.message()};
      return false;
    }
    return true;
  };
  if (q.cursor) {
    pages.reserve(q.cursor->entries.size());
    for (const auto& e : q.cursor->entries)
      if (!one(e.series, e.resume_ms)) return false;
    return true;
  }
  pages.reserve(q.series_count());
  for (std::size_t s = 0; s < q.series_count(); ++s)
    if (!one(s, std::nullopt)) return false;
  return true;
}

std::optional<Cursor> next_cursor(const TsdbQuery& q, const std::vector<SeriesPage>& pages) {
  Cursor c;
  for (const auto& p : pages)
    if (p.more) c.entries.push_back({static_cast<uint32_t>(p.series), p.resume_ms});
  if (c.entries.empty()) return std::nullopt;
  c.query_hash = query_hash(q);
  return c;
}

}  // namespace gridhub::api
