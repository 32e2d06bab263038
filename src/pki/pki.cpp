// PLACEHOLDER: not implemented yet (the TLS/certificates helper writes the pki module).
#include "pki/pki.hpp"

namespace gridhub::pki {

std::optional<CertifiedKey> create_ca(std::string_view, int, std::string& error) {
  error = "PLACEHOLDER not implemented yet";
  return std::nullopt;
}
std::optional<CertifiedKey> create_server_certificate(const CertifiedKey&, const std::vector<std::string>&, int,
                                                      std::string& error) {
  error = "PLACEHOLDER not implemented yet";
  return std::nullopt;
}
std::optional<std::string> sign_device_csr(const CertifiedKey&, std::string_view, const DeviceSubject&, int,
                                           std::string& error) {
  error = "PLACEHOLDER not implemented yet";
  return std::nullopt;
}
std::optional<CertificateInfo> inspect_certificate(std::string_view, std::string& error) {
  error = "PLACEHOLDER not implemented yet";
  return std::nullopt;
}
CertificateInfo inspect_certificate(X509*) { return {}; }
std::optional<LocalTlsFiles> ensure_local_tls(const std::filesystem::path&, const std::vector<std::string>&,
                                              std::string& error) {
  error = "PLACEHOLDER not implemented yet";
  return std::nullopt;
}

}  // namespace gridhub::pki
