// sign_device_csr: CSRs made with OpenSSL as a device would make them, the certificates checked by OpenSSL's own
// verifier (X509_verify, X509_verify_cert, and the openssl command line), and every refusal.
#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "pki_test_util.hpp"

namespace gridhub::pki::testing {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sign_ok(const std::string& csr, int days = 365, const DeviceSubject& who = kWho) {
  std::string error;
  auto pem = sign_device_csr(test_ca(), csr, who, days, error);
  EXPECT_TRUE(pem) << error;
  return pem ? *pem : std::string();
}

std::string refusal(const std::string& csr, int days = 365, const DeviceSubject& who = kWho,
                    const CertifiedKey& ca = test_ca()) {
  std::string error;
  auto pem = sign_device_csr(ca, csr, who, days, error);
  EXPECT_FALSE(pem);
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(ERR_peek_error(), 0u) << "the OpenSSL error queue must be left empty";
  return error;
}

// The properties every device certificate has, whatever its key.
void expect_device_certificate(const std::string& pem, EVP_PKEY* device_key, bool rsa) {
  Cert ca = read_cert(test_ca().cert_pem);
  Cert cert = read_cert(pem);
  ASSERT_TRUE(cert);
  Key ca_pub(X509_get_pubkey(ca.get()));
  EXPECT_EQ(X509_verify(cert.get(), ca_pub.get()), 1);
  EXPECT_EQ(verify_chain(ca.get(), cert.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  // clientAuth only: the certificate must not pass as a server's.
  EXPECT_NE(verify_chain(ca.get(), cert.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), device_key), 1);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_TRUE(X509_get_extension_flags(cert.get()) & EXFLAG_BCONS);  // basicConstraints present (CA:FALSE)
  const uint32_t ku = X509_get_key_usage(cert.get());
  EXPECT_TRUE(ku & KU_DIGITAL_SIGNATURE);
  EXPECT_EQ(static_cast<bool>(ku & KU_KEY_ENCIPHERMENT), rsa);
  EXPECT_FALSE(ku & KU_KEY_CERT_SIGN);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(cert.get());
  const ASN1_OCTET_STRING* ca_skid = X509_get0_subject_key_id(ca.get());
  ASSERT_TRUE(akid && ca_skid);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(akid, ca_skid), 0);
  EXPECT_TRUE(X509_get0_subject_key_id(cert.get()));
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
}

TEST(SignDeviceCsr, Rsa2048IsSignedAndVerifiesAgainstTheCa) {
  Key key = rsa_key(2048);
  const std::string pem = sign_ok(make_csr(key.get()));
  expect_device_certificate(pem, key.get(), true);
}

TEST(SignDeviceCsr, EcP256IsSignedAndVerifiesAgainstTheCa) {
  Key key = ec_key("P-256");
  const std::string pem = sign_ok(make_csr(key.get()));
  expect_device_certificate(pem, key.get(), false);
}

TEST(SignDeviceCsr, EcP384IsSigned) {
  Key key = ec_key("P-384");
  expect_device_certificate(sign_ok(make_csr(key.get(), EVP_sha384())), key.get(), false);
}

TEST(SignDeviceCsr, SubjectIsReplacedByTheDevice) {
  Key key = ec_key("P-256");
  std::string error;
  auto info = inspect_certificate(sign_ok(make_csr(key.get())), error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->subject, "CN=dk1,OU=pk1,O=o123");  // not the CSR's "CN=admin,O=Attacker"
  EXPECT_EQ(info->common_name, "dk1");
  EXPECT_EQ(info->issuer, "CN=Gridhub device CA o123");
}

TEST(SignDeviceCsr, ValidFromAMinuteAgoForTheDays) {
  Key key = ec_key("P-256");
  const int64_t before = now_ms();
  const std::string pem = sign_ok(make_csr(key.get()), 30);
  const int64_t after = now_ms();
  std::string error;
  auto info = inspect_certificate(pem, error);
  ASSERT_TRUE(info) << error;
  // Certificate times have whole seconds.
  EXPECT_GE(info->not_before, before - 61'000);
  EXPECT_LE(info->not_before, after - 59'000);
  EXPECT_EQ(info->not_after - info->not_before, 30LL * 86'400'000 + 60'000);
}

TEST(SignDeviceCsr, DaysBounds) {
  Key key = ec_key("P-256");
  const std::string csr = make_csr(key.get());
  EXPECT_NE(refusal(csr, 0).find("1..36500"), std::string::npos);
  EXPECT_NE(refusal(csr, -1).find("validity"), std::string::npos);
  sign_ok(csr, 1);
  sign_ok(csr, 36500);
  refusal(csr, 36501);
}

TEST(SignDeviceCsr, SerialsAreRandomPositive128Bit) {
  Key key = ec_key("P-256");
  const std::string csr = make_csr(key.get());
  std::set<std::string> serials;
  for (int i = 0; i < 20; ++i) {
    const std::string pem = sign_ok(csr);
    Cert cert = read_cert(pem);
    ASSERT_TRUE(cert);
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
    EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);  // not V_ASN1_NEG_INTEGER
    std::string error;
    auto info = inspect_certificate(pem, error);
    ASSERT_TRUE(info);
    EXPECT_LE(info->serial.size(), 32u);
    EXPECT_GE(info->serial.size(), 20u);  // 2^-48 odds of a false failure: fine
    EXPECT_NE(info->serial[0], '0');
    EXPECT_EQ(info->serial.find_first_not_of("0123456789abcdef"), std::string::npos);
    serials.insert(info->serial);
  }
  EXPECT_EQ(serials.size(), 20u);
}

TEST(SignDeviceCsr, BrokenSignatureIsRefused) {
  Key key = ec_key("P-256");
  const std::string csr = make_csr(key.get());
  // The last byte is inside the signature; byte 40 or so is inside the subject the signature covers.
  for (long at : {-1L, -3L}) {
    const std::string broken = flip_csr_byte(csr, at);
    ASSERT_FALSE(broken.empty());
    EXPECT_NE(refusal(broken).find("signature"), std::string::npos) << at;
  }
  Key rsa = rsa_key(2048);
  const std::string rsa_csr = make_csr(rsa.get());
  const std::string rsa_broken = flip_csr_byte(rsa_csr, -1);
  ASSERT_FALSE(rsa_broken.empty());
  EXPECT_NE(refusal(rsa_broken).find("signature"), std::string::npos);
}

TEST(SignDeviceCsr, ChangedSubjectBreaksTheSignature) {
  Key key = ec_key("P-256");
  std::string csr = make_csr(key.get());
  // "admin" appears once in the DER: change it to "admio" after signing.
  Bio in(BIO_new_mem_buf(csr.data(), static_cast<int>(csr.size())));
  Req req(PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr));
  unsigned char* der = nullptr;
  const int n = i2d_X509_REQ(req.get(), &der);
  const std::string_view bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  const auto at = bytes.find("admin");
  OPENSSL_free(der);
  ASSERT_NE(at, std::string_view::npos);
  const std::string broken = flip_csr_byte(csr, static_cast<long>(at + 4));
  ASSERT_FALSE(broken.empty());
  EXPECT_NE(refusal(broken).find("signature"), std::string::npos);
}

TEST(SignDeviceCsr, WeakOrUnknownKeysAreRefused) {
  Key rsa1024 = rsa_key(1024);
  EXPECT_NE(refusal(make_csr(rsa1024.get())).find("at least 2048 bits"), std::string::npos);
  Key rsa2047 = rsa_key(2047);  // the bound: 2047 refused, 2048 accepted (above)
  EXPECT_NE(refusal(make_csr(rsa2047.get())).find("2047"), std::string::npos);
  Key p521 = ec_key("P-521");
  EXPECT_NE(refusal(make_csr(p521.get(), EVP_sha512())).find("P-256 or P-384"), std::string::npos);
  Key k256 = ec_key("secp256k1");
  EXPECT_NE(refusal(make_csr(k256.get())).find("secp256k1"), std::string::npos);
  Key ed = ed25519_key();
  ASSERT_TRUE(ed);
  EXPECT_NE(refusal(make_csr(ed.get(), nullptr)).find("ED25519"), std::string::npos);
}

TEST(SignDeviceCsr, GarbageIsRefused) {
  EXPECT_NE(refusal("").find("not a PEM certificate signing request"), std::string::npos);
  refusal("hello");
  refusal("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
  refusal("-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n");
  refusal(std::string("\0\0\0", 3));
  // A certificate is not a CSR.
  refusal(test_ca().cert_pem);
  // Truncated in the middle.
  Key key = ec_key("P-256");
  const std::string csr = make_csr(key.get());
  refusal(csr.substr(0, csr.size() / 2));
}

TEST(SignDeviceCsr, SizeBound) {
  Key key = ec_key("P-256");
  const std::string csr = make_csr(key.get());
  // Text after the END line is ignored by the reader; the size bound counts it.
  const std::size_t limit = 16 * 1024;
  ASSERT_LT(csr.size(), limit);
  sign_ok(csr + std::string(limit - csr.size(), '\n'));
  EXPECT_NE(refusal(csr + std::string(limit + 1 - csr.size(), '\n')).find("larger than"), std::string::npos);
}

TEST(SignDeviceCsr, SubjectFieldBounds) {
  Key key = ec_key("P-256");
  const std::string csr = make_csr(key.get());
  sign_ok(csr, 365, {"o123", "pk1", std::string(64, 'd')});
  EXPECT_NE(refusal(csr, 365, {"o123", "pk1", std::string(65, 'd')}).find("CN"), std::string::npos);
  EXPECT_NE(refusal(csr, 365, {"", "pk1", "dk1"}).find("O"), std::string::npos);
  refusal(csr, 365, {"o123", "", "dk1"});
}

TEST(SignDeviceCsr, BadCaIsRefused) {
  Key key = ec_key("P-256");
  const std::string csr = make_csr(key.get());
  std::string error;
  auto other = create_ca("other", 10, error);
  ASSERT_TRUE(other) << error;
  // The certificate of one CA with the key of another.
  EXPECT_NE(refusal(csr, 365, kWho, {test_ca().cert_pem, other->key_pem}).find("does not match"),
            std::string::npos);
  EXPECT_NE(refusal(csr, 365, kWho, {"junk", test_ca().key_pem}).find("CA certificate"), std::string::npos);
  EXPECT_NE(refusal(csr, 365, kWho, {test_ca().cert_pem, "junk"}).find("CA key"), std::string::npos);
  // A leaf (server certificate) cannot act as a CA.
  auto server = create_server_certificate(test_ca(), {"localhost"}, 10, error);
  ASSERT_TRUE(server) << error;
  EXPECT_NE(refusal(csr, 365, kWho, *server).find("not a CA"), std::string::npos);
}

TEST(SignDeviceCsr, OpensslCommandLineVerifiesIt) {
  if (std::system("openssl version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  Key key = rsa_key(2048);
  const std::string pem = sign_ok(make_csr(key.get()));
  const auto dir = std::filesystem::temp_directory_path() / ("gridhub-pki-cli-" + std::to_string(now_ms()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ca.pem") << test_ca().cert_pem;
  std::ofstream(dir / "dev.pem") << pem;
  std::string error;
  auto other = create_ca("other", 10, error);
  ASSERT_TRUE(other);
  std::ofstream(dir / "other.pem") << other->cert_pem;
  const std::string d = dir.string();
  EXPECT_EQ(std::system(("openssl verify -x509_strict -purpose sslclient -CAfile " + d + "/ca.pem " + d +
                         "/dev.pem > /dev/null 2>&1")
                            .c_str()),
            0);
  EXPECT_NE(std::system(("openssl verify -CAfile " + d + "/other.pem " + d + "/dev.pem > /dev/null 2>&1").c_str()),
            0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gridhub::pki::testing
