// Access routes without a socket: console sessions (login, who am I, logout, expiry), failed logins throttled
// before any hashing, the bound on queued password checks at N and N+1, console users, applications (the
// secret once, never in searches) and OUs (system only; the new OU's admin token sees only its OU).
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>

#include "api/envelope.hpp"
#include "api/limits.hpp"
#include "api_fixture.hpp"
#include "registry/limits.hpp"

namespace gridhub::api::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kSessions = "/iam-service/v2.1/sessions";
constexpr const char* kUsers = "/iam-service/v2.1/users";
constexpr const char* kApps = "/iam-service/v2.1/apps";
constexpr const char* kOrgs = "/iam-service/v2.1/orgs";

Answer parse(const ApiResponse& res) {
  Answer a;
  a.status = res.status;
  a.body = res.body;
  boost::system::error_code ec;
  a.json = json::parse(res.body, ec);
  if (ec) a.json = nullptr;
  return a;
}

class AccessRoutesTest : public ApiTest {
 protected:
  ApiRequest login_request(const std::string& username, const std::string& password,
                           const std::string& address = "10.0.0.1") {
    ApiRequest req;
    req.method = "POST";
    req.target = std::string(kSessions) + "?action=login";
    req.body = json::serialize(json::object{{"username", username}, {"password", password}});
    req.remote_address = address;
    return req;
  }
  Answer login(const std::string& username, const std::string& password,
               const std::string& address = "10.0.0.1") {
    return parse(handle_request(*ctx_, login_request(username, password, address)));
  }
  std::string session_of(const std::string& username, const std::string& password) {
    auto a = login(username, password);
    EXPECT_EQ(a.status, 200u) << a.body;
    return a.status == 200 ? std::string(a.data().at("sessionToken").as_string()) : std::string();
  }
  Answer post_as(const std::string& path, const std::string& query, const json::value& body,
                 const std::string& token = "") {
    return call("POST", path, query, json::serialize(body), token);
  }
  void create_user(const std::string& username, const std::string& password, const std::string& role) {
    auto a =
        post_as(kUsers, "action=create", {{"username", username}, {"password", password}, {"role", role}});
    ASSERT_EQ(a.status, 200u) << a.body;
  }

  // Occupies both worker threads until release_workers(): an answer that arrives meanwhile needed no worker
  // (no password hash). The pool runs jobs in order, so these two run before anything posted later.
  void block_workers() {
    gate_future_ = gate_.get_future().share();
    for (int i = 0; i < 2; ++i) boost::asio::post(ctx_->workers, [g = gate_future_] { g.wait(); });
  }
  void release_workers() {
    if (!released_) gate_.set_value();
    released_ = true;
  }
  // A failed assertion must not leave the workers blocked: the context joins them on destruction.
  void TearDown() override {
    if (gate_future_.valid()) release_workers();
    ApiTest::TearDown();
  }

  std::promise<void> gate_;
  std::shared_future<void> gate_future_;
  bool released_ = false;
};

// ---- sessions ----

TEST_F(AccessRoutesTest, LoginOpensASessionThatWorksAsABearerTokenUntilLogout) {
  create_user("alice", "correct-horse", "admin");
  auto a = login("alice", "correct-horse");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.code(), 0);
  const auto& d = a.data().as_object();
  EXPECT_EQ(d.at("expire"), now_ + kSessionLifetimeMs);
  EXPECT_EQ(d.at("user"), json::parse(R"({"username":"alice","role":"admin","orgId":")" + org_ + R"("})"));
  const std::string session(d.at("sessionToken").as_string());
  EXPECT_EQ(call("POST", kProducts, "action=search", "", session).status, 200u);
  auto who = call("GET", kSessions, "action=get", "", session);
  EXPECT_EQ(who.data().at("username"), "alice");
  EXPECT_EQ(who.data().at("role"), "admin");
  EXPECT_EQ(who.data().at("orgId"), json::value(org_));
  EXPECT_EQ(call("POST", kSessions, "action=logout", "", session).status, 200u);
  EXPECT_EQ(call("POST", kProducts, "action=search", "", session).status, 401u);
  // Logging out with an API token ends nothing: the token still works.
  EXPECT_EQ(call("POST", kSessions, "action=logout").status, 200u);
  EXPECT_EQ(call("POST", kProducts, "action=search").status, 200u);
}

TEST_F(AccessRoutesTest, SessionEndsExactlyAfterItsLifetime) {
  create_user("alice", "correct-horse", "viewer");
  const std::string session = session_of("alice", "correct-horse");
  const int64_t start = now_;
  now_ = start + kSessionLifetimeMs - 1;
  EXPECT_EQ(call("POST", kProducts, "action=search", "", session).status, 200u);
  now_ = start + kSessionLifetimeMs;
  EXPECT_EQ(call("POST", kProducts, "action=search", "", session).status, 401u);
}

TEST_F(AccessRoutesTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  create_user("alice", "correct-horse", "admin");
  auto wrong = login("alice", "battery-staple");
  auto unknown = login("nobody", "battery-staple", "10.0.0.2");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.code(), kCodeUnauthorized);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(wrong.msg(), unknown.msg());
  EXPECT_EQ(wrong.body.find("battery-staple"), std::string::npos);
  // Missing fields are the caller's mistake, not a failed login.
  auto req = login_request("alice", "");
  req.body = R"({"username":"alice"})";
  EXPECT_EQ(parse(handle_request(*ctx_, req)).status, 400u);
  req.body = "{nope";
  EXPECT_EQ(parse(handle_request(*ctx_, req)).status, 400u);
}

TEST_F(AccessRoutesTest, RepeatedFailuresAreRefusedWithoutHashing) {
  create_user("alice", "correct-horse", "admin");
  create_user("bob", "correct-horse", "admin");
  // N free failures, then the (N+1)th still answers 401 but starts a block.
  for (int i = 0; i <= kLoginFreeFailures; ++i)
    EXPECT_EQ(login("alice", "wrong-pass", "10.7.7.7").status, 401u) << i;
  // With both workers busy, a login that needed a hash could not answer: these answer at once.
  block_workers();
  for (const auto& [user, address] :
       std::vector<std::pair<std::string, std::string>>{
           {"alice", "10.7.7.7"},   // the right password, from the blocked address
           {"bob", "10.7.7.7"},     // another user from the blocked address
           {"alice", "10.8.8.8"}})  // the blocked user from elsewhere
  {
    std::promise<ApiResponse> answer;
    handle_request_async(*ctx_, login_request(user, "correct-horse", address),
                         [&answer](ApiResponse r) { answer.set_value(std::move(r)); });
    auto f = answer.get_future();
    ASSERT_EQ(f.wait_for(5s), std::future_status::ready) << user << " " << address;
    auto a = parse(f.get());
    EXPECT_EQ(a.status, 429u) << a.body;
    EXPECT_EQ(a.code(), kCodeTooManyRequests);
  }
  release_workers();
  // Someone else from another address is not affected.
  EXPECT_EQ(login("bob", "correct-horse", "10.9.9.9").status, 200u);
}

TEST_F(AccessRoutesTest, QueuedPasswordChecksAreBoundedAtNAndNPlusOne) {
  block_workers();
  std::vector<std::future<ApiResponse>> queued;
  std::vector<std::promise<ApiResponse>> promises(kMaxQueuedPasswordChecks);
  for (std::size_t i = 0; i < kMaxQueuedPasswordChecks; ++i) {
    queued.push_back(promises[i].get_future());
    handle_request_async(
        *ctx_, login_request("user" + std::to_string(i), "wrong-pass", "10.1.0." + std::to_string(i)),
        [&p = promises[i]](ApiResponse r) { p.set_value(std::move(r)); });
  }
  for (auto& f : queued) EXPECT_EQ(f.wait_for(0s), std::future_status::timeout);
  // N are waiting: the (N+1)th is refused at once.
  std::promise<ApiResponse> extra;
  handle_request_async(*ctx_, login_request("one-more", "wrong-pass", "10.2.0.1"),
                       [&extra](ApiResponse r) { extra.set_value(std::move(r)); });
  auto ef = extra.get_future();
  ASSERT_EQ(ef.wait_for(5s), std::future_status::ready);
  auto refused = parse(ef.get());
  EXPECT_EQ(refused.status, 429u);
  EXPECT_EQ(refused.code(), kCodeTooManyRequests);
  release_workers();
  for (auto& f : queued) EXPECT_EQ(parse(f.get()).status, 401u);
  EXPECT_EQ(ctx_->password_checks.load(), 0u);
}

// ---- users ----

TEST_F(AccessRoutesTest, UsersAreCreatedSearchedUpdatedAndDeletedWithoutEverShowingAPassword) {
  create_user("alice", "correct-horse", "admin");
  create_user("vera", "viewer-pass", "viewer");
  auto dup = post_as(kUsers, "action=create", {{"username", "alice"}, {"password", "another-pass"}});
  EXPECT_EQ(dup.status, 409u) << dup.body;
  // Defaults to viewer.
  auto v = post_as(kUsers, "action=create", {{"username", "val"}, {"password", "viewer-pass"}});
  ASSERT_EQ(v.status, 200u) << v.body;
  EXPECT_EQ(v.data().at("role"), "viewer");
  auto s = post_as(kUsers, "action=search", json::object{});
  ASSERT_EQ(s.status, 200u) << s.body;
  EXPECT_EQ(s.json.at("pagination").at("totalSize"), 3);
  EXPECT_EQ(s.data().at(0).at("username"), "alice");
  for (const char* leak : {"correct-horse", "viewer-pass", "password", "$argon2"})
    EXPECT_EQ(s.body.find(leak), std::string::npos) << leak;
  // Paging: page 2 of size 2 holds the third.
  auto p2 = post_as(kUsers, "action=search", {{"pagination", {{"pageNo", 2}, {"pageSize", 2}}}});
  EXPECT_EQ(p2.data().as_array().size(), 1u);
  // A role change is seen by the user's open session; a new password ends it.
  const std::string session = session_of("vera", "viewer-pass");
  EXPECT_EQ(call("GET", kSessions, "action=get", "", session).data().at("role"), "viewer");
  auto up = post_as(kUsers, "action=update", {{"username", "vera"}, {"role", "admin"}});
  ASSERT_EQ(up.status, 200u) << up.body;
  EXPECT_EQ(call("GET", kSessions, "action=get", "", session).data().at("role"), "admin");
  up = post_as(kUsers, "action=update", {{"username", "vera"}, {"password", "brand-new-pass"}});
  ASSERT_EQ(up.status, 200u) << up.body;
  EXPECT_EQ(up.body.find("brand-new-pass"), std::string::npos);
  EXPECT_EQ(call("GET", kSessions, "action=get", "", session).status, 401u);
  EXPECT_EQ(login("vera", "viewer-pass").status, 401u);
  EXPECT_EQ(login("vera", "brand-new-pass").status, 200u);
  // Delete: the user can no longer log in; an unknown one is 404.
  EXPECT_EQ(post_as(kUsers, "action=delete", {{"username", "vera"}}).status, 200u);
  EXPECT_EQ(login("vera", "brand-new-pass", "10.0.0.3").status, 401u);
  EXPECT_EQ(call("POST", kUsers, "action=delete&username=val").status, 200u);  // query form
  EXPECT_EQ(post_as(kUsers, "action=delete", {{"username", "vera"}}).status, 404u);
  EXPECT_EQ(post_as(kUsers, "action=update", {{"username", "nobody"}, {"role", "admin"}}).status, 404u);
}

TEST_F(AccessRoutesTest, UserFieldsAreCheckedWithClearMessages) {
  auto bad = [&](json::object body) {
    auto a = post_as(kUsers, "action=create", body);
    EXPECT_EQ(a.status, 400u) << a.body;
    EXPECT_EQ(a.code(), kCodeInvalidParam);
    EXPECT_FALSE(a.msg().empty());
    return a;
  };
  bad({{"password", "long-enough"}});
  bad({{"username", "alice"}});
  bad({{"username", "alice"}, {"password", "long-enough"}, {"role", "system"}});
  bad({{"username", "alice"}, {"password", 12345678}});
  // Username length bounds at N and N+1 (the registry's rule).
  const std::string shortest(registry::kMinUsernameLength, 'a'), longest(registry::kMaxUsernameLength, 'b');
  EXPECT_EQ(post_as(kUsers, "action=create", {{"username", shortest}, {"password", "long-enough"}}).status,
            200u);
  EXPECT_EQ(post_as(kUsers, "action=create", {{"username", longest}, {"password", "long-enough"}}).status,
            200u);
  auto a = bad({{"username", shortest.substr(1)}, {"password", "long-enough"}});
  EXPECT_NE(a.msg().find("username"), std::string::npos);
  bad({{"username", longest + "b"}, {"password", "long-enough"}});
  // Password length bounds at N and N+1.
  const std::string min_pw(registry::kMinPasswordLength, 'p'), max_pw(registry::kMaxPasswordLength, 'q');
  EXPECT_EQ(post_as(kUsers, "action=create", {{"username", "minpw"}, {"password", min_pw}}).status, 200u);
  EXPECT_EQ(post_as(kUsers, "action=create", {{"username", "maxpw"}, {"password", max_pw}}).status, 200u);
  a = bad({{"username", "shortpw"}, {"password", min_pw.substr(1)}});
  EXPECT_EQ(a.body.find(min_pw.substr(1)), std::string::npos);
  bad({{"username", "longpw"}, {"password", max_pw + "q"}});
  bad({{"username", "bad name!"}, {"password", "long-enough"}});
  // Update needs something to change.
  EXPECT_EQ(post_as(kUsers, "action=update", {{"username", "minpw"}}).status, 400u);
}

TEST_F(AccessRoutesTest, UsernamesAreUniqueOverAllOusAndListedPerOu) {
  create_user("alice", "correct-horse", "admin");
  auto [org_b, token_b] = other_ou();
  EXPECT_EQ(post_as(kUsers, "action=create", {{"username", "alice"}, {"password", "correct-horse"}}, token_b)
                .status,
            409u);
  EXPECT_EQ(post_as(kUsers, "action=search", json::object{}, token_b).json.at("pagination").at("totalSize"),
            0);
  // B cannot delete or change A's user.
  EXPECT_EQ(post_as(kUsers, "action=delete", {{"username", "alice"}}, token_b).status, 404u);
  EXPECT_EQ(post_as(kUsers, "action=update", {{"username", "alice"}, {"role", "viewer"}}, token_b).status,
            404u);
  EXPECT_EQ(login("alice", "correct-horse").status, 200u);
}

// ---- applications ----

TEST_F(AccessRoutesTest, AppsShowTheirSecretOnceAndNeverInSearches) {
  auto a = post_as(kApps, "action=create", {{"name", "collector"}, {"access", "full"}});
  ASSERT_EQ(a.status, 200u) << a.body;
  const std::string key(a.data().at("appKey").as_string()), secret(a.data().at("appSecret").as_string());
  EXPECT_EQ(key.size(), registry::kAppKeyLength);
  EXPECT_EQ(secret.size(), registry::kAppSecretLength);
  EXPECT_EQ(a.data().at("access"), "full");
  EXPECT_EQ(a.data().at("orgId"), json::value(org_));
  auto r = post_as(kApps, "action=create", {{"name", "reader"}});
  EXPECT_EQ(r.data().at("access"), "read");  // read-only unless asked
  auto s = post_as(kApps, "action=search", json::object{});
  ASSERT_EQ(s.status, 200u);
  EXPECT_EQ(s.json.at("pagination").at("totalSize"), 2);
  EXPECT_EQ(s.body.find(secret), std::string::npos);
  EXPECT_EQ(s.body.find("appSecret"), std::string::npos);
  EXPECT_EQ(s.data().at(0).at("appKey"), json::value(key));
  // Another OU sees none of them and cannot delete them.
  auto [org_b, token_b] = other_ou();
  EXPECT_EQ(post_as(kApps, "action=search", json::object{}, token_b).json.at("pagination").at("totalSize"),
            0);
  EXPECT_EQ(post_as(kApps, "action=delete", {{"appKey", key}}, token_b).status, 404u);
  EXPECT_EQ(post_as(kApps, "action=delete", {{"appKey", key}}).status, 200u);
  EXPECT_EQ(post_as(kApps, "action=search", json::object{}).json.at("pagination").at("totalSize"), 1);
  EXPECT_EQ(post_as(kApps, "action=delete", {{"appKey", key}}).status, 404u);
}

TEST_F(AccessRoutesTest, AppFieldsAreChecked) {
  EXPECT_EQ(post_as(kApps, "action=create", json::object{}).status, 400u);
  EXPECT_EQ(post_as(kApps, "action=create", {{"name", "x"}, {"access", "admin"}}).status, 400u);
  EXPECT_EQ(post_as(kApps, "action=create", {{"name", std::string(registry::kMaxAppNameChars, 'n')}}).status,
            200u);
  EXPECT_EQ(
      post_as(kApps, "action=create", {{"name", std::string(registry::kMaxAppNameChars + 1, 'n')}}).status,
      400u);
  EXPECT_EQ(post_as(kApps, "action=delete", json::object{}).status, 400u);
}

// ---- OUs ----

TEST_F(AccessRoutesTest, OnlyTheSystemCredentialCreatesOusAndTheNewAdminSeesOnlyItsOwn) {
  auto system = registry_->create_api_token(org_, "system", "admin.json");
  ASSERT_TRUE(system) << system.error().message();
  const std::string model = import_seed();
  create_product("p1", model);
  // An OU admin may not.
  auto refused = post_as(kOrgs, "action=create", {{"name", "Wind farm"}});
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.code(), kCodeNoPermission);
  auto a = post_as(kOrgs, "action=create", {{"name", "Wind farm"}}, *system);
  ASSERT_EQ(a.status, 200u) << a.body;
  const std::string org_b(a.data().at("orgId").as_string()), token_b(a.data().at("adminToken").as_string());
  EXPECT_NE(org_b, org_);
  auto mine = call("GET", kOrgs, "action=get", "", token_b);
  EXPECT_EQ(mine.data().at("orgId"), json::value(org_b));
  EXPECT_EQ(mine.data().at("name"), "Wind farm");
  EXPECT_EQ(call("POST", kProducts, "action=search", "", token_b).json.at("pagination").at("totalSize"), 0);
  EXPECT_EQ(call("GET", kSessions, "action=get", "", token_b).data().at("role"), "admin");
  // The new admin can write in its OU, and cannot create OUs either.
  EXPECT_EQ(post_as(kApps, "action=create", {{"name", "b-app"}}, token_b).status, 200u);
  EXPECT_EQ(post_as(kOrgs, "action=create", {{"name", "x"}}, token_b).status, 403u);
  EXPECT_EQ(post_as(kOrgs, "action=create", json::object{}, *system).status, 400u);
  EXPECT_EQ(
      post_as(kOrgs, "action=create", {{"name", std::string(registry::kMaxOrgNameBytes + 1, 'x')}}, *system)
          .status,
      400u);
  EXPECT_EQ(get(kOrgs, "action=get").data().at("orgId"), json::value(org_));
}

TEST_F(AccessRoutesTest, PublicRoutesNeedNoCredentialButOthersDo) {
  // login answers without a token (401 for a wrong password, not for a missing token)...
  auto a = parse(handle_request(*ctx_, login_request("nobody", "whatever-pass")));
  EXPECT_EQ(a.status, 401u);
  EXPECT_EQ(a.msg(), "wrong username or password");
  // ...every other access route wants one.
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", std::string(kSessions) + "?action=logout"},
                                                        {"GET", std::string(kSessions) + "?action=get"},
                                                        {"POST", std::string(kUsers) + "?action=search"},
                                                        {"POST", std::string(kApps) + "?action=create"},
                                                        {"GET", std::string(kOrgs) + "?action=get"}}) {
    auto r = raw(method, target, "", "");
    EXPECT_EQ(r.status, 401u) << target;
  }
}

}  // namespace
}  // namespace gridhub::api::testing
