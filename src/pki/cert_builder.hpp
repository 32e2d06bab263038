// What issuing any certificate takes (a CA's, a server's, a device's): keys, PEM in and out, names, serials,
// validity, extensions and the signature. Internal to src/pki.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pki/openssl_ptr.hpp"
#include "pki/pki.hpp"

namespace gridhub::pki::detail {

// Longest validity any call accepts (100 years): a bound on the caller's arithmetic, not a policy.
inline constexpr int kMaxDays = 36500;

// A new EC P-256 key (every key Gridhub makes itself is one).
EvpPkeyPtr new_ec_key(std::string& error);

// PEM (PKCS#8 for keys) out of OpenSSL objects.
std::optional<std::string> cert_to_pem(X509* cert, std::string& error);
std::optional<std::string> key_to_pem(EVP_PKEY* key, std::string& error);

// A CA (or any issuer) read back from PEM: its certificate and the private key, checked to belong together.
struct Issuer {
  X509Ptr cert;
  EvpPkeyPtr key;
};
std::optional<Issuer> read_issuer(const CertifiedKey& ca, std::string& error);
X509Ptr read_cert(std::string_view pem, std::string& error);
EvpPkeyPtr read_key(std::string_view pem, std::string& error);

// Name entries in the order they are added (RFC 2253 prints them last first), e.g. {{"O","o1"},{"CN","x"}}.
using NameEntries = std::vector<std::pair<const char*, std::string_view>>;

// A v3 certificate for `subject_key` named `subject`, not signed yet: a random positive 128-bit serial, valid
// from now - 60 s until now + `days`, issuer = `issuer` (nullptr: self-issued), with subjectKeyIdentifier.
X509Ptr new_certificate(EVP_PKEY* subject_key, const NameEntries& subject, X509* issuer, int days,
                        std::string& error);

// Adds an extension written in OpenSSL's config syntax ("critical,CA:FALSE"). `issuer` is the certificate
// whose key identifier authorityKeyIdentifier copies (the certificate itself when self-signed).
bool add_extension(X509* cert, X509* issuer, int nid, const char* value, std::string& error);

// subjectAltName from `hosts`: IPv4/IPv6 literals as IP entries, the rest as DNS names ([A-Za-z0-9.*_-]).
bool add_subject_alt_names(X509* cert, const std::vector<std::string>& hosts, std::string& error);

// Signs with SHA-256 (ECDSA or RSA PKCS#1 v1.5, per the issuer's key).
bool sign(X509* cert, EVP_PKEY* issuer_key, std::string& error);

// The password callback of every PEM read: never OpenSSL's default, which would prompt on the terminal for an
// encrypted PEM block.
int no_password(char* buf, int size, int rwflag, void* user);

// 1..kMaxDays, else false with a message naming `what`.
bool check_days(int days, std::string& error);

}  // namespace gridhub::pki::detail
