// The OUs' device CAs and the device certificates they issued, in SQLite (schema v4). None of this is in the
// hub's snapshot (its login check asks find_certificate_by_fingerprint), so nothing here bumps the version.
#include "registry/sqlite_registry_internal.hpp"

namespace gridhub::registry {

namespace {

// A certificate with its device's keys: c = certificates, d = devices (the table keeps only the asset id, so a
// certificate follows its device and goes with it).
constexpr std::string_view kCertColumns =
    "c.cert_sn, c.org_id, c.asset_id, d.product_key, d.device_key, c.cert_pem, c.fingerprint, c.issue_time, "
    "c.not_before, c.not_after, c.revoked, c.revoke_time";
constexpr std::string_view kCertJoin = " FROM certificates c JOIN devices d ON d.asset_id = c.asset_id";

std::string select_certs(std::string_view where) {
  return std::string("SELECT ").append(kCertColumns).append(kCertJoin).append(" WHERE ").append(where);
}

void read_cert(Statement& st, DeviceCertificate& c) {
  c.cert_sn = st.text(0);
  c.org_id = st.text(1);
  c.asset_id = st.text(2);
  c.product_key = st.text(3);
  c.device_key = st.text(4);
  c.cert_pem = st.text(5);
  c.fingerprint = st.text(6);
  c.issue_time = st.int64(7);
  c.not_before = st.int64(8);
  c.not_after = st.int64(9);
  c.revoked = st.boolean(10);
  c.revoke_time = st.int64(11);
}

// The one certificate a bound statement selects, or not_found.
boost::system::result<DeviceCertificate> read_one(Statement& st) {
  boost::system::error_code ec;
  if (!st.step(ec)) return ec ? ec : make_error_code(errc::not_found);
  DeviceCertificate c;
  read_cert(st, c);
  return c;
}

}  // namespace

boost::system::result<void> SqliteRegistry::put_org_ca(const OrgCa& ca) {
  if (ca.org_id.empty() || ca.cert_pem.empty() || ca.key_pem.empty()) return make_error_code(errc::invalid_argument);
  const int64_t created = ca.create_time ? ca.create_time : wall_clock_ms();
  std::lock_guard lock(db_mutex_);
  auto org = org_exists_locked(ca.org_id);
  if (!org) return org.error();
  if (!*org) return make_error_code(errc::org_not_found);
  // Two API calls may make a CA for the same OU at once: the first insert wins, the other learns already_exists
  // and uses the winner's, so every certificate of the OU chains to the one CA.
  auto st = db_->prepare(
      "INSERT INTO org_cas (org_id, cert_pem, key_pem, create_time) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(org_id) DO NOTHING");
  if (!st) return st.error();
  st->bind(1, ca.org_id).bind(2, ca.cert_pem).bind(3, ca.key_pem).bind(4, created);
  if (auto r = st->run(); !r) return r;
  if (sqlite3_changes(db_->handle()) == 0) return make_error_code(errc::already_exists);
  return {};
}

boost::system::result<OrgCa> SqliteRegistry::get_org_ca(std::string_view org) {
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare("SELECT org_id, cert_pem, key_pem, create_time FROM org_cas WHERE org_id = ?1");
  if (!st) return st.error();
  st->bind(1, org);
  boost::system::error_code ec;
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  return OrgCa{std::string(st->text(0)), std::string(st->text(1)), std::string(st->text(2)), st->int64(3)};
}

boost::system::result<void> SqliteRegistry::save_certificate(const DeviceCertificate& c) {
  if (c.cert_sn.empty() || c.fingerprint.empty() || c.cert_pem.empty())
    return make_error_code(errc::invalid_argument);
  if (c.asset_id.empty()) return make_error_code(errc::not_found);
  const int64_t issued = c.issue_time ? c.issue_time : wall_clock_ms();
  std::lock_guard lock(db_mutex_);
  // product_key / device_key of the record are not stored: the device (by asset id, in the OU) is the owner.
  auto device = find_device_locked(c.org_id, c.asset_id, {}, {});
  if (!device) return device.error();
  {
    auto taken = db_->prepare("SELECT 1 FROM certificates WHERE cert_sn = ?1 OR fingerprint = ?2");
    if (!taken) return taken.error();
    auto found = taken->bind(1, c.cert_sn).bind(2, c.fingerprint).exists();
    if (!found) return found.error();
    if (*found) return make_error_code(errc::already_exists);
  }
  auto st = db_->prepare(
      "INSERT INTO certificates (cert_sn, fingerprint, org_id, asset_id, cert_pem, issue_time, not_before, "
      "not_after, revoked, revoke_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st) return st.error();
  st->bind(1, c.cert_sn)
      .bind(2, c.fingerprint)
      .bind(3, c.org_id)
      .bind(4, c.asset_id)
      .bind(5, c.cert_pem)
      .bind(6, issued)
      .bind(7, c.not_before)
      .bind(8, c.not_after)
      .bind(9, c.revoked)
      .bind(10, c.revoked ? c.revoke_time : int64_t{0});
  return st->run();
}

boost::system::result<DeviceCertificate> SqliteRegistry::get_certificate(std::string_view org,
                                                                         std::string_view cert_sn) {
  static const std::string sql = select_certs("c.cert_sn = ?1 AND c.org_id = ?2");
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return st.error();
  st->bind(1, cert_sn).bind(2, org);
  return read_one(*st);
}

boost::system::result<DeviceCertificate> SqliteRegistry::find_certificate_by_fingerprint(
    std::string_view fingerprint) {
  static const std::string sql = select_certs("c.fingerprint = ?1");
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return st.error();
  st->bind(1, fingerprint);
  return read_one(*st);
}

std::vector<DeviceCertificate> SqliteRegistry::list_certificates(std::string_view org, std::string_view pk,
                                                                 std::string_view dk) {
  // rowid breaks ties between certificates issued in the same millisecond: the later insert is newer.
  static const std::string sql =
      select_certs("d.product_key = ?1 AND d.device_key = ?2 AND d.org_id = ?3 AND c.org_id = ?3") +
      " ORDER BY c.issue_time DESC, c.rowid DESC";
  std::vector<DeviceCertificate> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  st->bind(1, pk).bind(2, dk).bind(3, org);
  boost::system::error_code ec;
  while (st->step(ec)) read_cert(*st, out.emplace_back());
  return out;
}

boost::system::result<DeviceCertificate> SqliteRegistry::revoke_certificate(std::string_view org,
                                                                            std::string_view cert_sn, int64_t now) {
  if (now == 0) now = wall_clock_ms();
  static const std::string sql = select_certs("c.cert_sn = ?1 AND c.org_id = ?2");
  std::lock_guard lock(db_mutex_);
  // "AND revoked = 0": revoking again keeps the first time, which is when the certificate stopped being trusted.
  auto update = db_->prepare(
      "UPDATE certificates SET revoked = 1, revoke_time = ?3 WHERE cert_sn = ?1 AND org_id = ?2 AND revoked = 0");
  if (!update) return update.error();
  update->bind(1, cert_sn).bind(2, org).bind(3, now);
  if (auto r = update->run(); !r) return r.error();
  auto st = db_->prepare(sql);
  if (!st) return st.error();
  st->bind(1, cert_sn).bind(2, org);
  return read_one(*st);
}

}  // namespace gridhub::registry
