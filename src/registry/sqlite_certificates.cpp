// The OUs' device CAs and the device certificates they issued, in SQLite (schema v4).
// PLACEHOLDER: not implemented yet (the TLS/certificates helper writes it).
#include "registry/sqlite_registry_internal.hpp"

namespace gridhub::registry {

boost::system::result<void> SqliteRegistry::put_org_ca(const OrgCa&) {
  return make_error_code(errc::storage_error);  // PLACEHOLDER not implemented yet
}
boost::system::result<OrgCa> SqliteRegistry::get_org_ca(std::string_view) {
  return make_error_code(errc::not_found);  // PLACEHOLDER not implemented yet
}
boost::system::result<void> SqliteRegistry::save_certificate(const DeviceCertificate&) {
  return make_error_code(errc::storage_error);  // PLACEHOLDER not implemented yet
}
boost::system::result<DeviceCertificate> SqliteRegistry::get_certificate(std::string_view, std::string_view) {
  return make_error_code(errc::not_found);  // PLACEHOLDER not implemented yet
}
boost::system::result<DeviceCertificate> SqliteRegistry::find_certificate_by_fingerprint(std::string_view) {
  return make_error_code(errc::not_found);  // PLACEHOLDER not implemented yet
}
std::vector<DeviceCertificate> SqliteRegistry::list_certificates(std::string_view, std::string_view,
                                                                 std::string_view) {
  return {};  // PLACEHOLDER not implemented yet
}
boost::system::result<DeviceCertificate> SqliteRegistry::revoke_certificate(std::string_view, std::string_view,
                                                                            int64_t) {
  return make_error_code(errc::not_found);  // PLACEHOLDER not implemented yet
}

}  // namespace gridhub::registry
