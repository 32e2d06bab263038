// Gateway topology in SQLite (schema v4): which sub-devices a gateway speaks for. The hub reads it through its
// snapshot (all_topology), so every committed change bumps the version.
#include "registry/limits.hpp"
#include "registry/sqlite_registry_internal.hpp"

namespace gridhub::registry {

namespace {

// A link with both ends' keys: t = topology, g = gateway device, s = sub-device.
constexpr std::string_view kLinkColumns =
    "t.org_id, g.asset_id, g.product_key, g.device_key, s.asset_id, s.product_key, s.device_key, t.create_time";
constexpr std::string_view kLinkJoin =
    " FROM topology t JOIN devices g ON g.asset_id = t.gateway_asset_id JOIN devices s ON s.asset_id = "
    "t.sub_asset_id";

void read_link(Statement& st, TopologyLink& l) {
  l.org_id = st.text(0);
  l.gateway_asset_id = st.text(1);
  l.gateway_product_key = st.text(2);
  l.gateway_device_key = st.text(3);
  l.sub_asset_id = st.text(4);
  l.sub_product_key = st.text(5);
  l.sub_device_key = st.text(6);
  l.create_time = st.int64(7);
}

}  // namespace

boost::system::result<void> SqliteRegistry::add_sub_devices(
    std::string_view org, std::string_view gateway_pk, std::string_view gateway_dk,
    const std::vector<std::pair<std::string, std::string>>& subs, int64_t now) {
  if (now == 0) now = wall_clock_ms();
  std::lock_guard lock(db_mutex_);
  auto gateway = find_device_locked(org, {}, gateway_pk, gateway_dk);
  if (!gateway) return gateway.error();
  auto product = get_product_locked(org, gateway_pk);
  if (!product) return product.error();
  if (product->node_type != "Gateway") return make_error_code(errc::invalid_argument);
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r;
  bool changed = false;
  for (const auto& [pk, dk] : subs) {
    if (pk == gateway_pk && dk == gateway_dk) return make_error_code(errc::invalid_argument);
    auto sub = find_device_locked(org, {}, pk, dk);
    if (!sub) return sub.error();
    auto owner = db_->prepare("SELECT gateway_asset_id FROM topology WHERE sub_asset_id = ?1");
    if (!owner) return owner.error();
    owner->bind(1, sub->asset_id);
    boost::system::error_code ec;
    if (owner->step(ec)) {
      if (owner->text(0) != gateway->asset_id) return make_error_code(errc::in_use);
      continue;  // already this gateway's
    }
    if (ec) return ec;
    auto insert = db_->prepare(
        "INSERT INTO topology (sub_asset_id, gateway_asset_id, org_id, create_time) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return insert.error();
    insert->bind(1, sub->asset_id).bind(2, gateway->asset_id).bind(3, org).bind(4, now);
    if (auto r = insert->run(); !r) return r;
    changed = true;
  }
  auto count = db_->prepare("SELECT COUNT(*) FROM topology WHERE gateway_asset_id = ?1");
  if (!count) return count.error();
  count->bind(1, gateway->asset_id);
  auto n = count->scalar(0);
  if (!n) return n.error();
  if (*n > kMaxSubDevicesPerGateway) return make_error_code(errc::limit_exceeded);
  if (auto r = tx.commit(); !r) return r;
  if (changed) bump();
  return {};
}

boost::system::result<void> SqliteRegistry::remove_sub_devices(
    std::string_view org, std::string_view gateway_pk, std::string_view gateway_dk,
    const std::vector<std::pair<std::string, std::string>>& subs) {
  std::lock_guard lock(db_mutex_);
  auto gateway = find_device_locked(org, {}, gateway_pk, gateway_dk);
  if (!gateway) return gateway.error();
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r;
  bool changed = false;
  for (const auto& [pk, dk] : subs) {
    auto st = db_->prepare(
        "DELETE FROM topology WHERE gateway_asset_id = ?1 AND sub_asset_id = "
        "(SELECT asset_id FROM devices WHERE product_key = ?2 AND device_key = ?3 AND org_id = ?4)");
    if (!st) return st.error();
    st->bind(1, gateway->asset_id).bind(2, pk).bind(3, dk).bind(4, org);
    if (auto r = st->run(); !r) return r;
    changed = changed || sqlite3_changes(db_->handle()) > 0;
  }
  if (auto r = tx.commit(); !r) return r;
  if (changed) bump();
  return {};
}

boost::system::result<PageResult<TopologyLink>> SqliteRegistry::list_sub_devices(std::string_view org,
                                                                                 std::string_view gateway_pk,
                                                                                 std::string_view gateway_dk,
                                                                                 Page page) {
  std::lock_guard lock(db_mutex_);
  auto gateway = find_device_locked(org, {}, gateway_pk, gateway_dk);
  if (!gateway) return gateway.error();
  PageResult<TopologyLink> out;
  const std::string where = std::string(kLinkJoin) + " WHERE t.gateway_asset_id = ?1 AND t.org_id = ?2";
  auto bind = [&](Statement& st) { st.bind(1, gateway->asset_id).bind(2, org); };
  read_search_page(*db_, kLinkColumns, where, "t.create_time, s.asset_id", 2, page, bind, read_link, out);
  return out;
}

boost::system::result<TopologyLink> SqliteRegistry::get_gateway(std::string_view org, std::string_view sub_pk,
                                                                std::string_view sub_dk) {
  static const std::string sql = std::string("SELECT ")
                                     .append(kLinkColumns)
                                     .append(kLinkJoin)
                                     .append(" WHERE s.product_key = ?1 AND s.device_key = ?2 AND t.org_id = ?3");
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return st.error();
  st->bind(1, sub_pk).bind(2, sub_dk).bind(3, org);
  boost::system::error_code ec;
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  TopologyLink l;
  read_link(*st, l);
  return l;
}

std::vector<TopologyLink> SqliteRegistry::all_topology() {
  static const std::string sql = std::string("SELECT ").append(kLinkColumns).append(kLinkJoin);
  std::vector<TopologyLink> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  boost::system::error_code ec;
  while (st->step(ec)) read_link(*st, out.emplace_back());
  return out;
}

}  // namespace gridhub::registry
