// Client-certificate login rules: required by biDirectionalAuth products, and only the registry's own,
// for the right device, unrevoked and in date.
#include "hub/tls_login.hpp"

namespace gridhub::hub {

namespace {
CertificateVerdict refuse(std::string reason) { return {false, std::move(reason)}; }
}  // namespace

CertificateVerdict check_client_certificate(const CertificateLogin& login, const pki::CertificateInfo* presented,
                                            const registry::DeviceCertificate* issued) {
  if (!presented) {
    if (!login.required) return {};
    return refuse(login.over_tls ? "the product requires a client certificate (biDirectionalAuth) and none was presented"
                                 : "the product requires a client certificate (biDirectionalAuth): connect over TLS");
  }
  const std::string name = "client certificate " + (presented->fingerprint.empty() ? std::string("(unreadable)")
                                                                                     : "sha256:" + presented->fingerprint);
  if (presented->fingerprint.empty()) return refuse(name + " could not be read");
  if (!issued || issued->fingerprint != presented->fingerprint)
    return refuse(name + " was not issued by this platform (unknown CA, self-signed or never recorded)");
  if (issued->product_key != login.product_key ||
      (!login.device_key.empty() && issued->device_key != login.device_key))
    return refuse(name + " (serial " + issued->cert_sn + ") belongs to device " + issued->product_key + "/" +
                  issued->device_key);
  if (issued->revoked) return refuse(name + " (serial " + issued->cert_sn + ") is revoked");
  const int64_t not_before = std::max(issued->not_before, presented->not_before);
  const int64_t not_after = std::min(issued->not_after, presented->not_after);
  if (login.now_ms < not_before) return refuse(name + " (serial " + issued->cert_sn + ") is not valid yet");
  if (login.now_ms > not_after) return refuse(name + " (serial " + issued->cert_sn + ") has expired");
  return {};
}

}  // namespace gridhub::hub
