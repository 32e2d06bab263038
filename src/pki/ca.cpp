// Certificate authorities and TLS server certificates: the OUs' device CAs and the local CA `gridhub serve`
// makes for its own listener.
#include "pki/cert_builder.hpp"
#include "pki/pki.hpp"

namespace gridhub::pki {

using namespace detail;

std::optional<CertifiedKey> create_ca(std::string_view common_name, int days, std::string& error) {
  ErrorQueueGuard guard;
  EvpPkeyPtr key = new_ec_key(error);
  if (!key) return std::nullopt;
  X509Ptr cert = new_certificate(key.get(), {{"CN", common_name}}, nullptr, days, error);
  // pathlen:0: a Gridhub CA signs leaf certificates only, never another CA.
  if (!cert || !add_extension(cert.get(), nullptr, NID_basic_constraints, "critical,CA:TRUE,pathlen:0", error) ||
      !add_extension(cert.get(), nullptr, NID_key_usage, "critical,keyCertSign,cRLSign", error) ||
      !add_extension(cert.get(), nullptr, NID_authority_key_identifier, "keyid:always", error) ||
      !sign(cert.get(), key.get(), error))
    return std::nullopt;
  auto cert_pem = cert_to_pem(cert.get(), error);
  auto key_pem = cert_pem ? key_to_pem(key.get(), error) : std::nullopt;
  if (!key_pem) return std::nullopt;
  return CertifiedKey{std::move(*cert_pem), std::move(*key_pem)};
}

std::optional<CertifiedKey> create_server_certificate(const CertifiedKey& ca, const std::vector<std::string>& hosts,
                                                      int days, std::string& error) {
  ErrorQueueGuard guard;
  if (hosts.empty()) {
    error = "a server certificate needs at least one host name";
    return std::nullopt;
  }
  auto issuer = read_issuer(ca, error);
  if (!issuer) return std::nullopt;
  EvpPkeyPtr key = new_ec_key(error);
  if (!key) return std::nullopt;
  X509Ptr cert = new_certificate(key.get(), {{"CN", hosts[0]}}, issuer->cert.get(), days, error);
  // An EC key signs the handshake (ECDHE-ECDSA): digitalSignature is the only key usage it needs.
  if (!cert || !add_extension(cert.get(), issuer->cert.get(), NID_basic_constraints, "critical,CA:FALSE", error) ||
      !add_extension(cert.get(), issuer->cert.get(), NID_key_usage, "critical,digitalSignature", error) ||
      !add_extension(cert.get(), issuer->cert.get(), NID_ext_key_usage, "serverAuth", error) ||
      !add_extension(cert.get(), issuer->cert.get(), NID_authority_key_identifier, "keyid:always", error) ||
      !add_subject_alt_names(cert.get(), hosts, error) || !sign(cert.get(), issuer->key.get(), error))
    return std::nullopt;
  auto cert_pem = cert_to_pem(cert.get(), error);
  auto key_pem = cert_pem ? key_to_pem(key.get(), error) : std::nullopt;
  if (!key_pem) return std::nullopt;
  return CertifiedKey{std::move(*cert_pem), std::move(*key_pem)};
}

}  // namespace gridhub::pki
