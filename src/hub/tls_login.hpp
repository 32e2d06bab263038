// The certificate half of a device login (issue 5 "TLS"): whether the client certificate a connection presented,
// or its absence, lets an otherwise valid login through.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "pki/pki.hpp"
#include "registry/records.hpp"

namespace gridhub::hub {

// What the login knows besides the certificate.
struct CertificateLogin {
  bool over_tls = false;
  bool required = false;  // the product has biDirectionalAuth
  std::string_view product_key, device_key;  // device_key "" for the integration channel (any device of pk)
  int64_t now_ms = 0;
};

struct CertificateVerdict {
  bool accepted = true;
  std::string reason;  // why not (logged; names the certificate by serial/fingerprint, never a key)
};

// Pure. `presented`: the certificate of the TLS handshake, null when none (or plain TCP). `issued`: the
// registry's record for the presented certificate's fingerprint, null when the registry issued no such
// certificate. Accepted when no certificate was presented and none is required; or when the presented one was
// issued for this very device (pk + dk), is not revoked and `now` is within its validity (both the record's
// and the certificate's own dates).
CertificateVerdict check_client_certificate(const CertificateLogin& login, const pki::CertificateInfo* presented,
                                            const registry::DeviceCertificate* issued);

}  // namespace gridhub::hub
