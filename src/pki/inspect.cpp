// Reading a certificate: serial, fingerprint, names and validity (the API's answers, the hub's login check).
#include <openssl/pem.h>

#include <ctime>

#include "pki/cert_builder.hpp"
#include "pki/pki.hpp"

namespace gridhub::pki {

using namespace detail;

namespace {

std::string lower_hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 0xf]);
  }
  return out;
}

std::string serial_hex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  OpenSslString hex(bn ? BN_bn2hex(bn.get()) : nullptr);  // upper case, whole bytes ("0ABC"), "0" for zero
  if (!hex) return {};
  std::string out(hex.get());
  const std::size_t first = out.find_first_not_of('0');
  out.erase(0, first == std::string::npos ? out.size() - 1 : first);  // "0" stays "0"
  for (char& c : out)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// RFC 2253 order and escaping, but UTF-8 kept as UTF-8 (the plain RFC 2253 flags would write "\C3\A9").
std::string one_line(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 && data ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string common_name(const X509_NAME* name) {
  const int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (at < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, value);
  if (n < 0 || !utf8) return {};
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

int64_t epoch_ms(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

CertificateInfo inspect_certificate(X509* cert) {
  ErrorQueueGuard guard;
  CertificateInfo info;
  if (!cert) return info;
  info.serial = serial_hex(X509_get0_serialNumber(cert));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) == 1) info.fingerprint = lower_hex(md, n);
  info.subject = one_line(X509_get_subject_name(cert));
  info.issuer = one_line(X509_get_issuer_name(cert));
  info.common_name = common_name(X509_get_subject_name(cert));
  info.not_before = epoch_ms(X509_get0_notBefore(cert));
  info.not_after = epoch_ms(X509_get0_notAfter(cert));
  return info;
}

std::optional<CertificateInfo> inspect_certificate(std::string_view pem, std::string& error) {
  ErrorQueueGuard guard;
  X509Ptr cert = read_cert(pem, error);
  if (!cert) return std::nullopt;
  return inspect_certificate(cert.get());
}

}  // namespace gridhub::pki
