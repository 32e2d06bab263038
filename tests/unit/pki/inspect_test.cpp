// inspect_certificate: serial and fingerprint forms, names, times, and what is not a certificate.
#include <openssl/bn.h>

#include "pki_test_util.hpp"

namespace gridhub::pki::testing {
namespace {

std::string hex(const unsigned char* p, unsigned n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s.push_back(d[p[i] >> 4]);
    s.push_back(d[p[i] & 15]);
  }
  return s;
}

TEST(InspectCertificate, FingerprintIsSha256OfTheDer) {
  Cert cert = read_cert(test_ca().cert_pem);
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert.get(), &der);
  ASSERT_GT(n, 0);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  ASSERT_EQ(EVP_Digest(der, static_cast<std::size_t>(n), md, &len, EVP_sha256(), nullptr), 1);
  OPENSSL_free(der);
  std::string error;
  auto info = inspect_certificate(test_ca().cert_pem, error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->fingerprint, hex(md, len));
  EXPECT_EQ(info->fingerprint.size(), 64u);
  // The X509* form agrees with the PEM form.
  CertificateInfo same = inspect_certificate(cert.get());
  EXPECT_EQ(same.fingerprint, info->fingerprint);
  EXPECT_EQ(same.serial, info->serial);
  EXPECT_EQ(same.subject, info->subject);
  EXPECT_EQ(same.not_before, info->not_before);
  EXPECT_EQ(same.not_after, info->not_after);
}

TEST(InspectCertificate, SerialIsLowerHexWithoutLeadingZeros) {
  Cert cert(X509_new());
  auto set = [&](const char* hex_serial) {
    BIGNUM* bn = nullptr;
    ASSERT_GT(BN_hex2bn(&bn, hex_serial), 0);
    ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, nullptr);
    X509_set_serialNumber(cert.get(), serial);
    ASN1_INTEGER_free(serial);
    BN_free(bn);
  };
  set("0");
  EXPECT_EQ(inspect_certificate(cert.get()).serial, "0");
  set("000ABC");
  EXPECT_EQ(inspect_certificate(cert.get()).serial, "abc");
  set("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
  EXPECT_EQ(inspect_certificate(cert.get()).serial, std::string(32, 'f'));
  // No names or times set: empty, not a crash.
  CertificateInfo info = inspect_certificate(cert.get());
  EXPECT_EQ(info.common_name, "");
  EXPECT_EQ(info.not_before, 0);
}

TEST(InspectCertificate, NullIsEmpty) {
  CertificateInfo info = inspect_certificate(static_cast<X509*>(nullptr));
  EXPECT_TRUE(info.serial.empty());
  EXPECT_TRUE(info.fingerprint.empty());
}

TEST(InspectCertificate, FirstOfSeveral) {
  std::string error;
  auto other = create_ca("second", 10, error);
  ASSERT_TRUE(other);
  auto info = inspect_certificate(test_ca().cert_pem + other->cert_pem, error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->common_name, "Gridhub device CA o123");
}

TEST(InspectCertificate, GarbageIsRefused) {
  std::string error;
  for (std::string_view bad : {std::string_view(""), std::string_view("junk"),
                               std::string_view("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                               std::string_view(test_ca().key_pem)}) {
    error.clear();
    EXPECT_FALSE(inspect_certificate(bad, error)) << bad;
    EXPECT_NE(error.find("not a PEM certificate"), std::string::npos) << error;
    EXPECT_EQ(ERR_peek_error(), 0u);
  }
  const std::string& pem = test_ca().cert_pem;
  EXPECT_FALSE(inspect_certificate(pem.substr(0, pem.size() - 30), error));
}

}  // namespace
}  // namespace gridhub::pki::testing
