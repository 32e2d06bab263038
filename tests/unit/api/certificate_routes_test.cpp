// /connect-service/v2.1/certificates through handle_request: apply (the OU's CA made once, even when raced),
// validDay bounds, CSR refusals, renew, revoke, list with its statuses, access levels and OU isolation. The
// issued certificates are checked with OpenSSL directly.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <thread>

#include "api/envelope.hpp"
#include "api_fixture.hpp"
#include "pki/pki.hpp"

namespace gridhub::api::testing {
namespace {

const char* kCertificates = "/connect-service/v2.1/certificates";

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_REQ* p) const { X509_REQ_free(p); }
  void operator()(BIO* p) const { BIO_free_all(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;

// A CSR as a device makes one, with `key`.
std::string make_csr(EVP_PKEY* key) {
  std::unique_ptr<X509_REQ, Free> req(X509_REQ_new());
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("whatever"), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key);
  EXPECT_GT(X509_REQ_sign(req.get(), key, EVP_sha256()), 0);
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::unique_ptr<X509, Free> read_cert(std::string_view pem) {
  std::unique_ptr<BIO, Free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<X509, Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

std::string str(const boost::json::value& v, const char* key) {
  const auto* o = v.if_object();
  const auto* s = o ? o->if_contains(key) : nullptr;
  return s && s->is_string() ? std::string(s->get_string()) : std::string();
}

class CertificateRoutes : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    pk_ = create_product("battery", import_seed());
    auto d = create_device(pk_, "battery-1", "bat_1");
    asset_ = std::string(d["assetId"].as_string());
    key_.reset(EVP_EC_gen("P-256"));
    csr_ = make_csr(key_.get());
  }
  std::string device() const { return "productKey=" + pk_ + "&deviceKey=bat_1"; }
  Answer apply(const boost::json::value& body, const std::string& query = "") {
    return post(kCertificates, "action=apply&" + (query.empty() ? device() : query), body);
  }
  // Applies with the test's CSR; returns data.
  boost::json::value apply_ok(int valid_day = 0) {
    boost::json::object body{{"csr", csr_}};
    if (valid_day) body["validDay"] = valid_day;
    return ok(apply(body));
  }
  boost::json::array list() {
    auto data = ok(get(kCertificates, "action=list&" + device()));
    return data.is_array() ? data.as_array() : boost::json::array{};
  }
  void expect_refused(const Answer& a, unsigned status, int64_t code, const std::string& in_msg) {
    EXPECT_EQ(a.status, status) << a.body;
    EXPECT_EQ(a.code(), code) << a.body;
    EXPECT_NE(a.msg().find(in_msg), std::string::npos) << a.msg();
  }

  std::string pk_, asset_, csr_;
  Key key_;
};

TEST_F(CertificateRoutes, ApplyIssuesACertificateOfTheOusCa) {
  auto data = apply_ok();
  const std::string cert = str(data, "cert"), sn = str(data, "certSN"), ca = str(data, "caCert");
  EXPECT_EQ(data.at("validDay"), 365);  // the default
  auto x = read_cert(cert);
  auto ca_x = read_cert(ca);
  ASSERT_TRUE(x && ca_x);
  EXPECT_EQ(X509_verify(x.get(), X509_get0_pubkey(ca_x.get())), 1);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(x.get()), key_.get()), 1);
  std::string error;
  auto info = pki::inspect_certificate(cert, error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->serial, sn);
  EXPECT_EQ(info->subject, "CN=bat_1,OU=" + pk_ + ",O=" + org_);
  EXPECT_EQ(info->issuer, "CN=Gridhub device CA " + org_);
  EXPECT_EQ(info->not_after - info->not_before, 365LL * 86'400'000 + 60'000);
  // On record, for the hub's login check.
  auto stored = registry_->find_certificate_by_fingerprint(info->fingerprint);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->cert_sn, sn);
  EXPECT_EQ(stored->asset_id, asset_);
  EXPECT_EQ(stored->issue_time, now_);
  EXPECT_FALSE(stored->revoked);
  auto org_ca = registry_->get_org_ca(org_);
  ASSERT_TRUE(org_ca);
  EXPECT_EQ(org_ca->cert_pem, ca);
  // The CA is made once: the next certificate has the same.
  auto again = apply_ok();
  EXPECT_EQ(str(again, "caCert"), ca);
  EXPECT_NE(str(again, "certSN"), sn);
}

TEST_F(CertificateRoutes, ApplyByAssetIdWithAnRsaKeyAndIssueAuthority) {
  Key rsa(EVP_RSA_gen(2048));
  for (const char* authority : {"RSA", "ECC"}) {
    auto data = ok(apply({{"csr", make_csr(rsa.get())}, {"issueAuthority", authority}}, "assetId=" + asset_));
    EXPECT_FALSE(str(data, "certSN").empty());
  }
  expect_refused(apply({{"csr", csr_}, {"issueAuthority", "DSA"}}), 400, kCodeInvalidParam, "issueAuthority");
}

TEST_F(CertificateRoutes, ValidDayBounds) {
  for (int days : {1, 3650}) {
    auto data = apply_ok(days);
    EXPECT_EQ(data.at("validDay"), days);
    std::string error;
    auto info = pki::inspect_certificate(str(data, "cert"), error);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->not_after - info->not_before, days * 86'400'000LL + 60'000);
  }
  for (boost::json::value bad : {boost::json::value(0), boost::json::value(3651), boost::json::value(-1),
                                 boost::json::value("10"), boost::json::value(1.5), boost::json::value(true),
                                 boost::json::value(18446744073709551615ull)})
    expect_refused(apply({{"csr", csr_}, {"validDay", bad}}), 400, kCodeInvalidParam, "validDay must be an integer 1..3650");
  EXPECT_EQ(ok(apply({{"csr", csr_}, {"validDay", nullptr}})).at("validDay"), 365);
  EXPECT_EQ(list().size(), 3u);  // refusals record nothing
}

// The product's defaultValidDay / maxValidDay (spec §3.2) set the default and the bound of validDay.
TEST_F(CertificateRoutes, TheProductBoundsValidDay) {
  auto product = ok(get(kProducts, "action=get&productKey=" + pk_));
  EXPECT_EQ(product.at("defaultValidDay"), 365);
  EXPECT_EQ(product.at("maxValidDay"), 3650);
  ok(post(kProducts, "action=update&productKey=" + pk_, {{"defaultValidDay", 30}, {"maxValidDay", 90}}));
  product = ok(get(kProducts, "action=get&productKey=" + pk_));
  EXPECT_EQ(product.at("defaultValidDay"), 30);
  EXPECT_EQ(product.at("maxValidDay"), 90);
  EXPECT_EQ(apply_ok().at("validDay"), 30);
  EXPECT_EQ(apply_ok(90).at("validDay"), 90);
  expect_refused(apply({{"csr", csr_}, {"validDay", 91}}), 400, kCodeInvalidParam,
                 "validDay must be an integer 1..90 (the product's maxValidDay)");
  // The product's own bounds: 1..3650 each, the default within the maximum.
  for (auto [field, bad] : {std::pair{"defaultValidDay", 0}, {"maxValidDay", 0}, {"maxValidDay", 3651}})
    expect_refused(post(kProducts, "action=update&productKey=" + pk_, {{field, bad}}), 400, kCodeInvalidParam,
                   std::string(field) + " must be an integer 1..3650");
  expect_refused(post(kProducts, "action=update&productKey=" + pk_, {{"defaultValidDay", 91}}), 400,
                 kCodeInvalidParam, "defaultValidDay (91) is above maxValidDay (90)");
  expect_refused(post(kProducts, "action=update&productKey=" + pk_, {{"defaultValidDay", "30"}}), 400,
                 kCodeInvalidParam, "defaultValidDay must be an integer");
  ok(post(kProducts, "action=update&productKey=" + pk_, {{"defaultValidDay", 3650}, {"maxValidDay", 3650}}));
  EXPECT_EQ(apply_ok().at("validDay"), 3650);
}

TEST_F(CertificateRoutes, BadCsrsAre400WithThePkiMessage) {
  expect_refused(apply({{"csr", "junk"}}), 400, kCodeInvalidParam, "not a PEM certificate signing request");
  Key weak(EVP_RSA_gen(1024));
  expect_refused(apply({{"csr", make_csr(weak.get())}}), 400, kCodeInvalidParam, "at least 2048 bits");
  expect_refused(apply(boost::json::object{}), 400, kCodeInvalidParam, "csr is required");
  expect_refused(apply({{"csr", 5}}), 400, kCodeInvalidParam, "csr");
  expect_refused(call("POST", kCertificates, "action=apply&" + device(), "{nope"), 400, kCodeInvalidParam, "");
  EXPECT_TRUE(list().empty());  // nothing recorded
}

TEST_F(CertificateRoutes, DeviceAddressing) {
  expect_refused(post(kCertificates, "action=apply", {{"csr", csr_}}), 400, kCodeInvalidParam, "assetId");
  expect_refused(apply({{"csr", csr_}}, "productKey=" + pk_ + "&deviceKey=nope"), 404, kCodeNotFound, "not found");
  expect_refused(apply({{"csr", csr_}}, "assetId=nope1234"), 404, kCodeNotFound, "not found");
  // Another OU's caller cannot reach this device, by keys or by asset id.
  auto [other_org, other_token] = other_ou();
  auto a = call("POST", kCertificates, "action=apply&" + device(), boost::json::serialize(boost::json::object{{"csr", csr_}}),
                other_token);
  EXPECT_EQ(a.status, 404u) << a.body;
  a = call("GET", kCertificates, "action=list&assetId=" + asset_, "", other_token);
  EXPECT_EQ(a.status, 404u) << a.body;
  EXPECT_FALSE(registry_->get_org_ca(other_org));
}

TEST_F(CertificateRoutes, ReadOnlyCallersListButDoNotWrite) {
  const std::string sn = str(apply_ok(), "certSN");
  auto token = registry_->create_api_token(org_, "viewer", "ro");
  ASSERT_TRUE(token);
  const std::string body = boost::json::serialize(boost::json::object{{"csr", csr_}});
  for (const char* action : {"apply", "renew", "revoke"}) {
    auto a = call("POST", kCertificates, std::string("action=") + action + "&certSN=" + sn + "&" + device(), body,
                  *token);
    EXPECT_EQ(a.status, 403u) << action << a.body;
    EXPECT_EQ(a.code(), kCodeNoPermission);
  }
  auto a = call("GET", kCertificates, "action=list&" + device(), "", *token);
  EXPECT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.data().as_array().size(), 1u);
  EXPECT_FALSE(a.data().as_array()[0].as_object().at("status") == "revoked");
}

TEST_F(CertificateRoutes, RenewIssuesANewOneAndRevokesTheOld) {
  const std::string old_sn = str(apply_ok(), "certSN");
  now_ += 1000;
  Key fresh(EVP_EC_gen("P-256"));
  // Upper case, as other tools print serials, finds it too.
  std::string upper = old_sn;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto data = ok(post(kCertificates, "action=renew&certSN=" + upper + "&" + device(),
                      {{"csr", make_csr(fresh.get())}, {"validDay", 30}}));
  const std::string new_sn = str(data, "certSN");
  EXPECT_NE(new_sn, old_sn);
  EXPECT_EQ(data.at("validDay"), 30);
  auto x = read_cert(str(data, "cert"));
  ASSERT_TRUE(x);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(x.get()), fresh.get()), 1);
  auto certs = list();
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(str(certs[0], "certSN"), new_sn);
  EXPECT_EQ(certs[0].at("status"), "valid");
  EXPECT_EQ(str(certs[1], "certSN"), old_sn);
  EXPECT_EQ(certs[1].at("status"), "revoked");
  EXPECT_EQ(certs[1].at("revokeTime"), now_);
  // The revoked one cannot be renewed again.
  expect_refused(post(kCertificates, "action=renew&certSN=" + old_sn + "&" + device(), {{"csr", csr_}}), 400,
                 kCodeInvalidParam, "revoked");
}

TEST_F(CertificateRoutes, RenewRefusals) {
  const std::string sn = str(apply_ok(), "certSN");
  auto renew = [&](const std::string& query, const boost::json::value& body) {
    return post(kCertificates, "action=renew&" + query, body);
  };
  expect_refused(renew(device(), {{"csr", csr_}}), 400, kCodeInvalidParam, "certSN is required");
  expect_refused(renew("certSN=abc&" + device(), {{"csr", csr_}}), 404, kCodeNotFound, "certificate abc");
  // Another device's certificate, even of the same OU.
  create_device(pk_, "battery-2", "bat_2");
  expect_refused(renew("certSN=" + sn + "&productKey=" + pk_ + "&deviceKey=bat_2", {{"csr", csr_}}), 404,
                 kCodeNotFound, "not found");
  // A bad CSR or validDay leaves the old certificate valid.
  expect_refused(renew("certSN=" + sn + "&" + device(), {{"csr", "junk"}}), 400, kCodeInvalidParam, "csr");
  expect_refused(renew("certSN=" + sn + "&" + device(), {{"csr", csr_}, {"validDay", 3651}}), 400,
                 kCodeInvalidParam, "validDay");
  auto certs = list();
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(certs[0].at("status"), "valid");
}

TEST_F(CertificateRoutes, RevokeMarksItAndKeepsTheFirstTime) {
  const std::string sn = str(apply_ok(), "certSN");
  now_ += 5000;
  auto a = post(kCertificates, "action=revoke&certSN=" + sn + "&" + device(), nullptr);
  EXPECT_TRUE(ok(a).is_null());
  const int64_t revoked_at = now_;
  now_ += 5000;
  EXPECT_TRUE(ok(post(kCertificates, "action=revoke&certSN=" + sn + "&" + device(), nullptr)).is_null());
  auto c = registry_->get_certificate(org_, sn);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->revoked);
  EXPECT_EQ(c->revoke_time, revoked_at);
  auto certs = list();
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(certs[0].at("status"), "revoked");
  EXPECT_EQ(certs[0].at("revokeTime"), revoked_at);
  expect_refused(post(kCertificates, "action=revoke&" + device(), nullptr), 400, kCodeInvalidParam, "certSN");
  expect_refused(post(kCertificates, "action=revoke&certSN=ffff&" + device(), nullptr), 404, kCodeNotFound,
                 "not found");
  auto [other_org, other_token] = other_ou();
  auto other = call("POST", kCertificates, "action=revoke&certSN=" + sn + "&assetId=" + asset_, "", other_token);
  EXPECT_EQ(other.status, 404u);
}

TEST_F(CertificateRoutes, ListIsNewestFirstWithStatusesAtTheirBounds) {
  EXPECT_TRUE(list().empty());
  const std::string first = str(apply_ok(10), "certSN");
  now_ += 1;
  const std::string second = str(apply_ok(20), "certSN");
  auto certs = list();
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(str(certs[0], "certSN"), second);
  EXPECT_EQ(str(certs[1], "certSN"), first);
  const auto& o = certs[1].as_object();
  EXPECT_EQ(o.at("issueTime"), now_ - 1);
  EXPECT_TRUE(o.at("revokeTime").is_null());
  EXPECT_FALSE(str(o, "cert").empty());
  const int64_t not_after = o.at("notAfter").as_int64();
  EXPECT_EQ(not_after - o.at("notBefore").as_int64(), 10LL * 86'400'000 + 60'000);
  // In date through notAfter itself, expired one millisecond later.
  now_ = not_after;
  EXPECT_EQ(list()[1].at("status"), "valid");
  now_ = not_after + 1;
  certs = list();
  EXPECT_EQ(certs[1].at("status"), "expired");
  EXPECT_EQ(certs[0].at("status"), "valid");
  // Revoked wins over expired.
  ASSERT_TRUE(registry_->revoke_certificate(org_, first, now_));
  EXPECT_EQ(list()[1].at("status"), "revoked");
}

TEST_F(CertificateRoutes, FirstUsesRacingShareOneCa) {
  constexpr int kThreads = 4;
  std::vector<std::string> cas(kThreads);
  std::vector<std::thread> threads;
  const std::string body = boost::json::serialize(boost::json::object{{"csr", csr_}});
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      ApiRequest req;
      req.method = "POST";
      req.target = std::string(kCertificates) + "?action=apply&" + device();
      req.authorization = "Bearer " + token_;
      req.body = body;
      ApiResponse res = handle_request(*ctx_, req);
      boost::system::error_code ec;
      auto v = boost::json::parse(res.body, ec);
      if (!ec && v.is_object() && v.as_object().contains("data")) cas[i] = str(v.at("data"), "caCert");
    });
  for (auto& t : threads) t.join();
  auto org_ca = registry_->get_org_ca(org_);
  ASSERT_TRUE(org_ca);
  for (const auto& ca : cas) EXPECT_EQ(ca, org_ca->cert_pem);
  EXPECT_EQ(list().size(), static_cast<std::size_t>(kThreads));
}

}  // namespace
}  // namespace gridhub::api::testing
