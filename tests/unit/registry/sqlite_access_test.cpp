// Who may use the API, in the registry: console users (Argon2id), their sessions, API token roles and
// applications; every bound at N and N+1, expiry at exactly expire_at, reopen, and the v2 -> v3 migration.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iterator>

#include "registry/keys.hpp"
#include "registry/limits.hpp"
#include "registry/schema.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

constexpr const char* kPassword = "correct horse";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void raw_exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

// Column 0 of the first row of `sql`, as text ("" when there is no row).
std::string raw_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Access : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    o1_ = org("One");
    o2_ = org("Two");
  }
  User user(const std::string& org, const std::string& name, const std::string& role = "viewer",
            const std::string& password = kPassword) {
    auto r = reg_->create_user(org, name, password, role);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : User{};
  }
  std::string session(const std::string& org, const std::string& name, int64_t expire_at) {
    auto r = reg_->create_session(org, name, expire_at);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : std::string();
  }
  static std::vector<std::string> names(const std::vector<User>& users) {
    std::vector<std::string> out;
    for (const auto& u : users) out.push_back(u.username);
    return out;
  }
  std::string o1_, o2_;
};
using Names = std::vector<std::string>;

// --- users ---

TEST_F(Access, UsersAreListedPerOuByUsername) {
  const int64_t before = wall_ms();
  User bob = user(o1_, "bob", "admin");
  user(o1_, "alice");
  user(o2_, "carol");
  EXPECT_EQ(bob.org_id, o1_);
  EXPECT_EQ(bob.role, "admin");
  EXPECT_GE(bob.create_time, before);
  EXPECT_EQ(bob.update_time, bob.create_time);
  auto listed = reg_->list_users(o1_);
  EXPECT_EQ(names(listed), (Names{"alice", "bob"}));
  EXPECT_EQ(listed[0].role, "viewer");
  EXPECT_EQ(listed[1].create_time, bob.create_time);
  EXPECT_EQ(names(reg_->list_users(o2_)), (Names{"carol"}));
  EXPECT_TRUE(reg_->list_users("o404").empty());
}

TEST_F(Access, UsernameIsThreeToSixtyFourCharsOfItsCharset) {
  auto create = [&](const std::string& name) { return reg_->create_user(o1_, name, kPassword, "viewer"); };
  EXPECT_EQ(create(std::string(kMinUsernameLength - 1, 'u')).error(), errc::invalid_argument);
  EXPECT_TRUE(create(std::string(kMinUsernameLength, 'u')));
  EXPECT_TRUE(create(std::string(kMaxUsernameLength, 'v')));
  EXPECT_EQ(create(std::string(kMaxUsernameLength + 1, 'w')).error(), errc::invalid_argument);
  EXPECT_TRUE(create("Az09_.@-"));
  for (const char* bad : {"has space", "sl/ash", "quo'te", "ünï", "tab\there", ""})
    EXPECT_EQ(create(bad).error(), errc::invalid_argument) << bad;
}

TEST_F(Access, PasswordIsEightToOneHundredTwentyEightBytes) {
  auto create = [&](const std::string& name, std::size_t len) {
    return reg_->create_user(o1_, name, std::string(len, 'p'), "viewer");
  };
  EXPECT_EQ(create("short", kMinPasswordLength - 1).error(), errc::invalid_argument);
  EXPECT_TRUE(create("min", kMinPasswordLength));
  EXPECT_TRUE(create("max", kMaxPasswordLength));
  EXPECT_EQ(create("long", kMaxPasswordLength + 1).error(), errc::invalid_argument);
  EXPECT_EQ(names(reg_->list_users(o1_)), (Names{"max", "min"}));
}

TEST_F(Access, RoleIsAdminOrViewerAndTheOuMustExist) {
  for (const char* bad : {"", "system", "full", "read", "Admin", "root"})
    EXPECT_EQ(reg_->create_user(o1_, "dave", kPassword, bad).error(), errc::invalid_argument) << bad;
  EXPECT_EQ(reg_->create_user("o404", "dave", kPassword, "admin").error(), errc::org_not_found);
  EXPECT_TRUE(reg_->list_users(o1_).empty());
}

TEST_F(Access, UsernameIsUniqueOverAllOus) {
  user(o1_, "bob");
  EXPECT_EQ(reg_->create_user(o2_, "bob", kPassword, "admin").error(), errc::already_exists);
  EXPECT_EQ(reg_->create_user(o1_, "bob", kPassword, "admin").error(), errc::already_exists);
  EXPECT_TRUE(reg_->list_users(o2_).empty());
}

TEST_F(Access, OnlyAnArgon2idHashOfThePasswordIsStored) {
  const std::string password = "a-very-recognisable-password";
  user(o1_, "bob", "viewer", password);
  reg_.reset();
  EXPECT_EQ(raw_text(db_path(), "SELECT password_hash FROM users").rfind("$argon2id$", 0), 0u);
  for (const auto& entry : std::filesystem::directory_iterator(dir_))
    EXPECT_EQ(slurp(entry.path().string()).find(password), std::string::npos) << entry.path();
  open();
  EXPECT_TRUE(reg_->check_password("bob", password));
}

TEST_F(Access, CheckPasswordAcceptsOnlyTheRightPasswordOfAnExistingUser) {
  user(o2_, "bob", "admin");
  auto ok = reg_->check_password("bob", kPassword);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->org_id, o2_);
  EXPECT_EQ(ok->username, "bob");
  EXPECT_EQ(ok->role, "admin");
  EXPECT_EQ(reg_->check_password("bob", "correct hors").error(), errc::not_found);
  EXPECT_EQ(reg_->check_password("bob", "").error(), errc::not_found);
  EXPECT_EQ(reg_->check_password("Bob", kPassword).error(), errc::not_found) << "usernames are exact";
  EXPECT_EQ(reg_->check_password("nobody", kPassword).error(), errc::not_found);
  EXPECT_EQ(reg_->check_password("", kPassword).error(), errc::not_found);
  EXPECT_EQ(reg_->check_password(std::string(kMaxUsernameLength + 1, 'x'), kPassword).error(), errc::not_found);
}

TEST_F(Access, APasswordOneByteLongerThanTheMaximumNeverMatches) {
  const std::string longest(kMaxPasswordLength, 'p');
  user(o1_, "bob", "viewer", longest);
  EXPECT_TRUE(reg_->check_password("bob", longest));
  EXPECT_EQ(reg_->check_password("bob", longest + "p").error(), errc::not_found);
}

// An unknown username costs a full Argon2id verify too, so the answer's delay does not say whether the user
// exists. Generous bound: a shortcut would answer in microseconds, a verify takes tens of milliseconds.
TEST_F(Access, AnUnknownUserTakesAsLongAsAWrongPassword) {
  user(o1_, "bob");
  (void)reg_->check_password("warm-up", kPassword);  // the dummy hash is made on first use
  auto time = [&](const char* name) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(reg_->check_password(name, "wrong password").error(), errc::not_found);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  const double wrong = time("bob"), unknown = time("nobody");
  std::printf("[ figures  ] check_password: wrong password %.1f ms, unknown user %.1f ms\n", wrong, unknown);
  EXPECT_GT(unknown, wrong / 3);
  EXPECT_GT(wrong, unknown / 3);
}

TEST_F(Access, UpdateUserChangesRoleAndOrPassword) {
  user(o1_, "bob");
  auto r = reg_->update_user(o1_, "bob", "admin", "");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->role, "admin");
  EXPECT_GE(r->update_time, r->create_time);
  EXPECT_TRUE(reg_->check_password("bob", kPassword)) << "an empty password keeps the old one";
  r = reg_->update_user(o1_, "bob", "", "new password!");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->role, "admin") << "an empty role keeps the old one";
  EXPECT_EQ(reg_->check_password("bob", kPassword).error(), errc::not_found);
  EXPECT_TRUE(reg_->check_password("bob", "new password!"));
  EXPECT_EQ(reg_->list_users(o1_).at(0).role, "admin");
}

TEST_F(Access, UpdateUserRefusesBadValuesAndOtherOus) {
  user(o1_, "bob");
  EXPECT_EQ(reg_->update_user(o2_, "bob", "admin", "").error(), errc::not_found);
  EXPECT_EQ(reg_->update_user(o1_, "nobody", "admin", "").error(), errc::not_found);
  EXPECT_EQ(reg_->update_user(o1_, "bob", "system", "").error(), errc::invalid_argument);
  EXPECT_EQ(reg_->update_user(o1_, "bob", "", std::string(kMinPasswordLength - 1, 'p')).error(),
            errc::invalid_argument);
  EXPECT_EQ(reg_->update_user(o1_, "bob", "", std::string(kMaxPasswordLength + 1, 'p')).error(),
            errc::invalid_argument);
  EXPECT_EQ(reg_->list_users(o1_).at(0).role, "viewer");
  EXPECT_TRUE(reg_->check_password("bob", kPassword));
}

TEST_F(Access, DeleteUserIsPerOuAndFreesTheUsername) {
  user(o1_, "bob");
  EXPECT_EQ(reg_->delete_user(o2_, "bob").error(), errc::not_found);
  ASSERT_TRUE(reg_->delete_user(o1_, "bob"));
  EXPECT_EQ(reg_->delete_user(o1_, "bob").error(), errc::not_found);
  EXPECT_TRUE(reg_->list_users(o1_).empty());
  EXPECT_EQ(reg_->check_password("bob", kPassword).error(), errc::not_found);
  user(o2_, "bob");
}

// --- sessions ---

TEST_F(Access, ASessionAuthenticatesAsItsUserUntilExactlyExpireAt) {
  user(o1_, "bob", "admin");
  const std::string token = session(o1_, "bob", 1000);
  EXPECT_EQ(token.size(), kSessionTokenLength);
  auto cred = reg_->authenticate(token, 999);
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->org_id, o1_);
  EXPECT_EQ(cred->role, "admin");
  EXPECT_EQ(cred->name, "bob");
  EXPECT_TRUE(cred->can_write());
  EXPECT_FALSE(cred->is_system());
  EXPECT_FALSE(reg_->authenticate(token, 1000));
  EXPECT_FALSE(reg_->authenticate(token, 0)) << "an expired session is dropped, not merely refused";
}

TEST_F(Access, AViewersSessionCannotWrite) {
  user(o1_, "val");
  auto cred = reg_->authenticate(session(o1_, "val", 1000), 0);
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->role, "viewer");
  EXPECT_FALSE(cred->can_write());
}

TEST_F(Access, SessionsNeedTheUserInItsOu) {
  user(o1_, "bob");
  EXPECT_EQ(reg_->create_session(o2_, "bob", 1000).error(), errc::not_found);
  EXPECT_EQ(reg_->create_session(o1_, "nobody", 1000).error(), errc::not_found);
}

TEST_F(Access, EachSessionIsDistinctAndLogoutEndsOnlyItself) {
  user(o1_, "bob");
  const std::string a = session(o1_, "bob", 1000), b = session(o1_, "bob", 1000);
  EXPECT_NE(a, b);
  reg_->delete_session(a);
  EXPECT_FALSE(reg_->authenticate(a, 0));
  EXPECT_TRUE(reg_->authenticate(b, 0));
  reg_->delete_session(a);  // twice: ignored
  reg_->delete_session("not a token");
  reg_->delete_session(random_key(kSessionTokenLength));
  EXPECT_TRUE(reg_->authenticate(b, 0));
  std::string wrong = b;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(reg_->authenticate(wrong, 0));
}

TEST_F(Access, ARoleChangeAppliesToOpenSessions) {
  user(o1_, "bob");
  const std::string token = session(o1_, "bob", 1000);
  EXPECT_EQ(reg_->authenticate(token, 0)->role, "viewer");
  ASSERT_TRUE(reg_->update_user(o1_, "bob", "admin", ""));
  auto cred = reg_->authenticate(token, 0);
  ASSERT_TRUE(cred) << "a role change keeps the session";
  EXPECT_EQ(cred->role, "admin");
}

TEST_F(Access, ANewPasswordOrDeletingTheUserEndsItsSessions) {
  user(o1_, "bob");
  user(o1_, "eve");
  const std::string bob = session(o1_, "bob", 1000), eve = session(o1_, "eve", 1000);
  ASSERT_TRUE(reg_->update_user(o1_, "bob", "", "another password"));
  EXPECT_FALSE(reg_->authenticate(bob, 0));
  EXPECT_TRUE(reg_->authenticate(eve, 0)) << "only that user's sessions";
  ASSERT_TRUE(reg_->delete_user(o1_, "eve"));
  EXPECT_FALSE(reg_->authenticate(eve, 0));
  reg_.reset();
  EXPECT_EQ(raw_text(db_path(), "SELECT COUNT(*) FROM sessions"), "0") << "and on disk";
}

TEST_F(Access, SessionsSurviveReopenAndExpiredOnesAreSweptOnDisk) {
  user(o1_, "bob", "admin");
  const int64_t later = wall_ms() + 3600 * 1000;
  const std::string live = session(o1_, "bob", later);
  const std::string stale = session(o1_, "bob", wall_ms() - 1);
  reopen();
  auto cred = reg_->authenticate(live, later - 1);
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->name, "bob");
  EXPECT_EQ(cred->role, "admin");
  EXPECT_FALSE(reg_->authenticate(stale, 0));
  reg_.reset();
  EXPECT_EQ(raw_text(db_path(), "SELECT COUNT(*) FROM sessions"), "1");
}

TEST_F(Access, ASessionFoundExpiredIsDeletedOnDiskByTheNextSessionChange) {
  user(o1_, "bob");
  const int64_t later = wall_ms() + 3600 * 1000;
  const std::string token = session(o1_, "bob", later);
  EXPECT_FALSE(reg_->authenticate(token, later));
  session(o1_, "bob", later);
  reg_.reset();
  EXPECT_EQ(raw_text(db_path(), "SELECT COUNT(*) FROM sessions"), "1");
}

TEST_F(Access, SessionTokensAreNeverStoredInClear) {
  user(o1_, "bob");
  const std::string token = session(o1_, "bob", wall_ms() + 3600 * 1000);
  reg_.reset();
  for (const auto& entry : std::filesystem::directory_iterator(dir_))
    EXPECT_EQ(slurp(entry.path().string()).find(token), std::string::npos) << entry.path();
}

// --- API token roles ---

TEST_F(Access, ApiTokensTakeTheFiveRolesOnly) {
  for (const char* role : {"system", "admin", "viewer", "full", "read"}) {
    auto token = reg_->create_api_token(o1_, role, "t");
    ASSERT_TRUE(token) << role;
    auto cred = reg_->authenticate(*token, 0);
    ASSERT_TRUE(cred);
    EXPECT_EQ(cred->role, role);
    EXPECT_EQ(cred->can_write(), std::string(role) != "viewer" && std::string(role) != "read") << role;
    EXPECT_EQ(cred->is_system(), std::string(role) == "system");
  }
  for (const char* bad : {"", "Admin", "owner", "readonly", "system "})
    EXPECT_EQ(reg_->create_api_token(o1_, bad, "t").error(), errc::invalid_argument) << bad;
}

// --- applications ---

TEST_F(Access, CreateAppGeneratesKeyAndSecretAndFindAppSeesIt) {
  auto app = reg_->create_app(o1_, "Billing", "full");
  ASSERT_TRUE(app) << app.error().message();
  EXPECT_EQ(app->org_id, o1_);
  EXPECT_EQ(app->app_key.size(), kAppKeyLength);
  EXPECT_EQ(app->app_secret.size(), kAppSecretLength);
  for (char c : app->app_key + app->app_secret) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  EXPECT_EQ(app->name, "Billing");
  EXPECT_EQ(app->access, "full");
  EXPECT_GT(app->create_time, 0);
  auto found = reg_->find_app(app->app_key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->app_secret, app->app_secret);
  EXPECT_EQ(found->org_id, o1_);
  EXPECT_FALSE(reg_->find_app(random_key(kAppKeyLength)));
  EXPECT_FALSE(reg_->find_app(""));
  auto other = reg_->create_app(o1_, "Billing", "read");
  ASSERT_TRUE(other) << "names need not be unique";
  EXPECT_NE(other->app_key, app->app_key);
  EXPECT_NE(other->app_secret, app->app_secret);
}

TEST_F(Access, AppNameIsOneToSixtyFourCharactersAndAccessFullOrRead) {
  auto create = [&](const std::string& name, const std::string& access = "read") {
    return reg_->create_app(o1_, name, access);
  };
  EXPECT_EQ(create("").error(), errc::invalid_argument);
  EXPECT_TRUE(create("a"));
  EXPECT_TRUE(create(std::string(kMaxAppNameChars, 'n')));
  EXPECT_EQ(create(std::string(kMaxAppNameChars + 1, 'n')).error(), errc::invalid_argument);
  std::string cjk;
  for (std::size_t i = 0; i < kMaxAppNameChars; ++i) cjk += "应";  // 3 bytes each: characters count, not bytes
  EXPECT_TRUE(create(cjk));
  EXPECT_EQ(create(cjk + "用").error(), errc::invalid_argument);
  EXPECT_EQ(create("bad\xff utf8").error(), errc::invalid_argument);
  EXPECT_EQ(create("line\nbreak").error(), errc::invalid_argument);
  EXPECT_TRUE(create("Billing app (prod) - v2"));
  for (const char* bad : {"", "write", "Full", "admin"}) EXPECT_EQ(create("x", bad).error(), errc::invalid_argument);
  EXPECT_EQ(reg_->create_app("o404", "x", "read").error(), errc::org_not_found);
}

TEST_F(Access, AppsAreListedPerOuOldestFirstAndDeletedPerOu) {
  auto a = reg_->create_app(o1_, "first", "read");
  auto b = reg_->create_app(o1_, "second", "full");
  auto c = reg_->create_app(o2_, "theirs", "read");
  ASSERT_TRUE(a && b && c);
  auto listed = reg_->list_apps(o1_);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].app_key, a->app_key);
  EXPECT_EQ(listed[1].app_key, b->app_key);
  EXPECT_EQ(listed[1].access, "full");
  EXPECT_EQ(reg_->delete_app(o2_, a->app_key).error(), errc::not_found) << "another OU's app";
  EXPECT_TRUE(reg_->find_app(a->app_key));
  ASSERT_TRUE(reg_->delete_app(o1_, a->app_key));
  EXPECT_FALSE(reg_->find_app(a->app_key));
  EXPECT_EQ(reg_->delete_app(o1_, a->app_key).error(), errc::not_found);
  EXPECT_EQ(reg_->list_apps(o1_).size(), 1u);
  EXPECT_EQ(reg_->list_apps(o2_).size(), 1u);
}

TEST_F(Access, AppsSurviveReopen) {
  auto a = reg_->create_app(o1_, "kept", "full");
  auto gone = reg_->create_app(o1_, "gone", "read");
  ASSERT_TRUE(a && gone);
  ASSERT_TRUE(reg_->delete_app(o1_, gone->app_key));
  reopen();
  auto found = reg_->find_app(a->app_key);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->app_secret, a->app_secret);
  EXPECT_EQ(found->name, "kept");
  EXPECT_EQ(found->access, "full");
  EXPECT_EQ(found->create_time, a->create_time);
  EXPECT_FALSE(reg_->find_app(gone->app_key));
}

// --- migration ---

// A v2 file is a v3 file without the v3 tables, where admin.json's token had role "admin".
TEST_F(Access, AVersionTwoFileIsMigratedAndAdminJsonBecomesSystem) {
  auto admin_json = reg_->create_api_token(o1_, "admin", "admin.json");
  auto ops = reg_->create_api_token(o1_, "admin", "ops");
  ASSERT_TRUE(admin_json && ops);
  reg_.reset();
  raw_exec(db_path(),
           "ALTER TABLE products DROP COLUMN default_valid_day; ALTER TABLE products DROP COLUMN max_valid_day; "
           "DROP TABLE certificates; DROP TABLE org_cas; DROP TABLE topology; "
           "DROP TABLE sessions; DROP TABLE users; DROP TABLE apps; DROP TABLE commands; "
           "UPDATE schema_version SET version = 2");
  open();
  EXPECT_EQ(reg_->authenticate(*admin_json, 0)->role, "system");
  EXPECT_EQ(reg_->authenticate(*ops, 0)->role, "admin") << "other tokens keep their role";
  EXPECT_EQ(reg_->list_orgs().size(), 2u);
  user(o1_, "bob");
  EXPECT_TRUE(reg_->create_app(o1_, "a", "read"));
  EXPECT_EQ(reg_->next_command_id(), 1);
  reg_.reset();
  EXPECT_EQ(raw_text(db_path(), "SELECT version FROM schema_version"), std::to_string(kSchemaVersion));
}

}  // namespace
}  // namespace gridhub::registry::testing
