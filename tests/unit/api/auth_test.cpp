// Who may call: the EnOS token service and signed application calls (vectors computed here with OpenSSL,
// independently of the server's helpers), replays, stale timestamps, expired / refreshed / forged tokens,
// roles (read-only application and viewer refused writes, secrets hidden from them), OU isolation for every
// kind of credential including guessed keys, and the throttling of failed token requests.
#include "api/auth.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <future>
#include <set>

#include "api/apim_digest.hpp"
#include "api/apim_replay.hpp"
#include "api/apim_signature.hpp"
#include "api/apim_token.hpp"
#include "api/envelope.hpp"
#include "api/limits.hpp"
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

namespace json = boost::json;

constexpr const char* kTokenGet = "/apim-token-service/v2.0/token/get";
constexpr const char* kTokenRefresh = "/apim-token-service/v2.0/token/refresh";

// SHA-256 hex written against OpenSSL's one-shot EVP_Digest: not the code under test.
std::string sha256(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), md, &n, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

std::string ascii_upper_for_test(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

struct App {
  std::string key, secret, org;
};

class AuthTest : public ApiTest {
 protected:
  App make_app(const std::string& access, const std::string& org = "") {
    auto a = registry_->create_app(org.empty() ? org_ : org, "app-" + access, access);
    EXPECT_TRUE(a) << (a ? "" : a.error().message());
    if (!a) return {};
    return {a->app_key, a->app_secret, a->org_id};
  }

  Answer send(ApiRequest req) {
    ApiResponse res = handle_request(*ctx_, req);
    Answer a;
    a.status = res.status;
    a.body = res.body;
    boost::system::error_code ec;
    a.json = json::parse(res.body, ec);
    if (ec) a.json = nullptr;
    return a;
  }

  // token/get with the encryption computed here.
  Answer token_get(const App& app, int64_t ts, const std::string& address = "10.0.0.1") {
    const std::string t = std::to_string(ts);
    ApiRequest req;
    req.method = "POST";
    req.target = kTokenGet;
    req.body = json::serialize(json::object{
        {"appKey", app.key}, {"encryption", sha256(app.key + t + app.secret)}, {"timestamp", ts}});
    req.remote_address = address;
    return send(req);
  }
  // A token for the app; each call uses a new timestamp (the same encryption twice would be a replay).
  std::string token_of(const App& app) {
    auto a = token_get(app, now_ + tick_++);
    EXPECT_EQ(a.status, 200u) << a.body;
    const auto* data = a.json.is_object() ? a.json.as_object().if_contains("data") : nullptr;
    return data ? std::string(data->at("accessToken").as_string()) : std::string();
  }

  // A signed application call; `params` is the query as sent (already percent-encoded), `sorted_params` the
  // paramsData this test expects the server to rebuild.
  ApiRequest signed_request(const std::string& method, const std::string& path, const std::string& query,
                            const std::string& sorted_params, const std::string& body,
                            const std::string& token, const App& app, int64_t ts) {
    ApiRequest req;
    req.method = method;
    req.target = path + (query.empty() ? "" : "?" + query);
    req.body = body;
    req.apim_access_token = token;
    req.apim_timestamp = std::to_string(ts);
    req.apim_signature = sha256(token + sorted_params + body + req.apim_timestamp + app.secret);
    req.remote_address = "10.0.0.1";
    return req;
  }
  // The common case: query "action=<a>[&rest]" whose sorted paramsData the caller passes.
  Answer signed_call(const std::string& method, const std::string& path, const std::string& query,
                     const std::string& sorted_params, const std::string& body, const std::string& token,
                     const App& app) {
    return send(signed_request(method, path, query, sorted_params, body, token, app, now_));
  }

  int64_t tick_ = 0;

  static int64_t apim_code(const Answer& a) {
    const auto* o = a.json.if_object();
    const auto* s = o ? o->if_contains("status") : nullptr;
    return s && s->is_int64() ? s->get_int64() : -1;
  }
};

// ---- the helpers against published vectors ----

TEST(ApimDigest, Sha256AndHmacMatchPublishedVectors) {
  // FIPS 180-2 "abc"; RFC 4231 test case 2.
  EXPECT_EQ(sha256_hex({"abc"}), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex({"a", "", "bc"}), sha256_hex({"abc"}));
  EXPECT_EQ(sha256_hex({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  std::string hex;
  for (unsigned char c : mac) {
    hex += "0123456789abcdef"[c >> 4];
    hex += "0123456789abcdef"[c & 15];
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha256("", "").size(), 32u);
}

TEST(ApimDigest, ConstantTimeEqualityAndLowercase) {
  EXPECT_TRUE(equal_constant_time("", ""));
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
  EXPECT_EQ(ascii_lower("AbC09z"), "abc09z");
}

TEST(ApimSignature, ParamsDataSortsDecodedParamsThenAppendsTheBody) {
  EXPECT_EQ(params_data("/x?b=2&a=1&action=get", "{}"), "a1actiongetb2{}");
  EXPECT_EQ(params_data("/x?deviceKey=a%3Ab&orgId=o1", ""), "deviceKeya:borgIdo1");
  EXPECT_EQ(params_data("/x", "body"), "body");
  EXPECT_EQ(params_data("/x?a+b=c+d&e=%2B", ""), "a bc de+");  // '+' is a space, as the router decodes it
  EXPECT_EQ(params_data("/x?z=1&Z=2", ""), "Z2z1");            // bytewise: uppercase first
  EXPECT_EQ(params_data("/x?k=2&k=1", ""), "k2k1");            // repeated names keep their order
  EXPECT_EQ(params_data("/x?flag", ""), "flag");
  EXPECT_FALSE(params_data("nopath", ""));
  EXPECT_EQ(request_signature("T", "P", "1", "S"), sha256("TP1S"));
  EXPECT_EQ(token_encryption("K", "1", "S"), sha256("K1S"));
}

TEST(ApimSignature, TimestampsParseAndSkewBoundsAreInclusive) {
  EXPECT_EQ(parse_timestamp_ms("1700000000000"), 1700000000000);
  EXPECT_EQ(parse_timestamp_ms("1700000000000.75"), 1700000000000);
  EXPECT_EQ(parse_timestamp_ms(std::string(18, '9')), 999999999999999999);
  for (const std::string& bad :
       std::vector<std::string>{"", "-1", "1e12", "12a", "1.", ".5", " 1", std::string(19, '1'),
                                "1." + std::string(kMaxApimTimestampLength - 1, '0')})
    EXPECT_FALSE(parse_timestamp_ms(bad)) << bad;
  EXPECT_TRUE(parse_timestamp_ms("1." + std::string(kMaxApimTimestampLength - 2, '0')));
  const int64_t now = 1'700'000'000'000;
  EXPECT_TRUE(timestamp_fresh(now - kApimTimestampSkewMs, now));
  EXPECT_FALSE(timestamp_fresh(now - kApimTimestampSkewMs - 1, now));
  EXPECT_TRUE(timestamp_fresh(now + kApimTimestampSkewMs, now));
  EXPECT_FALSE(timestamp_fresh(now + kApimTimestampSkewMs + 1, now));
}

TEST(ReplayCache, RemembersWithinTheHorizonAndBoundsMemoryAtNAndNPlusOne) {
  ReplayCache c(1000, 3);
  const int64_t t = 5000;
  EXPECT_EQ(c.remember(sha256("a"), t), ReplayCache::Result::Fresh);
  EXPECT_EQ(c.remember(sha256("a"), t + 999), ReplayCache::Result::Replayed);
  EXPECT_EQ(c.remember(sha256("b"), t), ReplayCache::Result::Fresh);
  EXPECT_EQ(c.remember(sha256("c"), t), ReplayCache::Result::Fresh);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.remember(sha256("d"), t), ReplayCache::Result::Full);  // N+1: refused, not remembered
  EXPECT_EQ(c.remember(sha256("a"), t + 1), ReplayCache::Result::Replayed);
  // At the horizon every entry has expired: room again, and "a" is fresh.
  EXPECT_EQ(c.remember(sha256("d"), t + 1000), ReplayCache::Result::Fresh);
  EXPECT_EQ(c.remember(sha256("a"), t + 1000), ReplayCache::Result::Fresh);
  EXPECT_LE(c.size(), 3u);
  // Values that are not hex digests work too.
  EXPECT_EQ(c.remember("short", t + 1000), ReplayCache::Result::Fresh);
  EXPECT_EQ(c.remember("short", t + 1001), ReplayCache::Result::Replayed);
}

TEST(ApimTokens, TokensVerifyUnderTheirAppsSecretOnlyAndExpireExactly) {
  ApimTokens tokens(10'000, 1'000);
  registry::App a{"o1", "AAAAAAAAAAAAAAAAAAAAAAAA", "secretA", "a", "full", 0};
  registry::App b{"o1", "BBBBBBBBBBBBBBBBBBBBBBBB", "secretB", "b", "full", 0};
  auto t = tokens.current(a, 100);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->expire_at, 10'100);
  EXPECT_LE(t->token.size(), kMaxTokenLength);
  EXPECT_EQ(ApimTokens::app_key_of(t->token), a.app_key);
  EXPECT_TRUE(tokens.valid(t->token, a, 10'099));
  EXPECT_FALSE(tokens.valid(t->token, a, 10'100));
  EXPECT_FALSE(tokens.valid(t->token, b, 100));
  registry::App a_new_secret = a;
  a_new_secret.app_secret = "other";
  EXPECT_FALSE(tokens.valid(t->token, a_new_secret, 100));
  // Another process (a restart) with the same secret accepts it: nothing is stored.
  ApimTokens restarted(10'000, 1'000);
  EXPECT_TRUE(restarted.valid(t->token, a, 200));
  // The same token while more than the margin is left, a new one after.
  EXPECT_EQ(tokens.current(a, 9'099)->token, t->token);
  EXPECT_NE(tokens.current(a, 9'100)->token, t->token);
  // Garbage never parses.
  for (const std::string& bad : std::vector<std::string>{"", ".", "x.y", t->token + "x", "A" + t->token,
                                                         std::string(kMaxTokenLength + 1, 'a')})
    EXPECT_FALSE(tokens.valid(bad, a, 200)) << bad;
}

TEST(ApimTokens, RenewRevokesEveryEarlierToken) {
  ApimTokens tokens(10'000, 1'000);
  registry::App a{"o1", "AAAAAAAAAAAAAAAAAAAAAAAA", "secretA", "a", "full", 0};
  auto first = tokens.current(a, 100);
  auto second = tokens.renew(a, 100);  // the same millisecond: same expiry, still only the new one is valid
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(tokens.valid(first->token, a, 200));
  EXPECT_TRUE(tokens.valid(second->token, a, 200));
  auto third = tokens.renew(a, 300);
  EXPECT_FALSE(tokens.valid(second->token, a, 400));
  EXPECT_TRUE(tokens.valid(third->token, a, 400));
  EXPECT_EQ(tokens.current(a, 400)->token, third->token);
}

// ---- the token service ----

TEST_F(AuthTest, TokenGetAnswersExactlyTheEnosShapeAndTheSameTokenWhileValid) {
  App app = make_app("full");
  auto a = token_get(app, now_);
  ASSERT_EQ(a.status, 200u) << a.body;
  const auto& o = a.json.as_object();
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"status", "msg", "business", "data"}));
  EXPECT_EQ(o.at("status"), 0);
  EXPECT_EQ(o.at("msg"), "Success");
  EXPECT_EQ(o.at("business"), "0");
  EXPECT_EQ(o.at("data").as_object().size(), 2u);
  EXPECT_EQ(o.at("data").at("expire"), 7200);
  const std::string token(o.at("data").at("accessToken").as_string());
  // A second request (a new timestamp) gets the same token and the seconds left.
  now_ += 100'000;
  auto b = token_get(app, now_);
  EXPECT_EQ(b.json.at("data").at("accessToken"), json::value(token));
  EXPECT_EQ(b.json.at("data").at("expire"), 7100);
  // The timestamp may be a string, too (hashed as sent).
  ApiRequest req;
  req.method = "POST";
  req.target = kTokenGet;
  const std::string ts = std::to_string(now_ + 1) + ".5";
  req.body = json::serialize(json::object{
      {"appKey", app.key}, {"encryption", sha256(app.key + ts + app.secret)}, {"timestamp", ts}});
  EXPECT_EQ(send(req).status, 200u);
}

TEST_F(AuthTest, TokenGetRefusalsCarryTheSpecCodes) {
  App app = make_app("full");
  auto body_with = [&](json::object o) {
    ApiRequest req;
    req.method = "POST";
    req.target = kTokenGet;
    req.body = json::serialize(o);
    req.remote_address = "10.0.0.2";
    return send(req);
  };
  const std::string t = std::to_string(now_);
  const std::string good = sha256(app.key + t + app.secret);
  // 1202: each field missing or empty.
  EXPECT_EQ(apim_code(body_with({{"encryption", good}, {"timestamp", now_}})), kApimEmptyParam);
  EXPECT_EQ(apim_code(body_with({{"appKey", app.key}, {"timestamp", now_}})), kApimEmptyParam);
  EXPECT_EQ(apim_code(body_with({{"appKey", app.key}, {"encryption", good}})), kApimEmptyParam);
  EXPECT_EQ(apim_code(body_with({{"appKey", ""}, {"encryption", good}, {"timestamp", now_}})),
            kApimEmptyParam);
  // 1004: wrong types, not JSON, timestamps out of the window (at N passes, N+1 fails).
  EXPECT_EQ(apim_code(body_with({{"appKey", 5}, {"encryption", good}, {"timestamp", now_}})), kApimBadParam);
  EXPECT_EQ(apim_code(body_with({{"appKey", app.key}, {"encryption", good}, {"timestamp", 1.5}})),
            kApimBadParam);
  EXPECT_EQ(apim_code(body_with({{"appKey", app.key}, {"encryption", good}, {"timestamp", -1}})),
            kApimBadParam);
  ApiRequest not_json;
  not_json.method = "POST";
  not_json.target = kTokenGet;
  not_json.body = "{nope";
  EXPECT_EQ(apim_code(send(not_json)), kApimBadParam);
  auto stale = token_get(app, now_ - kApimTimestampSkewMs - 1);
  EXPECT_EQ(apim_code(stale), kApimBadParam);
  EXPECT_EQ(stale.status, 400u);
  EXPECT_EQ(apim_code(token_get(app, now_ + kApimTimestampSkewMs + 1)), kApimBadParam);
  EXPECT_EQ(token_get(app, now_ - kApimTimestampSkewMs).status, 200u);
  EXPECT_EQ(token_get(app, now_ + kApimTimestampSkewMs).status, 200u);
  // 1002 unknown appKey, 1003 bad encryption, 1001 the same encryption again.
  auto unknown =
      body_with({{"appKey", "nosuchappkey000000000000"}, {"encryption", good}, {"timestamp", now_}});
  EXPECT_EQ(apim_code(unknown), kApimUnknownAppKey);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(apim_code(body_with({{"appKey", app.key}, {"encryption", sha256("x")}, {"timestamp", now_}})),
            kApimBadSignature);
  EXPECT_EQ(body_with({{"appKey", app.key}, {"encryption", good}, {"timestamp", now_}}).status, 200u);
  auto replay = body_with({{"appKey", app.key}, {"encryption", good}, {"timestamp", now_}});
  EXPECT_EQ(apim_code(replay), kApimReplayed);
  // Uppercase hex is the same digest.
  const std::string t2 = std::to_string(now_ + 7);
  EXPECT_EQ(body_with({{"appKey", app.key},
                       {"encryption", ascii_upper_for_test(sha256(app.key + t2 + app.secret))},
                       {"timestamp", now_ + 7}})
                .status,
            200u);
  // No refusal quotes what was sent.
  EXPECT_EQ(replay.body.find(good), std::string::npos);
  EXPECT_EQ(replay.body.find(app.secret), std::string::npos);
}

TEST_F(AuthTest, RefreshGivesANewTokenAndRevokesTheOld) {
  App app = make_app("full");
  const std::string old = token_of(app);
  auto refresh = [&](const std::string& token, int64_t ts) {
    ApiRequest req;
    req.method = "POST";
    req.target = kTokenRefresh;
    const std::string t = std::to_string(ts);
    req.body = json::serialize(json::object{{"appKey", app.key},
                                            {"encryption", sha256(app.key + t + app.secret)},
                                            {"timestamp", ts},
                                            {"accessToken", token}});
    return send(req);
  };
  auto a = refresh(old, now_ + 1001);
  ASSERT_EQ(a.status, 200u) << a.body;
  const std::string fresh(a.json.at("data").at("accessToken").as_string());
  EXPECT_NE(fresh, old);
  EXPECT_EQ(a.json.at("data").at("expire"), 7200);
  const std::string q = "action=search";
  EXPECT_EQ(apim_code(signed_call("POST", kProducts, q, "actionsearch", "", old, app)), kApimTokenExpired);
  EXPECT_EQ(signed_call("POST", kProducts, q, "actionsearch", "{}", fresh, app).status, 200u);
  // The old one cannot be refreshed again (1204), nor can another app's token or garbage.
  EXPECT_EQ(apim_code(refresh(old, now_ + 1002)), kApimRefreshFailed);
  EXPECT_EQ(apim_code(refresh("garbage", now_ + 1003)), kApimRefreshFailed);
  App other = make_app("full");
  EXPECT_EQ(apim_code(refresh(token_of(other), now_ + 1004)), kApimRefreshFailed);
  // token/get now answers the refreshed token.
  EXPECT_EQ(token_of(app), fresh);
}

TEST_F(AuthTest, FailedTokenRequestsAreThrottledPerAddressAndPerAppKey) {
  App app = make_app("full");
  auto bad = [&](const std::string& address, int64_t ts) {
    ApiRequest req;
    req.method = "POST";
    req.target = kTokenGet;
    req.body = json::serialize(
        json::object{{"appKey", app.key}, {"encryption", sha256("wrong")}, {"timestamp", ts}});
    req.remote_address = address;
    return send(req);
  };
  // kLoginFreeFailures free failures (N), the next one (N+1) starts a block.
  for (int i = 0; i < kLoginFreeFailures + 1; ++i)
    EXPECT_EQ(apim_code(bad("10.9.9.9", now_ + i)), kApimBadSignature) << i;
  // Blocked now: even the right encryption is refused, from that address and for that appKey from elsewhere.
  auto blocked = token_get(app, now_ + 100, "10.9.9.9");
  EXPECT_EQ(blocked.status, 429u);
  EXPECT_EQ(apim_code(blocked), kCodeTooManyRequests);
  EXPECT_EQ(token_get(app, now_ + 101, "10.1.1.1").status, 429u);
  // Another app from another address is not affected.
  App other = make_app("read");
  EXPECT_EQ(token_get(other, now_ + 102, "10.1.1.1").status, 200u);
}

// ---- signed calls ----

TEST_F(AuthTest, SignedGetAndPostWithBodyAreAccepted) {
  const std::string model = import_seed();
  const std::string pk = create_product("p1", model);
  App app = make_app("full");
  const std::string token = token_of(app);
  // GET with several query parameters, given unsorted and percent-encoded.
  auto g = signed_call("GET", kProducts, "productKey=" + pk + "&action=get&orgId=" + org_,
                       "actionget" + std::string("orgId") + org_ + "productKey" + pk, "", token, app);
  EXPECT_EQ(g.status, 200u) << g.body;
  EXPECT_EQ(g.code(), 0);
  EXPECT_TRUE(g.data().as_object().contains("productSecret"));  // full access sees secrets
  // POST with a body: the body is part of the signature.
  const std::string body =
      json::serialize(json::object{{"productKey", pk}, {"deviceName", "signed"}, {"deviceKey", "sig:1"}});
  auto p = signed_call("POST", kDevices, "action=create", "actioncreate", body, token, app);
  EXPECT_EQ(p.status, 200u) << p.body;
  auto d = signed_call("GET", kDevices, "action=get&productKey=" + pk + "&deviceKey=sig%3A1",
                       "actiongetdeviceKeysig:1productKey" + pk, "", token, app);
  EXPECT_EQ(d.status, 200u) << d.body;
  // Uppercase hex signatures are the same digest.
  auto req = signed_request("POST", kProducts, "action=search", "actionsearch", "", token, app, now_ + 1);
  req.apim_signature = ascii_upper_for_test(req.apim_signature);
  EXPECT_EQ(send(req).status, 200u);
  // session get says who is calling.
  auto who = signed_call("GET", "/iam-service/v2.1/sessions", "action=get", "actionget", "", token, app);
  EXPECT_EQ(who.data().at("username"), json::value(app.key));
  EXPECT_EQ(who.data().at("role"), "full");
  EXPECT_EQ(who.data().at("orgId"), json::value(org_));
}

TEST_F(AuthTest, SignedCallRefusalsCarryTheSpecCodes) {
  App app = make_app("full");
  const std::string token = token_of(app);
  const std::string q = "action=search";
  auto base = [&](int64_t ts) {
    return signed_request("POST", kProducts, q, "actionsearch", "{}", token, app, ts);
  };
  auto expect = [&](ApiRequest req, int64_t code, const char* what) {
    auto a = send(std::move(req));
    EXPECT_EQ(a.status, 401u) << what << " " << a.body;
    EXPECT_EQ(apim_code(a), code) << what << " " << a.body;
    EXPECT_EQ(a.code(), code) << what;
    EXPECT_EQ(a.body.find(token), std::string::npos) << what;
    EXPECT_EQ(a.body.find(app.secret), std::string::npos) << what;
  };
  // 1202: each header missing.
  auto r = base(now_);
  r.apim_access_token.clear();
  expect(r, kApimEmptyParam, "no token");
  r = base(now_);
  r.apim_timestamp.clear();
  expect(r, kApimEmptyParam, "no timestamp");
  r = base(now_);
  r.apim_signature.clear();
  expect(r, kApimEmptyParam, "no signature");
  // 1004: the timestamp window, at N and N+1 on both sides.
  expect(base(now_ - kApimTimestampSkewMs - 1), kApimBadParam, "stale");
  expect(base(now_ + kApimTimestampSkewMs + 1), kApimBadParam, "future");
  EXPECT_EQ(send(base(now_ - kApimTimestampSkewMs)).status, 200u);
  EXPECT_EQ(send(base(now_ + kApimTimestampSkewMs)).status, 200u);
  r = base(now_);
  r.apim_timestamp = "yesterday";
  expect(r, kApimBadParam, "not a number");
  // 1003: a signature that does not match the call: other body, other query, other secret, garbage.
  r = base(now_ + 1);
  r.body = "{\"x\":1}";
  expect(r, kApimBadSignature, "body changed");
  r = base(now_ + 2);
  r.target += "&orgId=" + org_;
  expect(r, kApimBadSignature, "query changed");
  r = base(now_ + 3);
  r.apim_signature = sha256(token + "actionsearch{}" + r.apim_timestamp + "not-the-secret");
  expect(r, kApimBadSignature, "wrong secret");
  r = base(now_ + 4);
  r.apim_signature = "zz";
  expect(r, kApimBadSignature, "garbage");
  // 1001: the same signed call twice.
  auto once = base(now_ + 5);
  EXPECT_EQ(send(once).status, 200u);
  expect(once, kApimReplayed, "replay");
  // 1203: unknown or forged tokens.
  r = base(now_ + 6);
  r.apim_access_token = "nope";
  r.apim_signature = sha256(r.apim_access_token + "actionsearch{}" + r.apim_timestamp + app.secret);
  expect(r, kApimTokenExpired, "unknown token");
  r.apim_access_token = std::string(kMaxTokenLength + 1, 'a');
  expect(r, kApimTokenExpired, "overlong token");
}

TEST_F(AuthTest, TokenExpiresAfterItsLifetime) {
  App app = make_app("read");
  const std::string token = token_of(app);
  const int64_t issued = now_;
  now_ = issued + kApimTokenLifetimeMs - 1;
  EXPECT_EQ(signed_call("POST", kProducts, "action=search", "actionsearch", "", token, app).status, 200u);
  now_ = issued + kApimTokenLifetimeMs;
  auto a = signed_call("POST", kProducts, "action=search", "actionsearch", "", token, app);
  EXPECT_EQ(a.status, 401u);
  EXPECT_EQ(apim_code(a), kApimTokenExpired);
  // token/get hands out a new one.
  EXPECT_NE(token_of(app), token);
}

TEST_F(AuthTest, TokenSurvivesARestartOfTheApiButNotTheDeletionOfItsApp) {
  App app = make_app("full");
  const std::string token = token_of(app);
  // A new context: no token state at all, as after a restart.
  ctx_ = std::make_unique<ApiContext>(*registry_, *store_, *hub_, *events_);
  ctx_->now_ms = [this] { return now_; };
  EXPECT_EQ(signed_call("POST", kProducts, "action=search", "actionsearch", "", token, app).status, 200u);
  ASSERT_TRUE(registry_->delete_app(org_, app.key));
  now_ += 1;
  EXPECT_EQ(apim_code(signed_call("POST", kProducts, "action=search", "actionsearch", "", token, app)),
            kApimTokenExpired);
  EXPECT_EQ(apim_code(token_get(app, now_)), kApimUnknownAppKey);
}

TEST_F(AuthTest, ATokenOfOneAppCannotSignForAnother) {
  App a = make_app("full"), b = make_app("full");
  const std::string token_a = token_of(a);
  // b's secret with a's token: the token names a, whose secret the signature does not use.
  auto r = signed_call("POST", kProducts, "action=search", "actionsearch", "", token_a, b);
  EXPECT_EQ(apim_code(r), kApimBadSignature);
}

// ---- roles ----

TEST_F(AuthTest, ReadOnlyAppReadsButCannotWriteNorSeeSecrets) {
  const std::string model = import_seed();
  const std::string pk = create_product("p1", model);
  create_device(pk, "d1", "dev-0001");
  App app = make_app("read");
  const std::string token = token_of(app);
  auto p = signed_call("GET", kProducts, "action=get&productKey=" + pk, "actiongetproductKey" + pk, "", token,
                       app);
  ASSERT_EQ(p.status, 200u) << p.body;
  EXPECT_FALSE(p.data().as_object().contains("productSecret"));
  auto d = signed_call("GET", kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001",
                       "actiongetdeviceKeydev-0001productKey" + pk, "", token, app);
  ASSERT_EQ(d.status, 200u) << d.body;
  EXPECT_FALSE(d.data().as_object().contains("deviceSecret"));
  auto w = signed_call("POST", kDevices, "action=disable&productKey=" + pk + "&deviceKey=dev-0001",
                       "actiondisabledeviceKeydev-0001productKey" + pk, "", token, app);
  EXPECT_EQ(w.status, 403u) << w.body;
  EXPECT_EQ(w.code(), kCodeNoPermission);
  EXPECT_EQ(get(kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001").data().at("status"),
            "inactive");
}

TEST_F(AuthTest, ViewerReadsButCannotWriteNorSeeSecrets) {
  const std::string model = import_seed();
  const std::string pk = create_product("p1", model);
  create_device(pk, "d1", "dev-0001");
  ASSERT_TRUE(registry_->create_user(org_, "vera", "password-1", "viewer"));
  auto session = registry_->create_session(org_, "vera", now_ + 3'600'000);
  ASSERT_TRUE(session) << session.error().message();
  auto p = call("GET", kProducts, "action=get&productKey=" + pk, "", *session);
  ASSERT_EQ(p.status, 200u) << p.body;
  EXPECT_FALSE(p.data().as_object().contains("productSecret"));
  auto d = call("GET", kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001", "", *session);
  EXPECT_FALSE(d.data().as_object().contains("deviceSecret"));
  for (const auto& [path, query, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {kDevices, "action=create",
            json::serialize(json::object{{"productKey", pk}, {"deviceName", "x"}})},
           {kDevices, "action=delete&productKey=" + pk + "&deviceKey=dev-0001", ""},
           {kProducts, "action=update&productKey=" + pk, "{}"},
           {kModels, "action=delete&modelId=" + model, ""},
           {"/iam-service/v2.1/users", "action=create", R"({"username":"eve","password":"password-2"})"},
           {"/iam-service/v2.1/apps", "action=create", R"({"name":"x","access":"full"})"},
           {"/iam-service/v2.1/orgs", "action=create", R"({"name":"x"})"}}) {
    auto a = call("POST", path, query, body, *session);
    EXPECT_EQ(a.status, 403u) << path << "?" << query << " " << a.body;
    EXPECT_EQ(a.code(), kCodeNoPermission);
  }
  EXPECT_EQ(get(kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001").status, 200u);
}

TEST_F(AuthTest, AdminSeesSecretsOnGetButNeverInSearches) {
  const std::string model = import_seed();
  const std::string pk = create_product("p1", model);
  create_device(pk, "d1", "dev-0001");
  EXPECT_TRUE(get(kProducts, "action=get&productKey=" + pk).data().as_object().contains("productSecret"));
  EXPECT_TRUE(get(kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001")
                  .data()
                  .as_object()
                  .contains("deviceSecret"));
  EXPECT_FALSE(call("POST", kDevices, "action=search").data().at(0).as_object().contains("deviceSecret"));
}

// ---- OU isolation ----

TEST_F(AuthTest, NoCredentialOfAnotherOuSeesAnythingOfThisOneEvenByGuessingKeys) {
  const std::string model = import_seed();
  const std::string pk = create_product("p1", model);
  auto dev = create_device(pk, "d1", "dev-0001");
  const std::string asset(dev.at("assetId").as_string());
  tsdb::Sample s;
  s.asset_id = asset;
  s.point_id = "voltage";
  s.time_ms = now_;
  s.value = tsdb::Value::of_double(3.5);
  append({s});
  // An OU B with three kinds of credential: its admin token, a viewer session and a full application.
  auto [org_b, token_b] = other_ou();
  ASSERT_TRUE(registry_->create_user(org_b, "bob", "password-1", "viewer"));
  auto session_b = registry_->create_session(org_b, "bob", now_ + 3'600'000);
  ASSERT_TRUE(session_b);
  App app_b = make_app("full", org_b);
  const std::string apim_b = token_of(app_b);
  // A command of A's device, whose id B might guess.
  registry::Command cmd;
  cmd.command_id = 1;
  cmd.org_id = org_;
  cmd.asset_id = asset;
  cmd.product_key = pk;
  cmd.device_key = "dev-0001";
  cmd.tsl_identifier = "high_frequency_report_service";
  cmd.input_data = R"({"interval":2})";
  cmd.create_time = now_;
  ASSERT_TRUE(registry_->save_commands({cmd}));

  struct Probe {
    std::string method, path, query, sorted, body;
  };
  const std::vector<Probe> probes{
      {"GET", kProducts, "action=get&productKey=" + pk, "actiongetproductKey" + pk, ""},
      {"GET", kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001",
       "actiongetdeviceKeydev-0001productKey" + pk, ""},
      {"GET", kDevices, "action=get&assetId=" + asset, "actiongetassetId" + asset, ""},
      {"GET", kModels, "action=get&modelId=" + model, "actiongetmodelId" + model, ""},
      {"POST", kMeasurepoints, "action=queryLatest&assetId=" + asset, "actionqueryLatestassetId" + asset, ""},
      {"GET", "/connect-service/v2.1/commands", "action=get&commandId=1", "actiongetcommandId1", ""},
  };
  int n = 0;
  auto as_b = [&](const Probe& p, int kind) {
    if (kind == 0) return call(p.method, p.path, p.query, p.body, token_b);
    if (kind == 1) return call(p.method, p.path, p.query, p.body, *session_b);
    auto req = signed_request(p.method, p.path, p.query, p.sorted, p.body, apim_b, app_b, now_ + ++n);
    return send(req);
  };
  for (int kind = 0; kind < 3; ++kind) {
    for (const Probe& p : probes) {
      auto a = as_b(p, kind);
      EXPECT_EQ(a.status, 404u) << kind << " " << p.path << "?" << p.query << " " << a.body;
      EXPECT_TRUE(!a.json.is_object() || !a.json.as_object().contains("data") || a.json.at("data").is_null())
          << a.body;
    }
    // Searches list only B's own (empty) OU.
    Probe search{"POST", kDevices, "action=search", "actionsearch",
                 json::serialize(json::object{{"expression", "productKey = '" + pk + "'"}})};
    auto a = as_b(search, kind);
    EXPECT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(a.json.at("pagination").at("totalSize"), 0) << a.body;
    search = {"POST", kProducts, "action=search", "actionsearch", ""};
    EXPECT_EQ(as_b(search, kind).json.at("pagination").at("totalSize"), 0);
    // TSDB latest: A's asset is not B's to read.
    Probe latest{"POST", "/tsdb-service/v2.1/latest", "", "",
                 json::serialize(json::object{{"assetIds", asset}, {"pointIds", "voltage"}})};
    auto l = as_b(latest, kind);
    EXPECT_EQ(l.code(), kCodeTsdbAssetUnauthorized) << kind << " " << l.body;
    EXPECT_EQ(l.body.find("3.5"), std::string::npos);
    // Naming A's OU is refused outright.
    Probe named{"GET", kProducts, "action=get&orgId=" + org_ + "&productKey=" + pk,
                "actiongetorgId" + org_ + "productKey" + pk, ""};
    EXPECT_EQ(as_b(named, kind).status, 403u) << kind;
  }
  // And A still has everything.
  EXPECT_EQ(get(kDevices, "action=get&assetId=" + asset).status, 200u);
}

}  // namespace
}  // namespace gridhub::api::testing
