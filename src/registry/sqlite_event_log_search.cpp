// Reading the event log: one event by id, and searches (newest first, paged like the registry's searches),
// both on the reader connection so they never wait for a batch to commit.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "registry/errc.hpp"
#include "registry/limits.hpp"
#include "registry/row_codec.hpp"
#include "registry/sqlite_event_log.hpp"
#include "registry/sqlite_registry_internal.hpp"

namespace gridhub::registry {

namespace {

// A read transaction: the count and the page see the same snapshot even while the writer commits between
// them. Ends (a read-only transaction has nothing to roll back) when it goes out of scope.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(SqliteDb& db) : db_(db), open_(static_cast<bool>(db.exec("BEGIN"))) {}
  ~ReadSnapshot() {
    if (open_) (void)db_.exec("COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  SqliteDb& db_;
  bool open_;
};

}  // namespace

boost::system::result<Event> SqliteEventLog::get(std::string_view org, int64_t event_id) {
  static const std::string sql =
      std::string("SELECT ").append(kEventColumns).append(" FROM events WHERE event_id = ?1 AND org_id = ?2");
  std::lock_guard lock(read_mutex_);
  auto st = reader_db_->prepare(sql);
  if (!st) return st.error();
  st->bind(1, event_id).bind(2, org);
  boost::system::error_code ec;
  // Another OU's event reads as missing: its existence is nobody else's business.
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  Event e;
  read_event(*st, e);
  return e;
}

PageResult<Event> SqliteEventLog::search(std::string_view org, const EventFilter& f, Page page) {
  PageResult<Event> out;
  for (const auto* s : {&f.product_key, &f.device_key, &f.tsl_event_key, &f.tsl_event_type})
    if (s->size() > kMaxFilterBytes) return out;  // cannot match anything stored
  // Fixed fragments with fixed parameter numbers: the SQL text depends only on which filters are set. The
  // asset ids travel as one JSON array, so any number of them shares one cached statement.
  std::string where = " FROM events WHERE org_id = ?1";
  if (!f.asset_ids.empty()) where += " AND asset_id IN (SELECT value FROM json_each(?2))";
  if (!f.product_key.empty()) where += " AND product_key = ?3";
  if (!f.device_key.empty()) where += " AND device_key = ?4";
  if (!f.tsl_event_key.empty()) where += " AND tsl_event_key = ?5";
  if (!f.tsl_event_type.empty()) where += " AND tsl_event_type = ?6";
  if (f.start_time != 0) where += " AND timestamp >= ?7";
  if (f.end_time != 0) where += " AND timestamp < ?8";
  std::string asset_ids;
  if (!f.asset_ids.empty()) {
    boost::json::array ids;
    for (const auto& id : f.asset_ids) ids.emplace_back(id);
    asset_ids = boost::json::serialize(ids);
  }
  auto bind_filters = [&](Statement& st) {
    st.bind(1, org);
    if (!f.asset_ids.empty()) st.bind(2, asset_ids);
    if (!f.product_key.empty()) st.bind(3, f.product_key);
    if (!f.device_key.empty()) st.bind(4, f.device_key);
    if (!f.tsl_event_key.empty()) st.bind(5, f.tsl_event_key);
    if (!f.tsl_event_type.empty()) st.bind(6, f.tsl_event_type);
    if (f.start_time != 0) st.bind(7, f.start_time);
    if (f.end_time != 0) st.bind(8, f.end_time);
  };
  std::lock_guard lock(read_mutex_);
  ReadSnapshot snapshot(*reader_db_);
  read_search_page(*reader_db_, kEventColumns, where, "timestamp DESC, event_id DESC", 8,
                   page, bind_filters, read_event, out);
  return out;
}

}  // namespace gridhub::registry
