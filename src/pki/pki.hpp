// X.509 for Gridhub (OpenSSL 3): the OUs' device CAs, device certificates issued from CSRs, the local CA and
// server certificate `gridhub serve` creates when none is configured, and reading what a peer presented.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct x509_st X509;  // <openssl/x509.h>, without pulling it into every includer

namespace gridhub::pki {

// A certificate and its private key, PEM.
struct CertifiedKey {
  std::string cert_pem, key_pem;
};

// What the hub and the API need to know about a certificate.
struct CertificateInfo {
  std::string serial;       // lower-case hex, no leading zeros ("0" for zero)
  std::string fingerprint;  // SHA-256 of the DER encoding, lower-case hex
  std::string subject, issuer;  // one-line RFC 2253 form, e.g. "CN=dk1,OU=pk1,O=o123"
  std::string common_name;  // the subject's CN ("" when none)
  int64_t not_before = 0, not_after = 0;  // epoch ms
};

// Whom a device certificate is for: written into its subject as CN=device_key, OU=product_key, O=org_id.
struct DeviceSubject {
  std::string org_id, product_key, device_key;
};

// A new self-signed CA (EC P-256, SHA-256) named `common_name`, valid `days` from now. nullopt + `error` on failure.
std::optional<CertifiedKey> create_ca(std::string_view common_name, int days, std::string& error);

// A TLS server certificate signed by `ca`: CN = hosts[0], every host a subjectAltName (IP addresses as IP
// entries, the rest as DNS), serverAuth, valid `days`.
std::optional<CertifiedKey> create_server_certificate(const CertifiedKey& ca, const std::vector<std::string>& hosts,
                                                      int days, std::string& error);

// Issues a device certificate for the CSR's public key (RSA >= 2048 bits or EC P-256/P-384): the CSR's own
// signature must verify; its subject is ignored and replaced by `who`; a random 128-bit serial; clientAuth;
// valid from now - 1 min for `days`. Returns the certificate PEM. Errors name what is wrong with the CSR.
std::optional<std::string> sign_device_csr(const CertifiedKey& ca, std::string_view csr_pem, const DeviceSubject& who,
                                           int days, std::string& error);

// Reads a PEM certificate (the first one when several).
std::optional<CertificateInfo> inspect_certificate(std::string_view pem, std::string& error);
// Reads a certificate a TLS peer presented (does not take ownership).
CertificateInfo inspect_certificate(X509* cert);

// The files `gridhub serve` uses for TLS when none is configured: <dir>/ca.pem + ca.key (a local CA, 10 years)
// and <dir>/server.pem + server.key (signed by it for `hosts`, ~2 years). Existing files are kept; missing ones
// are created (keys mode 0600). Devices trust <dir>/ca.pem.
struct LocalTlsFiles {
  std::filesystem::path ca_cert, ca_key, server_cert, server_key;
  bool created = false;  // true when this call wrote them
};
std::optional<LocalTlsFiles> ensure_local_tls(const std::filesystem::path& dir, const std::vector<std::string>& hosts,
                                              std::string& error);

}  // namespace gridhub::pki
