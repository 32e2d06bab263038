// Opening the SQLite registry (schema, reopen, bad files), OUs, API credentials and the change version.
#include "registry/sqlite_registry.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <iterator>

#include "registry/limits.hpp"
#include "registry/schema.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs one statement directly on the file, outside the registry (the registry must be closed).
void raw_exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

using SqliteRegistry = RegistryTest;

TEST_F(SqliteRegistry, NewFileIsInWalModeWithSchemaVersion) {
  reg_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), kSchemaVersion);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(SqliteRegistry, ReopenKeepsEverything) {
  std::string o = org("Acme");
  model(o, "M1");
  Product p = product(o, "M1", "Battery");
  Device d = device(o, p.product_key, "dev-1");
  auto token = reg_->create_api_token(o, "admin", "ops");
  ASSERT_TRUE(token);
  reopen();
  auto orgs = reg_->list_orgs();
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0].name, "Acme");
  EXPECT_TRUE(reg_->get_model(o, "M1"));
  auto gp = reg_->get_product(o, p.product_key);
  ASSERT_TRUE(gp);
  EXPECT_EQ(gp->product_secret, p.product_secret);
  auto gd = reg_->get_device(o, p.product_key, "dev-1");
  ASSERT_TRUE(gd);
  EXPECT_EQ(gd->device_secret, d.device_secret);
  EXPECT_EQ(gd->asset_id, d.asset_id);
  auto cred = reg_->authenticate(*token, 0);
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->org_id, o);
}

TEST_F(SqliteRegistry, SchemaFromANewerBuildIsRefused) {
  reg_.reset();
  raw_exec(db_path(), "UPDATE schema_version SET version = 99");
  auto r = open_sqlite_registry(db_path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::schema_too_new);
}

TEST_F(SqliteRegistry, FileThatIsNotADatabaseIsAStorageErrorNamingSqlitesMessage) {
  const std::string path = dir_ + "/garbage.db";
  std::ofstream(path) << std::string(4096, 'x');
  auto r = open_sqlite_registry(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::storage_error);
  EXPECT_NE(r.error().message().find("not a database"), std::string::npos) << r.error().message();
}

TEST_F(SqliteRegistry, UnopenablePathIsAStorageError) {
  auto r = open_sqlite_registry(dir_ + "/no/such/dir/registry.db");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::storage_error);
}

// --- OUs ---

TEST_F(SqliteRegistry, CreateOrgGeneratesEnosStyleIdAndIsReadable) {
  auto o = reg_->create_org("Acme", 1234);
  ASSERT_TRUE(o);
  ASSERT_EQ(o->org_id.size(), 1 + kOrgIdDigits);
  EXPECT_EQ(o->org_id[0], 'o');
  EXPECT_EQ(o->create_time, 1234);
  auto g = reg_->get_org(o->org_id);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name, "Acme");
  EXPECT_EQ(reg_->get_org("o000").error(), errc::not_found);
}

TEST_F(SqliteRegistry, ListOrgsIsOldestFirst) {
  auto a = reg_->create_org("A", 20);
  auto b = reg_->create_org("B", 10);
  ASSERT_TRUE(a && b);
  auto all = reg_->list_orgs();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "B");
  EXPECT_EQ(all[1].name, "A");
}

TEST_F(SqliteRegistry, OrgNameIsRequiredAndBounded) {
  EXPECT_EQ(reg_->create_org("", 1).error(), errc::invalid_argument);
  EXPECT_TRUE(reg_->create_org(std::string(kMaxOrgNameBytes, 'n'), 1));
  EXPECT_EQ(reg_->create_org(std::string(kMaxOrgNameBytes + 1, 'n'), 1).error(), errc::limit_exceeded);
}

// --- API credentials ---

TEST_F(SqliteRegistry, TokenAuthenticatesToItsOrgRoleAndName) {
  std::string o = org();
  auto token = reg_->create_api_token(o, "admin", "console");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->size(), kApiTokenLength);
  auto cred = reg_->authenticate(*token, 0);
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->org_id, o);
  EXPECT_EQ(cred->role, "admin");
  EXPECT_EQ(cred->name, "console");
}

TEST_F(SqliteRegistry, WrongTokensAreRefused) {
  std::string o = org();
  auto token = reg_->create_api_token(o, "admin", "x");
  ASSERT_TRUE(token);
  std::string wrong = *token;
  wrong[5] = wrong[5] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(reg_->authenticate(wrong, 0));
  EXPECT_FALSE(reg_->authenticate("", 0));
  EXPECT_FALSE(reg_->authenticate(token->substr(1), 0));
  EXPECT_FALSE(reg_->authenticate(*token + "x", 0));
  EXPECT_FALSE(reg_->authenticate(random_key(kApiTokenLength), 0));
}

TEST_F(SqliteRegistry, EachTokenIsDistinct) {
  std::string o = org();
  auto a = reg_->create_api_token(o, "admin", "a");
  auto b = reg_->create_api_token(o, "admin", "a");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(reg_->authenticate(*a, 0));
  EXPECT_TRUE(reg_->authenticate(*b, 0));
}

TEST_F(SqliteRegistry, TokenIsNeverStoredInClear) {
  std::string o = org();
  auto token = reg_->create_api_token(o, "admin", "secret-holder");
  ASSERT_TRUE(token);
  // Both before and after a checkpoint: the token must be in neither the WAL nor the main file.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& entry : std::filesystem::directory_iterator(dir_))
      EXPECT_EQ(slurp(entry.path().string()).find(*token), std::string::npos) << entry.path();
    reopen();  // closing the last connection checkpoints the WAL into the main file
  }
  EXPECT_TRUE(reg_->authenticate(*token, 0));
}

TEST_F(SqliteRegistry, TokenNeedsAnExistingOrgAndAValidRole) {
  EXPECT_EQ(reg_->create_api_token("o404", "admin", "x").error(), errc::org_not_found);
  std::string o = org();
  EXPECT_EQ(reg_->create_api_token(o, "", "x").error(), errc::invalid_argument);
  EXPECT_EQ(reg_->create_api_token(o, "Admin!", "x").error(), errc::invalid_argument);
  EXPECT_EQ(reg_->create_api_token(o, "admin", std::string(kMaxCredentialNameBytes + 1, 'n')).error(),
            errc::limit_exceeded);
  EXPECT_TRUE(reg_->create_api_token(o, "admin", std::string(kMaxCredentialNameBytes, 'n')));
}

// --- version ---

TEST_F(SqliteRegistry, VersionMovesOnlyOnWhatTheHubSnapshotHolds) {
  uint64_t v = reg_->version();
  std::string o = org();
  EXPECT_EQ(reg_->version(), v) << "OUs do not affect the hub's snapshot";
  model(o, "M");
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  ASSERT_TRUE(reg_->update_model(model_record(o, "M")));
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  Product p = product(o, "M", "P");
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  p.description = "changed";
  ASSERT_TRUE(reg_->update_product(p));
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  Device d = device(o, p.product_key, "dev1");
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  d.description = "x";
  d.attributes["a"] = 1;
  ASSERT_TRUE(reg_->update_device(d));
  EXPECT_EQ(reg_->version(), v) << "names, attributes and tags are not in the hub's snapshot";
  ASSERT_TRUE(reg_->set_device_enabled(o, p.product_key, "dev1", false, 5));
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();

  reg_->device_online(p.product_key, "dev1", 10);
  reg_->device_offline(p.product_key, "dev1", 11);
  reg_->flush();
  reg_->mark_all_offline(12);
  ASSERT_TRUE(reg_->create_api_token(o, "admin", "x"));
  EXPECT_EQ(reg_->version(), v) << "presence and tokens do not move the version";

  ASSERT_TRUE(reg_->delete_device(o, p.product_key, "dev1"));
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  ASSERT_TRUE(reg_->delete_product(o, p.product_key));
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  ASSERT_TRUE(reg_->delete_model(o, "M"));
  EXPECT_GT(reg_->version(), v);
}

TEST_F(SqliteRegistry, FailedChangesDoNotMoveTheVersion) {
  std::string o = org();
  model(o, "M");
  uint64_t v = reg_->version();
  EXPECT_FALSE(reg_->create_model(model_record(o, "M")));
  EXPECT_FALSE(reg_->create_product(product_record(o, "missing", "P")));
  EXPECT_FALSE(reg_->delete_model(o, "nope"));
  EXPECT_EQ(reg_->version(), v);
}

}  // namespace
}  // namespace gridhub::registry::testing
