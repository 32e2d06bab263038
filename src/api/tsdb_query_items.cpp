// The "items" of a TSDB read in EnOS's three item formats: one item per value (0), values merged per asset
// and timestamp (1), arrays per asset and point (2). Values take the hub's JSON forms.
#include <boost/json/object.hpp>
#include <map>

#include "api/tsdb_query.hpp"
#include "hub/value_convert.hpp"

namespace gridhub::api {

namespace {

boost::json::value quality_json(const std::optional<int32_t>& q) {
  return q ? boost::json::value(*q) : boost::json::value(nullptr);
}

class ItemWriter {
 public:
  explicit ItemWriter(const TsdbQuery& q) : q_(q) {}

  std::string localtime(int64_t t, const TsdbAsset& a) const {
    return format_local_time(t, a.zone, q_.local_time_accuracy, q_.local_time_format == 1);
  }

  boost::json::object head(const TsdbAsset& a, int64_t t) const {
    boost::json::object o;
    o.emplace("assetId", a.asset_id);
    o.emplace("timestamp", t);
    o.emplace("localtime", localtime(t, a));
    return o;
  }

  void value(boost::json::object& o, const TsdbColumn& c, const tsdb::Point& p) const {
    o[c.key] = hub::to_json(p.value);
    if (q_.with_quality) o[c.key + "_quality"] = quality_json(p.quality);
  }

  void format0(const std::vector<SeriesPage>& pages, boost::json::array& items) const {
    for (const auto& page : pages)
      for (const auto& p : page.points) {
        boost::json::object o = head(q_.asset_of(page.series), p.time_ms);
        value(o, q_.column_of(page.series), p);
        items.push_back(std::move(o));
      }
  }

  // Pages come in series order, so one asset's pages are adjacent; its items are merged by timestamp with the
  // points in request order.
  void format1(const std::vector<SeriesPage>& pages, boost::json::array& items) const {
    for (std::size_t i = 0; i < pages.size();) {
      const std::size_t asset = pages[i].series / q_.columns.size();
      const TsdbAsset& a = q_.assets[asset];
      std::map<int64_t, boost::json::object> by_time;
      for (; i < pages.size() && pages[i].series / q_.columns.size() == asset; ++i)
        for (const auto& p : pages[i].points) {
          auto [it, fresh] = by_time.try_emplace(p.time_ms);
          if (fresh) it->second = head(a, p.time_ms);
          value(it->second, q_.column_of(pages[i].series), p);
        }
      if (q_.descending)
        for (auto it = by_time.rbegin(); it != by_time.rend(); ++it) items.push_back(std::move(it->second));
      else
        for (auto& [t, o] : by_time) items.push_back(std::move(o));
    }
  }

  void format2(const std::vector<SeriesPage>& pages, boost::json::array& items) const {
    for (const auto& page : pages) {
      if (page.points.empty()) continue;
      const TsdbAsset& a = q_.asset_of(page.series);
      boost::json::array local, times, values, quality;
      for (const auto& p : page.points) {
        local.push_back(boost::json::string(localtime(p.time_ms, a)));
        times.push_back(p.time_ms);
        values.push_back(hub::to_json(p.value));
        if (q_.with_quality) quality.push_back(quality_json(p.quality));
      }
      boost::json::object o;
      o.emplace("assetId", a.asset_id);
      o.emplace("pointId", q_.column_of(page.series).key);
      o.emplace("localtime", std::move(local));
      o.emplace("timestamp", std::move(times));
      o.emplace("value", std::move(values));
      if (q_.with_quality) o.emplace("dataQuality", std::move(quality));
      items.push_back(std::move(o));
    }
  }

 private:
  const TsdbQuery& q_;
};

}  // namespace

boost::json::array format_items(const TsdbQuery& q, const std::vector<SeriesPage>& pages) {
  boost::json::array items;
  const ItemWriter w(q);
  if (q.item_format == 1)
    w.format1(pages, items);
  else if (q.item_format == 2)
    w.format2(pages, items);
  else
    w.format0(pages, items);
  return items;
}

}  // namespace gridhub::api
