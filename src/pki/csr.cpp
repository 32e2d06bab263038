// Device certificates issued from a device's certificate signing request (EnOS certificates?action=apply).
#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "pki/cert_builder.hpp"
#include "pki/pki.hpp"

namespace gridhub::pki {

using namespace detail;

namespace {

// A CSR is a key and a few names: anything larger is not one.
constexpr std::size_t kMaxCsrBytes = 16 * 1024;
// RSA beyond this only costs verification time on every login; nobody issues such keys to devices.
constexpr int kMaxRsaBits = 8192;

X509ReqPtr read_csr(std::string_view pem, std::string& error) {
  if (pem.size() > kMaxCsrBytes) {
    error = "the CSR is larger than " + std::to_string(kMaxCsrBytes) + " bytes";
    return nullptr;
  }
  BioPtr bio = memory_bio(pem);
  // Also reads "NEW CERTIFICATE REQUEST" (older tools' header).
  X509ReqPtr req(bio ? PEM_read_bio_X509_REQ(bio.get(), nullptr, no_password, nullptr) : nullptr);
  if (!req) error = openssl_error("not a PEM certificate signing request");
  return req;
}

// RSA of kMin..kMax bits, EC on P-256 or P-384; "" when acceptable, else why not. A key type Gridhub does not
// know (Ed25519, DSA, RSA-PSS-only) is refused rather than guessed at.
std::string key_problem(EVP_PKEY* key) {
  const int bits = EVP_PKEY_get_bits(key);
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (bits < 2048) return "RSA keys must have at least 2048 bits, this one has " + std::to_string(bits);
    if (bits > kMaxRsaBits) return "RSA keys may have at most " + std::to_string(kMaxRsaBits) + " bits";
    return {};
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
      return "the CSR's EC key names no curve (explicit curve parameters are not accepted)";
    const std::string_view g(group, len);
    if (g == "prime256v1" || g == "P-256" || g == "secp384r1" || g == "P-384") return {};
    return "EC keys must be on P-256 or P-384, not " + std::string(g);
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return std::string("the CSR's key must be RSA (2048 bits or more) or EC P-256/P-384, not ") +
         (type ? type : "an unknown type");
}

}  // namespace

std::optional<std::string> sign_device_csr(const CertifiedKey& ca, std::string_view csr_pem, const DeviceSubject& who,
                                           int days, std::string& error) {
  ErrorQueueGuard guard;
  X509ReqPtr req = read_csr(csr_pem, error);
  if (!req) return std::nullopt;
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());  // owned by req
  if (!key) {
    error = openssl_error("the CSR's public key cannot be read");
    return std::nullopt;
  }
  if (std::string problem = key_problem(key); !problem.empty()) {
    error = std::move(problem);
    return std::nullopt;
  }
  // Proof of possession: only the holder of the private key could have signed the request.
  if (X509_REQ_verify(req.get(), key) != 1) {
    error = openssl_error("the CSR's signature does not verify");
    return std::nullopt;
  }
  auto issuer = read_issuer(ca, error);
  if (!issuer) return std::nullopt;
  // The CSR's own subject is ignored: the certificate says whom the platform issued it to.
  X509Ptr cert = new_certificate(
      key, {{"O", who.org_id}, {"OU", who.product_key}, {"CN", who.device_key}}, issuer->cert.get(), days, error);
  const char* usage = EVP_PKEY_is_a(key, "RSA") ? "critical,digitalSignature,keyEncipherment"  // RSA key exchange
                                                : "critical,digitalSignature";
  if (!cert || !add_extension(cert.get(), issuer->cert.get(), NID_basic_constraints, "critical,CA:FALSE", error) ||
      !add_extension(cert.get(), issuer->cert.get(), NID_key_usage, usage, error) ||
      !add_extension(cert.get(), issuer->cert.get(), NID_ext_key_usage, "clientAuth", error) ||
      !add_extension(cert.get(), issuer->cert.get(), NID_authority_key_identifier, "keyid:always", error) ||
      !sign(cert.get(), issuer->key.get(), error))
    return std::nullopt;
  return cert_to_pem(cert.get(), error);
}

}  // namespace gridhub::pki
