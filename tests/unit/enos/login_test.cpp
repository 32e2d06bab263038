// Tests of EnOS login: client id / username grammar per SDK (spec §1.2) and the signature (§1.3), with the
// expected digests computed here by OpenSSL EVP over the literal concatenated text.
#include "enos/login.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <string>
#include <utility>

#include "enos/codes.hpp"

namespace gridhub::enos {
namespace {

std::string evp_hex(const EVP_MD* md, const std::string& text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EXPECT_EQ(EVP_Digest(text.data(), text.size(), out, &n, md, nullptr), 1);
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < n; ++i) {
    hex.push_back(digits[out[i] >> 4]);
    hex.push_back(digits[out[i] & 15]);
  }
  return hex;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One CONNECT as an SDK sends it, and what the server must derive from it.
struct SdkLogin {
  const char* name;
  std::string client_id, username;
  std::string prefix, timestamp;
  int mode;
  SignMethod method;
  const EVP_MD* (*md)();
  bool upper_hex;
};

void expect_login_verifies(const SdkLogin& s, const std::string& secret) {
  SCOPED_TRACE(s.name);
  auto cid = parse_client_id(s.client_id);
  ASSERT_TRUE(cid) << cid.error().message();
  EXPECT_EQ(cid->prefix, s.prefix);
  EXPECT_EQ(cid->secure_mode, s.mode);
  EXPECT_EQ(cid->sign_method, s.method);
  EXPECT_EQ(cid->timestamp, s.timestamp);
  auto user = parse_username(s.username);
  ASSERT_TRUE(user);
  // The literal text of spec §1.3, hashed independently of the code under test.
  const std::string text = "clientId" + s.prefix + "deviceKey" + std::string(user->device_key) +
                           "productKey" + std::string(user->product_key) + "timestamp" + s.timestamp + secret;
  const std::string expected = evp_hex(s.md(), text);
  EXPECT_EQ(sign(cid->sign_method, cid->prefix, user->device_key, user->product_key, cid->timestamp, secret),
            expected);
  const std::string password = s.upper_hex ? upper(expected) : expected;
  EXPECT_TRUE(verify_sign(cid->sign_method, cid->prefix, user->device_key, user->product_key, cid->timestamp,
                          secret, password));
  EXPECT_FALSE(verify_sign(cid->sign_method, cid->prefix, user->device_key, user->product_key, cid->timestamp,
                           secret + "x", password));
}

TEST(Login, PythonSdkLoginsVerifyWithTheFloatTimestampKeptVerbatim) {
  expect_login_verifies(
      {"python hmacsha256", "dk1|securemode=2,signmethod=hmacsha256,timestamp=1795462872612.4607|", "dk1&pk1",
       "dk1", "1795462872612.4607", 2, SignMethod::Sha256, EVP_sha256, false},
      "devSecret1");
  expect_login_verifies(
      {"python hmacsha1 (upper hex)", "dk1|securemode=2,signmethod=hmacsha1,timestamp=1795462851055.6995|",
       "dk1&pk1", "dk1", "1795462851055.6995", 2, SignMethod::Sha1, EVP_sha1, true},
      "devSecret1");
  expect_login_verifies({"python hmacmd5", "dk1|securemode=2,signmethod=hmacmd5,timestamp=1795462851055.5|",
                         "dk1&pk1", "dk1", "1795462851055.5", 2, SignMethod::Md5, EVP_md5, false},
                        "devSecret1");
  expect_login_verifies({"python dynamic activation", "dk1|securemode=3,signmethod=hmacsha256,timestamp=1.5|",
                         "dk1&pk1", "dk1", "1.5", 3, SignMethod::Sha256, EVP_sha256, false},
                        "productSecret");
  expect_login_verifies(
      {"python message integration", "pk1|securemode=4,signmethod=hmacsha256,timestamp=1795462851055.25|",
       "%channel%&pk1", "pk1", "1795462851055.25", 4, SignMethod::Sha256, EVP_sha256, false},
      "productSecret");
}

TEST(Login, JavaSdkPrefixWithBracedBlockIsSignedVerbatim) {
  expect_login_verifies({"java sha256",
                         "dk1{ip=10.0.0.5,version=enos-mqtt-2.3.0,compress=DEFAULT}|securemode=2,signmethod="
                         "sha256,timestamp=1700000000000|",
                         "dk1&pk1", "dk1{ip=10.0.0.5,version=enos-mqtt-2.3.0,compress=DEFAULT}",
                         "1700000000000", 2, SignMethod::Sha256, EVP_sha256, false},
                        "s3cr3t");
  expect_login_verifies({"java sha1 (upper hex)",
                         "dk1{ip=10.0.0.5,version=enos-mqtt-2.3.0,compress=DEFAULT}|securemode=2,signmethod="
                         "sha1,timestamp=1700000000000|",
                         "dk1&pk1", "dk1{ip=10.0.0.5,version=enos-mqtt-2.3.0,compress=DEFAULT}",
                         "1700000000000", 2, SignMethod::Sha1, EVP_sha1, true},
                        "s3cr3t");
  expect_login_verifies({"java md5", "dk1{ip=10.0.0.5}|securemode=2,signmethod=md5,timestamp=1700000000001|",
                         "dk1&pk1", "dk1{ip=10.0.0.5}", "1700000000001", 2, SignMethod::Md5, EVP_md5, false},
                        "s3cr3t");
}

TEST(Login, CSdkDottedPrefixWithUpperHexVerifies) {
  expect_login_verifies({"c sdk", "pk1.dk1|securemode=2,signmethod=sha256,timestamp=2524608000000|",
                         "dk1&pk1", "pk1.dk1", "2524608000000", 2, SignMethod::Sha256, EVP_sha256, true},
                        "cSecret");
}

TEST(Login, NodeSdkUpperHexVerifies) {
  expect_login_verifies({"node sdk", "dk1|securemode=2,signmethod=sha256,timestamp=1700000000000|", "dk1&pk1",
                         "dk1", "1700000000000", 2, SignMethod::Sha256, EVP_sha256, true},
                        "nodeSecret");
}

TEST(Login, DocsStyleCommaSpaceKeyListIsTrimmed) {
  expect_login_verifies({"docs", "dk1|securemode=2, signmethod=sha256, timestamp=1700000000000|", "dk1&pk1",
                         "dk1", "1700000000000", 2, SignMethod::Sha256, EVP_sha256, false},
                        "docSecret");
  auto cid = parse_client_id("dk1| securemode = 2 ,signmethod= sha1 ,timestamp =17 |");
  ASSERT_TRUE(cid);
  EXPECT_EQ(cid->secure_mode, 2);
  EXPECT_EQ(cid->sign_method, SignMethod::Sha1);
  EXPECT_EQ(cid->timestamp, "17");
}

TEST(Login, KeyOrderInTheClientIdDoesNotMatterAndUnknownKeysAreIgnored) {
  auto cid = parse_client_id("dk1|timestamp=5,gw=1,signmethod=md5,securemode=3|");
  ASSERT_TRUE(cid);
  EXPECT_EQ(cid->secure_mode, 3);
  EXPECT_EQ(cid->sign_method, SignMethod::Md5);
  EXPECT_EQ(cid->timestamp, "5");
}

TEST(Login, SignMethodNamesAreCaseInsensitiveInBothSpellings) {
  EXPECT_EQ(parse_sign_method("sha256"), SignMethod::Sha256);
  EXPECT_EQ(parse_sign_method("hmacsha256"), SignMethod::Sha256);
  EXPECT_EQ(parse_sign_method("HmacSHA256"), SignMethod::Sha256);
  EXPECT_EQ(parse_sign_method("SHA1"), SignMethod::Sha1);
  EXPECT_EQ(parse_sign_method("hmacsha1"), SignMethod::Sha1);
  EXPECT_EQ(parse_sign_method("md5"), SignMethod::Md5);
  EXPECT_EQ(parse_sign_method("HMACMD5"), SignMethod::Md5);
  EXPECT_FALSE(parse_sign_method("sha512"));
  EXPECT_FALSE(parse_sign_method("hmac-sha256"));
  EXPECT_FALSE(parse_sign_method(""));
  EXPECT_FALSE(parse_sign_method("sha2566"));
}

TEST(Login, MalformedClientIdsAreRejectedWithTheirReason) {
  struct Bad {
    const char* client_id;
    errc error;
  };
  for (const Bad& b : {
           Bad{"dk1", errc::bad_client_id},  // no '|'
           Bad{"", errc::bad_client_id},
           Bad{"|securemode=2,signmethod=sha256,timestamp=1|", errc::bad_client_id},      // empty prefix
           Bad{"dk1|securemode=2,signmethod=sha256,timestamp=1", errc::bad_client_id},    // no trailing '|'
           Bad{"dk1|securemode=2,signmethod=sha256,timestamp=1|x", errc::bad_client_id},  // text after it
           Bad{"dk1|securemode=2|signmethod=sha256,timestamp=1|", errc::bad_client_id},   // third '|'
           Bad{"dk1|", errc::bad_client_id},
           Bad{"dk1|securemode=2,signmethod,timestamp=1|", errc::bad_client_id},  // entry without '='
           Bad{"dk1|signmethod=sha256,timestamp=1|", errc::bad_secure_mode},      // missing securemode
           Bad{"dk1||", errc::bad_secure_mode},
           Bad{"dk1|securemode=,signmethod=sha256,timestamp=1|", errc::bad_secure_mode},
           Bad{"dk1|securemode=two,signmethod=sha256,timestamp=1|", errc::bad_secure_mode},
           Bad{"dk1|securemode=2x,signmethod=sha256,timestamp=1|", errc::bad_secure_mode},
           Bad{"dk1|securemode=-2,signmethod=sha256,timestamp=1|", errc::bad_secure_mode},
           Bad{"dk1|securemode=99999999999,signmethod=sha256,timestamp=1|", errc::bad_secure_mode},
           Bad{"dk1|securemode=2,signmethod=sha512,timestamp=1|",
               errc::bad_sign_method},  // unknown signmethod
           Bad{"dk1|securemode=2,timestamp=1|", errc::bad_sign_method},
           Bad{"dk1|securemode=2,signmethod=sha256|", errc::missing_timestamp},
           Bad{"dk1|securemode=2,signmethod=sha256,timestamp=|", errc::missing_timestamp},
       }) {
    SCOPED_TRACE(b.client_id);
    auto r = parse_client_id(b.client_id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(b.error));
    EXPECT_EQ(to_return_code(r.error()), kAuthFailed);
  }
}

TEST(Login, UsernameIsDeviceKeyThenProductKey) {
  auto u = parse_username("dk1&pk1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->device_key, "dk1");
  EXPECT_EQ(u->product_key, "pk1");
  auto virt = parse_username("o15000000000001&%VIRT_GATEWAY%");
  ASSERT_TRUE(virt);
  EXPECT_EQ(virt->product_key, "%VIRT_GATEWAY%");
}

TEST(Login, MalformedUsernamesAreRejected) {
  for (const char* u : {"", "dk1", "&pk1", "dk1&", "&", "dk1&pk1&x", "dk1pk1"}) {
    SCOPED_TRACE(u);
    auto r = parse_username(u);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::bad_username));
  }
}

TEST(Login, VerifyRejectsWrongLengthAndNonHexAndAnyChangedField) {
  const std::string good = sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17", "secret");
  ASSERT_EQ(good.size(), 64u);
  EXPECT_TRUE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17", "secret", good));
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17", "secret", good.substr(0, 63)));
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17", "secret", good + "0"));
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17", "secret", ""));
  std::string flipped = good;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17", "secret", flipped));
  // A control byte that lower-cases badly must not pass for a digit.
  const auto digit = good.find_first_of("0123456789");
  ASSERT_NE(digit, std::string::npos);
  std::string junk = good;
  junk[digit] = static_cast<char>(good[digit] - 0x20);
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17", "secret", junk));
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk2", "dk1", "pk1", "17", "secret", good));
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk2", "pk1", "17", "secret", good));
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk2", "17", "secret", good));
  EXPECT_FALSE(verify_sign(SignMethod::Sha256, "dk1", "dk1", "pk1", "17.0", "secret", good));
  EXPECT_FALSE(verify_sign(SignMethod::Sha1, "dk1", "dk1", "pk1", "17", "secret", good.substr(0, 40)));
}

TEST(Login, DigestLengthsFollowTheSignMethod) {
  EXPECT_EQ(sign(SignMethod::Sha256, "a", "b", "c", "d", "e").size(), 64u);
  EXPECT_EQ(sign(SignMethod::Sha1, "a", "b", "c", "d", "e").size(), 40u);
  EXPECT_EQ(sign(SignMethod::Md5, "a", "b", "c", "d", "e").size(), 32u);
}

TEST(SignFields, SortsByKeyAndMatchesTheLoginSign) {
  // Sub-device login (spec §4.6): Python clientId = pk+dk+ms, fields given out of order.
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"timestamp", "1795462851057"},
      {"productKey", "subPk"},
      {"clientId", "subPksubDk1795462851057"},
      {"deviceKey", "subDk"},
  };
  const std::string expected =
      evp_hex(EVP_sha256(),
              "clientIdsubPksubDk1795462851057deviceKeysubDkproductKeysubPktimestamp1795462851057subSecret");
  EXPECT_EQ(sign_fields(SignMethod::Sha256, fields, "subSecret"), expected);
  EXPECT_EQ(
      sign(SignMethod::Sha256, "subPksubDk1795462851057", "subDk", "subPk", "1795462851057", "subSecret"),
      expected);
}

TEST(SignFields, UsesAsciiOrderSoUpperCaseKeysComeFirst) {
  const std::pair<std::string_view, std::string_view> fields[] = {{"b", "2"}, {"a", "1"}, {"Z", "0"}};
  EXPECT_EQ(sign_fields(SignMethod::Md5, fields, "s"), evp_hex(EVP_md5(), "Z0a1b2s"));
  EXPECT_EQ(sign_fields(SignMethod::Sha1, {}, "s"), evp_hex(EVP_sha1(), "s"));
}

}  // namespace
}  // namespace gridhub::enos
