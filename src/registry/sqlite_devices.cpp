// Devices in SQLite: creation with generated ids, lookups, updates, enable/disable, searches and the full
// listing for the hub's snapshot. Every read overlays the presence changes still queued.
#include "registry/keys.hpp"
#include "registry/limits.hpp"
#include "registry/row_codec.hpp"
#include "registry/sqlite_registry_internal.hpp"
#include "registry/validate.hpp"

namespace gridhub::registry {

namespace {

const std::string kSelectDevices = std::string("SELECT ").append(kDeviceColumns).append(" FROM devices d");

// The status filter as a fixed fragment; nullptr for a value EnOS does not define.
const char* status_condition(std::string_view status) {
  if (status == "inactive") return " AND d.enabled = 1 AND d.activated = 0";
  if (status == "online") return " AND d.enabled = 1 AND d.activated = 1 AND d.online = 1";
  if (status == "offline") return " AND d.enabled = 1 AND d.activated = 1 AND d.online = 0";
  if (status == "disable") return " AND d.enabled = 0";
  return nullptr;
}

}  // namespace

boost::system::result<Device> SqliteRegistry::find_device_locked(std::string_view org,
                                                                 std::string_view asset_id,
                                                                 std::string_view pk, std::string_view dk) {
  static const std::string by_asset = kSelectDevices + " WHERE d.asset_id = ?1 AND d.org_id = ?2";
  static const std::string by_key =
      kSelectDevices + " WHERE d.product_key = ?1 AND d.device_key = ?3 AND d.org_id = ?2";
  auto st = db_->prepare(asset_id.empty() ? by_key : by_asset);
  if (!st) return st.error();
  st->bind(2, org);
  if (asset_id.empty())
    st->bind(1, pk).bind(3, dk);
  else
    st->bind(1, asset_id);
  boost::system::error_code ec;
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  Device d;
  read_device(*st, d);
  presence_.apply(d);
  return d;
}

boost::system::result<Device> SqliteRegistry::create_device(Device d) {
  if (auto ec = check_device(d)) return ec;
  std::lock_guard lock(db_mutex_);
  {
    auto st = db_->prepare("SELECT org_id, device_count FROM products WHERE product_key = ?1");
    if (!st) return st.error();
    st->bind(1, d.product_key);
    boost::system::error_code ec;
    if (!st->step(ec)) return ec ? ec : make_error_code(errc::product_not_found);
    if (st->text(0) != d.org_id) return make_error_code(errc::product_not_found);
    if (st->int64(1) >= kMaxDevicesPerProduct) return make_error_code(errc::limit_exceeded);
  }
  auto key_taken = [&](const std::string& k) -> boost::system::result<bool> {
    auto st = db_->prepare("SELECT 1 FROM devices WHERE product_key = ?1 AND device_key = ?2");
    if (!st) return bool_error(st.error());
    return st->bind(1, d.product_key).bind(2, k).exists();
  };
  auto asset_taken = [&](const std::string& id) -> boost::system::result<bool> {
    auto st = db_->prepare("SELECT 1 FROM devices WHERE asset_id = ?1");
    if (!st) return bool_error(st.error());
    return st->bind(1, id).exists();
  };
  if (d.device_key.empty()) {
    auto key = fresh_key([] { return random_key(kGeneratedDeviceKeyLength); }, key_taken);
    if (!key) return key.error();
    d.device_key = std::move(*key);
  } else {
    auto taken = key_taken(d.device_key);
    if (!taken) return taken.error();
    if (*taken) return make_error_code(errc::already_exists);
  }
  if (d.asset_id.empty()) {
    auto id = fresh_key([] { return random_key(kAssetIdLength); }, asset_taken);
    if (!id) return id.error();
    d.asset_id = std::move(*id);
  } else {
    auto taken = asset_taken(d.asset_id);
    if (!taken) return taken.error();
    if (*taken) return make_error_code(errc::already_exists);
  }
  if (d.device_secret.empty()) d.device_secret = random_key(kDeviceSecretLength);
  if (d.create_time == 0) d.create_time = wall_clock_ms();
  d.activated = d.online = false;
  d.active_time = d.last_online_time = d.last_offline_time = 0;

  const std::string name = json_column(d.name), search = name_search_text(d.name);
  const std::string attributes = json_column(d.attributes), tags = json_column(d.tags);
  auto st = db_->prepare(
      "INSERT INTO devices (asset_id, org_id, product_key, device_key, device_secret, name, name_search, "
      "description, timezone, dst, attributes, tags, enabled, activated, online, create_time, active_time, "
      "last_online_time, last_offline_time) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, 0, ?14, 0, 0, 0)");
  if (!st) return st.error();
  st->bind(1, d.asset_id)
      .bind(2, d.org_id)
      .bind(3, d.product_key)
      .bind(4, d.device_key)
      .bind(5, d.device_secret);
  st->bind(6, name).bind(7, search).bind(8, d.description).bind(9, d.timezone).bind(10, d.dst);
  st->bind(11, attributes).bind(12, tags).bind(13, d.enabled).bind(14, d.create_time);
  if (auto r = st->run(); !r) return r.error();
  // A login queued for an earlier device with the same keys must not leak onto this one.
  PresenceDelta stale;
  presence_.take_one(d.product_key, d.device_key, stale);
  bump();
  return d;
}

boost::system::result<Device> SqliteRegistry::get_device(std::string_view org, std::string_view product_key,
                                                         std::string_view device_key) {
  std::lock_guard lock(db_mutex_);
  return find_device_locked(org, {}, product_key, device_key);
}

boost::system::result<Device> SqliteRegistry::get_device_by_asset(std::string_view org,
                                                                  std::string_view asset_id) {
  if (asset_id.empty()) return make_error_code(errc::not_found);
  std::lock_guard lock(db_mutex_);
  return find_device_locked(org, asset_id, {}, {});
}

boost::system::result<Device> SqliteRegistry::update_device(const Device& in) {
  if (auto ec = check_device(in)) return ec;
  std::lock_guard lock(db_mutex_);
  auto stored = find_device_locked(in.org_id, in.asset_id, in.product_key, in.device_key);
  if (!stored) return stored.error();
  Device d = std::move(*stored);
  d.name = in.name;
  d.description = in.description;
  d.timezone = in.timezone;
  d.dst = in.dst;
  d.attributes = in.attributes;
  d.tags = in.tags;

  const std::string name = json_column(d.name), search = name_search_text(d.name);
  const std::string attributes = json_column(d.attributes), tags = json_column(d.tags);
  auto st = db_->prepare(
      "UPDATE devices SET name = ?1, name_search = ?2, description = ?3, timezone = ?4, dst = ?5, attributes "
      "= ?6, "
      "tags = ?7 WHERE asset_id = ?8");
  if (!st) return st.error();
  st->bind(1, name).bind(2, search).bind(3, d.description).bind(4, d.timezone).bind(5, d.dst);
  st->bind(6, attributes).bind(7, tags).bind(8, d.asset_id);
  if (auto r = st->run(); !r) return r.error();
  // No bump(): names, attributes and tags are not in the hub's snapshot, and devices update their attributes
  // often enough that a snapshot rebuild per update would cost the whole fleet.
  return d;
}

boost::system::result<void> SqliteRegistry::delete_device(std::string_view org, std::string_view pk,
                                                          std::string_view dk) {
  std::lock_guard lock(db_mutex_);
  auto stored = find_device_locked(org, {}, pk, dk);
  if (!stored) return stored.error();
  auto st = db_->prepare("DELETE FROM devices WHERE asset_id = ?1");
  if (!st) return st.error();
  if (auto r = st->bind(1, stored->asset_id).run(); !r) return r;
  PresenceDelta dropped;
  presence_.take_one(pk, dk, dropped);
  bump();
  return {};
}

boost::system::result<void> SqliteRegistry::set_device_enabled(std::string_view org, std::string_view pk,
                                                               std::string_view dk, bool enabled,
                                                               int64_t now) {
  std::lock_guard lock(db_mutex_);
  auto stored = find_device_locked(org, {}, pk, dk);
  if (!stored) return stored.error();
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r;
  // Write the device's queued presence first, so "was it online" below sees the truth and a later batch
  // cannot mark the disabled device online again.
  PresenceDelta pending;
  const bool had_pending = presence_.take_one(pk, dk, pending);
  auto restore = [&] {
    if (had_pending)
      presence_.put_back({PendingPresence{std::string(pk).append(1, '\0').append(dk), pending}});
  };
  if (had_pending) {
    if (auto r = write_presence_locked(pk, dk, pending); !r) return restore(), r;
  }
  auto st = db_->prepare(enabled ? "UPDATE devices SET enabled = 1 WHERE asset_id = ?1"
                                 : "UPDATE devices SET enabled = 0, online = 0, "
                                   "last_offline_time = CASE WHEN online = 1 THEN ?2 ELSE last_offline_time "
                                   "END WHERE asset_id = ?1");
  if (!st) return restore(), st.error();
  st->bind(1, stored->asset_id);
  if (!enabled) st->bind(2, now);
  if (auto r = st->run(); !r) return restore(), r;
  if (auto r = tx.commit(); !r) return restore(), r;
  bump();
  return {};
}

PageResult<Device> SqliteRegistry::search_devices(std::string_view org, const DeviceFilter& f, Page page) {
  PageResult<Device> out;
  for (const auto* s : {&f.product_key, &f.device_key, &f.asset_id, &f.model_id, &f.name_like})
    if (s->size() > kMaxFilterBytes) return out;
  const char* status = nullptr;
  if (!f.status.empty() && !(status = status_condition(f.status))) return out;
  // Fixed fragments with fixed parameter numbers: the SQL text depends only on which filters are set.
  std::string where = " FROM devices d WHERE d.org_id = ?1";
  if (!f.product_key.empty()) where += " AND d.product_key = ?2";
  if (!f.device_key.empty()) where += " AND d.device_key = ?3";
  if (!f.asset_id.empty()) where += " AND d.asset_id = ?4";
  if (!f.model_id.empty())
    where += " AND d.product_key IN (SELECT product_key FROM products WHERE org_id = ?1 AND model_id = ?5)";
  if (!f.name_like.empty()) where += " AND d.name_search LIKE ?6 ESCAPE '\\'";
  if (status) where += status;
  const std::string pattern = like_pattern(f.name_like);
  auto bind_filters = [&](Statement& st) {
    st.bind(1, org);
    if (!f.product_key.empty()) st.bind(2, f.product_key);
    if (!f.device_key.empty()) st.bind(3, f.device_key);
    if (!f.asset_id.empty()) st.bind(4, f.asset_id);
    if (!f.model_id.empty()) st.bind(5, f.model_id);
    if (!f.name_like.empty()) st.bind(6, pattern);
  };
  std::lock_guard lock(db_mutex_);
  // Status lives partly in the queue; filtering on it in SQL needs the queue on disk first.
  if (status && !presence_.empty()) {
    if (auto r = drain_presence_locked(); !r) return out;
  }
  read_search_page(*db_, kDeviceColumns, where, "d.create_time DESC, d.asset_id", 6,
                   page, bind_filters, read_device, out);
  presence_.apply(out.items);
  return out;
}

std::vector<Device> SqliteRegistry::all_devices() {
  // No ORDER BY: a scan in table order reads pages sequentially, where index order would seek per row.
  static const std::string& sql = kSelectDevices;
  std::vector<Device> out;
  std::lock_guard lock(db_mutex_);
  {
    auto count = db_->prepare("SELECT COUNT(*) FROM devices");
    if (!count) return out;
    auto n = count->scalar(0);
    if (!n) return out;
    out.reserve(static_cast<std::size_t>(*n));
  }
  auto st = db_->prepare(sql);
  if (!st) return out;
  boost::system::error_code ec;
  while (st->step(ec)) read_device(*st, out.emplace_back());
  presence_.apply(out);
  return out;
}

}  // namespace gridhub::registry
