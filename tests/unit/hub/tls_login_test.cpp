// check_client_certificate: the certificate half of a login, every rule and every date bound at N and N+1.
#include "hub/tls_login.hpp"

#include <gtest/gtest.h>

namespace gridhub::hub {
namespace {

constexpr int64_t kNotBefore = 1'700'000'000'000, kNotAfter = 1'800'000'000'000;

class CertificateLoginTest : public ::testing::Test {
 protected:
  CertificateLoginTest() {
    presented_.fingerprint = std::string(64, 'a');
    presented_.serial = "1f";
    presented_.not_before = kNotBefore;
    presented_.not_after = kNotAfter;
    issued_.cert_sn = "1f";
    issued_.org_id = "o1";
    issued_.product_key = "pk1";
    issued_.device_key = "dk1";
    issued_.fingerprint = presented_.fingerprint;
    issued_.not_before = kNotBefore;
    issued_.not_after = kNotAfter;
    login_.over_tls = true;
    login_.product_key = "pk1";
    login_.device_key = "dk1";
    login_.now_ms = kNotBefore + 1000;
  }
  CertificateVerdict check(bool with_cert = true, bool with_record = true) {
    return check_client_certificate(login_, with_cert ? &presented_ : nullptr, with_record ? &issued_ : nullptr);
  }
  CertificateLogin login_;
  pki::CertificateInfo presented_;
  registry::DeviceCertificate issued_;
};

TEST_F(CertificateLoginTest, NoCertificateIsFineWhenNotRequired) {
  EXPECT_TRUE(check(false, false).accepted);
  login_.over_tls = false;
  EXPECT_TRUE(check(false, false).accepted);
}

TEST_F(CertificateLoginTest, BiDirectionalAuthWithoutCertificateIsRefused) {
  login_.required = true;
  auto v = check(false, false);
  EXPECT_FALSE(v.accepted);
  EXPECT_NE(v.reason.find("none was presented"), std::string::npos) << v.reason;
}

TEST_F(CertificateLoginTest, BiDirectionalAuthOverPlainTcpIsRefusedAndSaysUseTls) {
  login_.required = true;
  login_.over_tls = false;
  auto v = check(false, false);
  EXPECT_FALSE(v.accepted);
  EXPECT_NE(v.reason.find("connect over TLS"), std::string::npos) << v.reason;
}

TEST_F(CertificateLoginTest, IssuedCertificateOfTheDeviceIsAccepted) {
  EXPECT_TRUE(check().accepted);
  login_.required = true;
  EXPECT_TRUE(check().accepted);
}

TEST_F(CertificateLoginTest, UnknownCertificateIsRefusedEvenWhenNotRequired) {
  // A certificate the registry never issued: self-signed, another CA, another platform.
  auto v = check(true, false);
  EXPECT_FALSE(v.accepted);
  EXPECT_NE(v.reason.find("not issued"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find(presented_.fingerprint), std::string::npos) << v.reason;
}

TEST_F(CertificateLoginTest, RecordWithAnotherFingerprintIsRefused) {
  issued_.fingerprint = std::string(64, 'b');
  EXPECT_FALSE(check().accepted);
}

TEST_F(CertificateLoginTest, UnreadableCertificateIsRefused) {
  presented_.fingerprint.clear();
  issued_.fingerprint.clear();
  auto v = check();
  EXPECT_FALSE(v.accepted);
  EXPECT_NE(v.reason.find("could not be read"), std::string::npos) << v.reason;
}

TEST_F(CertificateLoginTest, AnotherDevicesCertificateIsRefused) {
  issued_.device_key = "dk2";
  auto v = check();
  EXPECT_FALSE(v.accepted);
  EXPECT_NE(v.reason.find("belongs to device pk1/dk2"), std::string::npos) << v.reason;
  issued_.device_key = "dk1";
  issued_.product_key = "pk2";
  EXPECT_FALSE(check().accepted);
  // Same device key in another product is another device.
  login_.product_key = "pk2";
  EXPECT_TRUE(check().accepted);
}

TEST_F(CertificateLoginTest, IntegrationChannelAcceptsAnyDeviceOfItsProduct) {
  login_.device_key = "";
  EXPECT_TRUE(check().accepted);
  login_.product_key = "pk2";
  EXPECT_FALSE(check().accepted);
}

TEST_F(CertificateLoginTest, RevokedCertificateIsRefused) {
  issued_.revoked = true;
  issued_.revoke_time = kNotBefore + 10;
  auto v = check();
  EXPECT_FALSE(v.accepted);
  EXPECT_NE(v.reason.find("revoked"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("serial 1f"), std::string::npos) << v.reason;
}

TEST_F(CertificateLoginTest, ValidityBoundsAreInclusive) {
  login_.now_ms = kNotBefore;
  EXPECT_TRUE(check().accepted);
  login_.now_ms = kNotBefore - 1;
  auto early = check();
  EXPECT_FALSE(early.accepted);
  EXPECT_NE(early.reason.find("not valid yet"), std::string::npos) << early.reason;
  login_.now_ms = kNotAfter;
  EXPECT_TRUE(check().accepted);
  login_.now_ms = kNotAfter + 1;
  auto late = check();
  EXPECT_FALSE(late.accepted);
  EXPECT_NE(late.reason.find("expired"), std::string::npos) << late.reason;
}

TEST_F(CertificateLoginTest, TheTighterOfRecordAndCertificateDatesApplies) {
  // The record says longer than the certificate itself: the certificate's own dates win, and the other way round.
  issued_.not_after = kNotAfter + 1'000'000;
  login_.now_ms = kNotAfter + 1;
  EXPECT_FALSE(check().accepted);
  issued_.not_after = kNotAfter;
  presented_.not_after = kNotAfter + 1'000'000;
  EXPECT_FALSE(check().accepted);
  presented_.not_before = kNotBefore - 1'000'000;
  login_.now_ms = kNotBefore - 1;
  EXPECT_FALSE(check().accepted);
}

}  // namespace
}  // namespace gridhub::hub
