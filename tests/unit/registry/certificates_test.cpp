// The OUs' CAs and device certificates: one CA per OU (the first wins), certificates owned by a device of the OU,
// unique serial and fingerprint, reads scoped to the OU (except by fingerprint), newest first, a revoke that keeps
// its first time, deletion with the device, persistence, and no version bump.
#include <gtest/gtest.h>

#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

class Certificates : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    if (HasFatalFailure()) return;
    org_ = org("one");
    model(org_, "M");
    pk_ = product(org_, "M", "battery").product_key;
    dev_ = device(org_, pk_, "dev_1");
    other_dev_ = device(org_, pk_, "dev_2");
  }

  static DeviceCertificate cert(const Device& d, const std::string& sn, int64_t issue_time) {
    DeviceCertificate c;
    c.cert_sn = sn;
    c.org_id = d.org_id;
    c.asset_id = d.asset_id;
    c.cert_pem = "-----BEGIN CERTIFICATE-----\n" + sn + "\n-----END CERTIFICATE-----\n";
    c.fingerprint = "fp" + sn;
    c.issue_time = issue_time;
    c.not_before = issue_time - 60'000;
    c.not_after = issue_time + 86'400'000;
    return c;
  }
  void save(const DeviceCertificate& c) {
    auto r = reg_->save_certificate(c);
    ASSERT_TRUE(r) << r.error().message();
  }
  std::vector<std::string> listed(const std::string& org, const Device& d) {
    std::vector<std::string> out;
    for (const auto& c : reg_->list_certificates(org, d.product_key, d.device_key)) out.push_back(c.cert_sn);
    return out;
  }

  std::string org_, pk_;
  Device dev_, other_dev_;
};

TEST_F(Certificates, OrgCaFirstOneWins) {
  EXPECT_EQ(reg_->get_org_ca(org_).error(), errc::not_found);
  const uint64_t v = reg_->version();
  ASSERT_TRUE(reg_->put_org_ca({org_, "CERT1", "KEY1", 5000}));
  auto r = reg_->put_org_ca({org_, "CERT2", "KEY2", 6000});
  EXPECT_EQ(r.error(), errc::already_exists);
  auto ca = reg_->get_org_ca(org_);
  ASSERT_TRUE(ca);
  EXPECT_EQ(ca->org_id, org_);
  EXPECT_EQ(ca->cert_pem, "CERT1");
  EXPECT_EQ(ca->key_pem, "KEY1");
  EXPECT_EQ(ca->create_time, 5000);
  EXPECT_EQ(reg_->version(), v);
  reopen();
  ca = reg_->get_org_ca(org_);
  ASSERT_TRUE(ca);
  EXPECT_EQ(ca->cert_pem, "CERT1");
}

TEST_F(Certificates, OrgCaIsPerOu) {
  const std::string two = org("two");
  ASSERT_TRUE(reg_->put_org_ca({org_, "CERT1", "KEY1", 5000}));
  EXPECT_EQ(reg_->get_org_ca(two).error(), errc::not_found);
  ASSERT_TRUE(reg_->put_org_ca({two, "CERT2", "KEY2", 0}));
  auto ca = reg_->get_org_ca(two);
  ASSERT_TRUE(ca);
  EXPECT_EQ(ca->cert_pem, "CERT2");
  EXPECT_GT(ca->create_time, 1'600'000'000'000);  // 0 means the wall clock
}

TEST_F(Certificates, OrgCaRefusals) {
  EXPECT_EQ(reg_->put_org_ca({"nope", "C", "K", 1}).error(), errc::org_not_found);
  EXPECT_EQ(reg_->put_org_ca({org_, "", "K", 1}).error(), errc::invalid_argument);
  EXPECT_EQ(reg_->put_org_ca({org_, "C", "", 1}).error(), errc::invalid_argument);
  EXPECT_EQ(reg_->put_org_ca({"", "C", "K", 1}).error(), errc::invalid_argument);
  EXPECT_EQ(reg_->get_org_ca("").error(), errc::not_found);
}

TEST_F(Certificates, SaveThenGetReadsEveryField) {
  DeviceCertificate c = cert(dev_, "abc123", 10'000);
  c.product_key = "ignored";  // the device's keys are read from the device
  const uint64_t v = reg_->version();
  save(c);
  EXPECT_EQ(reg_->version(), v);
  auto got = reg_->get_certificate(org_, "abc123");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->cert_sn, "abc123");
  EXPECT_EQ(got->org_id, org_);
  EXPECT_EQ(got->asset_id, dev_.asset_id);
  EXPECT_EQ(got->product_key, pk_);
  EXPECT_EQ(got->device_key, "dev_1");
  EXPECT_EQ(got->cert_pem, c.cert_pem);
  EXPECT_EQ(got->fingerprint, "fpabc123");
  EXPECT_EQ(got->issue_time, 10'000);
  EXPECT_EQ(got->not_before, 10'000 - 60'000);
  EXPECT_EQ(got->not_after, 10'000 + 86'400'000);
  EXPECT_FALSE(got->revoked);
  EXPECT_EQ(got->revoke_time, 0);
  reopen();
  EXPECT_TRUE(reg_->get_certificate(org_, "abc123"));
}

TEST_F(Certificates, SaveNeedsADeviceOfTheOu) {
  const std::string two = org("two");
  model(two, "M");
  const Device foreign = device(two, product(two, "M", "p").product_key, "dev_x");
  DeviceCertificate c = cert(dev_, "s1", 1);
  c.asset_id = foreign.asset_id;  // a device, but not of org_
  EXPECT_EQ(reg_->save_certificate(c).error(), errc::not_found);
  c.asset_id = "nosuchid";
  EXPECT_EQ(reg_->save_certificate(c).error(), errc::not_found);
  c.asset_id = "";
  EXPECT_EQ(reg_->save_certificate(c).error(), errc::not_found);
  c = cert(dev_, "s1", 1);
  c.org_id = "nope";
  EXPECT_EQ(reg_->save_certificate(c).error(), errc::not_found);
  c = cert(dev_, "", 1);
  EXPECT_EQ(reg_->save_certificate(c).error(), errc::invalid_argument);
  c = cert(dev_, "s1", 1);
  c.fingerprint = "";
  EXPECT_EQ(reg_->save_certificate(c).error(), errc::invalid_argument);
  EXPECT_TRUE(reg_->list_certificates(org_, pk_, "dev_1").empty());
}

TEST_F(Certificates, SerialAndFingerprintAreUnique) {
  save(cert(dev_, "s1", 1));
  EXPECT_EQ(reg_->save_certificate(cert(other_dev_, "s1", 2)).error(), errc::already_exists);
  DeviceCertificate same_fp = cert(dev_, "s2", 2);
  same_fp.fingerprint = "fps1";
  EXPECT_EQ(reg_->save_certificate(same_fp).error(), errc::already_exists);
  EXPECT_EQ(listed(org_, dev_), std::vector<std::string>{"s1"});
  EXPECT_TRUE(listed(org_, other_dev_).empty());
}

TEST_F(Certificates, GetIsScopedToTheOuFingerprintIsNot) {
  save(cert(dev_, "s1", 1));
  const std::string two = org("two");
  EXPECT_EQ(reg_->get_certificate(two, "s1").error(), errc::not_found);
  EXPECT_EQ(reg_->get_certificate(org_, "s2").error(), errc::not_found);
  EXPECT_TRUE(reg_->list_certificates(two, pk_, "dev_1").empty());
  auto found = reg_->find_certificate_by_fingerprint("fps1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->cert_sn, "s1");
  EXPECT_EQ(found->device_key, "dev_1");
  EXPECT_EQ(reg_->find_certificate_by_fingerprint("fps2").error(), errc::not_found);
  EXPECT_EQ(reg_->find_certificate_by_fingerprint("").error(), errc::not_found);
}

TEST_F(Certificates, ListIsNewestFirstForTheDeviceOnly) {
  save(cert(dev_, "old", 1000));
  save(cert(dev_, "new", 3000));
  save(cert(dev_, "mid", 2000));
  save(cert(dev_, "mid2", 2000));  // same millisecond as "mid": the later insert is newer
  save(cert(other_dev_, "theirs", 5000));
  EXPECT_EQ(listed(org_, dev_), (std::vector<std::string>{"new", "mid2", "mid", "old"}));
  EXPECT_EQ(listed(org_, other_dev_), std::vector<std::string>{"theirs"});
  EXPECT_TRUE(reg_->list_certificates(org_, pk_, "nosuch").empty());
}

TEST_F(Certificates, RevokeKeepsTheFirstTime) {
  save(cert(dev_, "s1", 1));
  const uint64_t v = reg_->version();
  auto r = reg_->revoke_certificate(org_, "s1", 7000);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->revoked);
  EXPECT_EQ(r->revoke_time, 7000);
  r = reg_->revoke_certificate(org_, "s1", 9000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->revoke_time, 7000);
  EXPECT_EQ(reg_->version(), v);
  auto found = reg_->find_certificate_by_fingerprint("fps1");
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->revoked);
  reopen();
  auto got = reg_->get_certificate(org_, "s1");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->revoked);
  EXPECT_EQ(got->revoke_time, 7000);
}

TEST_F(Certificates, RevokeOfAnotherOusOrUnknownIsNotFound) {
  save(cert(dev_, "s1", 1));
  const std::string two = org("two");
  EXPECT_EQ(reg_->revoke_certificate(two, "s1", 7000).error(), errc::not_found);
  EXPECT_EQ(reg_->revoke_certificate(org_, "s9", 7000).error(), errc::not_found);
  EXPECT_FALSE(reg_->get_certificate(org_, "s1")->revoked);  // the other OU's attempt changed nothing
  auto r = reg_->revoke_certificate(org_, "s1", 0);
  ASSERT_TRUE(r);
  EXPECT_GT(r->revoke_time, 1'600'000'000'000);  // 0 means the wall clock
}

TEST_F(Certificates, CertificatesGoWithTheirDevice) {
  save(cert(dev_, "s1", 1));
  save(cert(dev_, "s2", 2));
  save(cert(other_dev_, "s3", 3));
  ASSERT_TRUE(reg_->delete_device(org_, pk_, "dev_1"));
  EXPECT_EQ(reg_->get_certificate(org_, "s1").error(), errc::not_found);
  EXPECT_EQ(reg_->find_certificate_by_fingerprint("fps2").error(), errc::not_found);
  EXPECT_TRUE(reg_->get_certificate(org_, "s3"));
  // A new device with the same key does not inherit them.
  Device again = device(org_, pk_, "dev_1");
  EXPECT_TRUE(listed(org_, again).empty());
  // The rows are gone, not just hidden by the join: the serial is free again.
  save(cert(again, "s1", 4));
}

}  // namespace
}  // namespace gridhub::registry::testing
