// create_ca and create_server_certificate: what OpenSSL's verifier and host checks make of them.
#include "pki_test_util.hpp"

namespace gridhub::pki::testing {
namespace {

TEST(CreateCa, SelfSignedEcP256CaWithKeyIdentifiers) {
  std::string error;
  auto ca = create_ca("Gridhub device CA o1", 7300, error);
  ASSERT_TRUE(ca) << error;
  Cert cert = read_cert(ca->cert_pem);
  Key key = read_key(ca->key_pem);
  ASSERT_TRUE(cert && key);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_TRUE(EVP_PKEY_is_a(key.get(), "EC"));
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 256);
  EXPECT_EQ(X509_verify(cert.get(), key.get()), 1);  // self-signed
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_TRUE(X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN);
  EXPECT_EQ(X509_get_pathlen(cert.get()), 0);
  ASSERT_TRUE(X509_get0_subject_key_id(cert.get()));
  ASSERT_TRUE(X509_get0_authority_key_id(cert.get()));
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(cert.get()), X509_get0_authority_key_id(cert.get())), 0);
  EXPECT_EQ(verify_chain(cert.get(), cert.get(), X509_PURPOSE_ANY), X509_V_OK);
  auto info = inspect_certificate(ca->cert_pem, error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->subject, "CN=Gridhub device CA o1");
  EXPECT_EQ(info->issuer, info->subject);
  EXPECT_EQ(info->not_after - info->not_before, 7300LL * 86'400'000 + 60'000);
  EXPECT_NE(ca->key_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);  // PKCS#8
}

TEST(CreateCa, Bounds) {
  std::string error;
  EXPECT_FALSE(create_ca("x", 0, error));
  EXPECT_NE(error.find("validity"), std::string::npos);
  EXPECT_TRUE(create_ca("x", 1, error)) << error;
  EXPECT_TRUE(create_ca(std::string(64, 'c'), 1, error)) << error;
  EXPECT_FALSE(create_ca(std::string(65, 'c'), 1, error));
  EXPECT_FALSE(create_ca("", 1, error));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(CreateCa, Utf8NameReadsBackAsUtf8) {
  std::string error;
  auto ca = create_ca("Gridhub CA \xc3\xa9t\xc3\xa9", 10, error);
  ASSERT_TRUE(ca) << error;
  auto info = inspect_certificate(ca->cert_pem, error);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->subject, "CN=Gridhub CA \xc3\xa9t\xc3\xa9");
  EXPECT_EQ(info->common_name, "Gridhub CA \xc3\xa9t\xc3\xa9");
}

TEST(ServerCertificate, ValidatesForItsHostsOnly) {
  std::string error;
  auto ca = create_ca("local CA", 3650, error);
  ASSERT_TRUE(ca) << error;
  auto server = create_server_certificate(*ca, {"gridhub.local", "localhost", "127.0.0.1", "::1", "10.1.2.3"}, 730,
                                          error);
  ASSERT_TRUE(server) << error;
  Cert ca_cert = read_cert(ca->cert_pem);
  Cert cert = read_cert(server->cert_pem);
  Key key = read_key(server->key_pem);
  ASSERT_TRUE(ca_cert && cert && key);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_EQ(verify_chain(ca_cert.get(), cert.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_NE(verify_chain(ca_cert.get(), cert.get(), X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  EXPECT_EQ(X509_check_host(cert.get(), "gridhub.local", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "example.com", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.1.2.3", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.1.2.4", 0), 0);
  // An IP address is an IP entry, not a DNS name.
  EXPECT_EQ(X509_check_host(cert.get(), "127.0.0.1", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  auto info = inspect_certificate(server->cert_pem, error);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->common_name, "gridhub.local");
  EXPECT_EQ(info->issuer, "CN=local CA");
  EXPECT_EQ(info->not_after - info->not_before, 730LL * 86'400'000 + 60'000);
}

TEST(ServerCertificate, RefusesBadInput) {
  std::string error;
  auto ca = create_ca("local CA", 3650, error);
  ASSERT_TRUE(ca) << error;
  EXPECT_FALSE(create_server_certificate(*ca, {}, 10, error));
  EXPECT_NE(error.find("at least one host"), std::string::npos);
  EXPECT_FALSE(create_server_certificate(*ca, {"localhost", "bad host"}, 10, error));
  EXPECT_NE(error.find("bad host"), std::string::npos);
  EXPECT_FALSE(create_server_certificate(*ca, {"localhost", std::string("1.2.3.4\0x", 9)}, 10, error));
  EXPECT_FALSE(create_server_certificate(*ca, {"localhost", ""}, 10, error));
  EXPECT_FALSE(create_server_certificate(*ca, {"localhost"}, 0, error));
  EXPECT_FALSE(create_server_certificate({ca->cert_pem, "nope"}, {"localhost"}, 10, error));
  EXPECT_NE(error.find("CA key"), std::string::npos);
  EXPECT_EQ(ERR_peek_error(), 0u);
  // 253 characters is the longest DNS name (but CN holds at most 64: put it second).
  EXPECT_TRUE(create_server_certificate(*ca, {"localhost", std::string(253, 'a')}, 10, error)) << error;
  EXPECT_FALSE(create_server_certificate(*ca, {"localhost", std::string(254, 'a')}, 10, error));
}

}  // namespace
}  // namespace gridhub::pki::testing
