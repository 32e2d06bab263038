// Storage policy groups in the SQLite registry: create/get/list/update/delete, the limits at N and N+1, name
// and model rules, policies, ids never reused, version(), persistence and migration; parse_retention.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>

#include "registry/limits.hpp"
#include "registry/schema.hpp"
#include "registry/sqlite_registry.hpp"
#include "registry/validate.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

// Runs SQL directly on the file, outside the registry (the registry must be closed).
void raw_exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

StoragePolicy policy(const std::string& type, const std::string& retention,
                     std::vector<StoragePolicy::ModelPoints> models = {}) {
  StoragePolicy p;
  p.storage_type = type;
  p.retention = retention;
  p.models = std::move(models);
  return p;
}

class StorageGroups : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    org_ = org("OU");
    for (const char* m : {"M1", "M2", "M3"}) model(org_, m);
  }
  static StorageGroup group_record(const std::string& org, const std::string& name,
                                   std::vector<std::string> models = {}) {
    StorageGroup g;
    g.org_id = org;
    g.name = name;
    g.model_ids = std::move(models);
    return g;
  }
  StorageGroup group(const std::string& name, std::vector<std::string> models = {}) {
    auto r = reg_->create_storage_group(group_record(org_, name, std::move(models)));
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : StorageGroup{};
  }
  std::string org_;
};

using Strings = std::vector<std::string>;

TEST_F(StorageGroups, CreateThenGetReturnsWhatWasStored) {
  StorageGroup in = group_record(org_, "Solar_站点-1", {"M2", "M1", "M2"});
  in.description = "field one";
  in.create_time = 5000;
  auto created = reg_->create_storage_group(in);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_GT(created->id, 0u);
  EXPECT_EQ(created->org_id, org_);
  EXPECT_EQ(created->model_ids, (Strings{"M1", "M2"}));  // sorted, duplicates merged
  EXPECT_EQ(created->create_time, 5000);
  EXPECT_EQ(created->update_time, 5000);
  EXPECT_TRUE(created->policies.empty());
  auto got = reg_->get_storage_group(org_, created->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Solar_站点-1");
  EXPECT_EQ(got->description, "field one");
  EXPECT_EQ(got->model_ids, (Strings{"M1", "M2"}));
}

TEST_F(StorageGroups, ZeroCreateTimeTakesTheWallClock) {
  const int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  StorageGroup g = group("G");
  EXPECT_GE(g.create_time, before);
  EXPECT_EQ(g.update_time, g.create_time);
}

TEST_F(StorageGroups, ListIsOldestFirstAndOnlyTheOrgsGroups) {
  std::string other = org("Other");
  group("B");
  group("A");
  ASSERT_TRUE(reg_->create_storage_group(group_record(other, "C")));
  auto list = reg_->list_storage_groups(org_);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "B");
  EXPECT_EQ(list[1].name, "A");
  EXPECT_EQ(reg_->list_storage_groups(other).size(), 1u);
  EXPECT_TRUE(reg_->list_storage_groups("o00000000000000").empty());
  auto all = reg_->all_storage_groups();
  ASSERT_EQ(all.size(), 3u);
}

TEST_F(StorageGroups, AtMostFivePerOrgAndTheLimitIsPerOrg) {
  for (int i = 1; i <= kMaxStorageGroupsPerOrg; ++i) group("G" + std::to_string(i));
  auto sixth = reg_->create_storage_group(group_record(org_, "G6"));
  ASSERT_FALSE(sixth);
  EXPECT_EQ(sixth.error(), errc::limit_exceeded);
  EXPECT_EQ(reg_->list_storage_groups(org_).size(), static_cast<std::size_t>(kMaxStorageGroupsPerOrg));
  std::string other = org("Other");
  EXPECT_TRUE(reg_->create_storage_group(group_record(other, "G6")));
  // A delete frees a place.
  ASSERT_TRUE(reg_->delete_storage_group(org_, reg_->list_storage_groups(org_)[0].id));
  EXPECT_TRUE(reg_->create_storage_group(group_record(org_, "G6")));
}

TEST_F(StorageGroups, NameIsUniqueInTheOrgOnly) {
  group("Same");
  auto dup = reg_->create_storage_group(group_record(org_, "Same"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error(), errc::already_exists);
  std::string other = org("Other");
  EXPECT_TRUE(reg_->create_storage_group(group_record(other, "Same")));
  // Names compare exactly: another case is another name.
  EXPECT_TRUE(reg_->create_storage_group(group_record(org_, "same")));
}

TEST_F(StorageGroups, NameRules) {
  EXPECT_TRUE(valid_storage_group_name("a"));
  EXPECT_TRUE(valid_storage_group_name("Az09_-"));
  EXPECT_TRUE(valid_storage_group_name("储能电站"));
  EXPECT_TRUE(valid_storage_group_name("\xF0\xA0\x80\x80"));  // U+20000, CJK extension B
  EXPECT_TRUE(valid_storage_group_name(std::string(kMaxStorageGroupNameChars, 'n')));
  EXPECT_FALSE(valid_storage_group_name(std::string(kMaxStorageGroupNameChars + 1, 'n')));
  // The bound counts characters, not bytes: 64 ideographs are 192 bytes.
  std::string cjk;
  for (std::size_t i = 0; i < kMaxStorageGroupNameChars; ++i) cjk += "站";
  EXPECT_TRUE(valid_storage_group_name(cjk));
  EXPECT_FALSE(valid_storage_group_name(cjk + "站"));
  for (const std::string& bad :
       {std::string(), std::string("a b"), std::string("a.b"), std::string("a/b"), std::string("é"),
        std::string("😀"), std::string("。"), std::string("a\0b", 3),
        std::string("\xE7\xAB"),          // truncated 3-byte sequence
        std::string("\xC0\xAF"),          // overlong '/'
        std::string("\xED\xA0\x80"),      // surrogate U+D800
        std::string("\xE0\x80\xAF"),      // overlong 3-byte
        std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
        std::string("\x80"), std::string("\xFF")})
    EXPECT_FALSE(valid_storage_group_name(bad)) << bad;
  auto r = reg_->create_storage_group(group_record(org_, "bad name"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::invalid_argument);
}

TEST_F(StorageGroups, DescriptionBoundIsTheRegistrysDescriptionLimit) {
  StorageGroup g = group_record(org_, "A");
  g.description = std::string(kMaxDescriptionBytes, 'd');
  EXPECT_TRUE(reg_->create_storage_group(g));
  g.name = "B";
  g.description += "d";
  auto r = reg_->create_storage_group(g);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::limit_exceeded);
}

TEST_F(StorageGroups, UnknownOrgIsOrgNotFound) {
  auto r = reg_->create_storage_group(group_record("o99999999999999", "G"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::org_not_found);
}

TEST_F(StorageGroups, ModelsMustExistInTheOrg) {
  std::string other = org("Other");
  model(other, "Theirs");
  for (const char* m : {"Nope", "Theirs"}) {
    auto r = reg_->create_storage_group(group_record(org_, "G", {"M1", m}));
    ASSERT_FALSE(r) << m;
    EXPECT_EQ(r.error(), errc::model_not_found) << m;
  }
  auto bad = reg_->create_storage_group(group_record(org_, "G", {"bad id"}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), errc::invalid_argument);
  EXPECT_TRUE(reg_->list_storage_groups(org_).empty());  // a failed call changes nothing
}

TEST_F(StorageGroups, AtMostTwoHundredModelsPerGroup) {
  Strings models;
  for (std::size_t i = 0; i <= kMaxModelsPerStorageGroup; ++i)
    models.push_back(model(org_, "X" + std::to_string(i)));
  Strings at_limit(models.begin(), models.begin() + kMaxModelsPerStorageGroup);
  auto over = reg_->create_storage_group(group_record(org_, "Over", models));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), errc::limit_exceeded);
  auto ok = reg_->create_storage_group(group_record(org_, "Full", at_limit));
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->model_ids.size(), kMaxModelsPerStorageGroup);
  StorageGroup g = *ok;
  g.model_ids = models;
  auto up = reg_->update_storage_group(g);
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error(), errc::limit_exceeded);
}

TEST_F(StorageGroups, AModelIsInOneGroupOfItsOrgOnly) {
  StorageGroup a = group("A", {"M1"});
  auto r = reg_->create_storage_group(group_record(org_, "B", {"M2", "M1"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::in_use);
  StorageGroup b = group("B", {"M2"});
  b.model_ids = {"M1", "M2"};
  auto up = reg_->update_storage_group(b);
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error(), errc::in_use);
  // The same model id in another OU is another model.
  std::string other = org("Other");
  model(other, "M1");
  EXPECT_TRUE(reg_->create_storage_group(group_record(other, "A", {"M1"})));
  // Keeping its own models is not "in another group".
  a.description = "kept";
  EXPECT_TRUE(reg_->update_storage_group(a));
}

TEST_F(StorageGroups, UpdateRenamesDescribesAndReplacesTheModels) {
  StorageGroup g = group("A", {"M1", "M2"});
  group("Taken");
  g.name = "Renamed";
  g.description = "new";
  g.model_ids = {"M3", "M2"};
  g.update_time = 9000;
  auto up = reg_->update_storage_group(g);
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->name, "Renamed");
  EXPECT_EQ(up->description, "new");
  EXPECT_EQ(up->model_ids, (Strings{"M2", "M3"}));
  EXPECT_EQ(up->update_time, 9000);
  EXPECT_EQ(up->create_time, g.create_time);
  // M1 left, so another group may take it.
  EXPECT_TRUE(reg_->create_storage_group(group_record(org_, "B", {"M1"})));

  g.name = "Taken";
  auto clash = reg_->update_storage_group(g);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error(), errc::already_exists);
  g.name = "";
  auto bad = reg_->update_storage_group(g);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), errc::invalid_argument);
  g.name = "Renamed";
  g.model_ids = {"Nope"};
  auto missing = reg_->update_storage_group(g);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), errc::model_not_found);
  EXPECT_EQ(reg_->get_storage_group(org_, g.id)->model_ids, (Strings{"M2", "M3"}));  // unchanged
}

TEST_F(StorageGroups, UpdateOfAnUnknownOrForeignGroupIsNotFound) {
  StorageGroup g = group("A");
  std::string other = org("Other");
  StorageGroup foreign = g;
  foreign.org_id = other;
  for (const StorageGroup& x : {foreign, [&] {
                                  StorageGroup y = g;
                                  y.id = g.id + 100;
                                  return y;
                                }()}) {
    auto r = reg_->update_storage_group(x);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_found);
  }
  EXPECT_EQ(reg_->get_storage_group(other, g.id).error(), errc::not_found);
  EXPECT_EQ(reg_->get_storage_group(org_, 0).error(), errc::not_found);
  EXPECT_EQ(reg_->delete_storage_group(other, g.id).error(), errc::not_found);
  EXPECT_TRUE(reg_->get_storage_group(org_, g.id));
}

TEST_F(StorageGroups, PoliciesRoundTripSortedAndMerged) {
  StorageGroup g = group("A", {"M1", "M2"});
  auto r = reg_->set_storage_policy(
      org_, g.id, policy("AI_RAW", "3M", {{"M2", {"b", "a", "b"}}, {"M1", {"z"}}, {"M2", {"c"}}}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(
      reg_->set_storage_policy(org_, g.id, policy("AI_NORMALIZED", "1Y", {{"M1", {"z"}}, {"M2", {}}})));
  auto got = reg_->get_storage_group(org_, g.id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->policies.size(), 2u);
  const StoragePolicy& norm = got->policies[0];  // sorted by storage type
  EXPECT_EQ(norm.storage_type, "AI_NORMALIZED");
  EXPECT_EQ(norm.retention, "1Y");
  ASSERT_EQ(norm.models.size(), 1u);  // M2 selected no point: left out
  EXPECT_EQ(norm.models[0].model_id, "M1");
  const StoragePolicy& raw = got->policies[1];
  EXPECT_EQ(raw.storage_type, "AI_RAW");
  EXPECT_EQ(raw.retention, "3M");
  ASSERT_EQ(raw.models.size(), 2u);
  EXPECT_EQ(raw.models[0].model_id, "M1");
  EXPECT_EQ(raw.models[0].point_ids, (Strings{"z"}));
  EXPECT_EQ(raw.models[1].model_id, "M2");
  EXPECT_EQ(raw.models[1].point_ids, (Strings{"a", "b", "c"}));
  // Setting a type again replaces it; an empty selection keeps the retention.
  ASSERT_TRUE(reg_->set_storage_policy(org_, g.id, policy("AI_RAW", "6M")));
  got = reg_->get_storage_group(org_, g.id);
  EXPECT_EQ(got->policies[1].retention, "6M");
  EXPECT_TRUE(got->policies[1].models.empty());
  EXPECT_EQ(got->policies[0].models.size(), 1u);  // the other type untouched
  // Every type, and a point in several types.
  for (const char* t : {"DI", "PI", "GENERIC"})
    ASSERT_TRUE(reg_->set_storage_policy(org_, g.id, policy(t, "20Y", {{"M1", {"z"}}})));
  EXPECT_EQ(reg_->get_storage_group(org_, g.id)->policies.size(), 5u);
}

TEST_F(StorageGroups, SetPolicyErrors) {
  StorageGroup g = group("A", {"M1"});
  struct Case {
    StoragePolicy p;
    errc want;
  } cases[] = {
      {policy("AI", "3M"), errc::invalid_argument},
      {policy("ai_raw", "3M"), errc::invalid_argument},
      {policy("AI_RAW", "12M"), errc::invalid_argument},
      {policy("AI_RAW", ""), errc::invalid_argument},
      {policy("AI_RAW", "3M", {{"M1", {"bad point"}}}), errc::invalid_argument},
      {policy("AI_RAW", "3M", {{"M1", {""}}}), errc::invalid_argument},
      {policy("AI_RAW", "3M", {{"M2", {"p"}}}), errc::model_not_found},  // M2 exists but is not in the group
      {policy("AI_RAW", "3M", {{"Nope", {"p"}}}), errc::model_not_found},
  };
  const uint64_t v = reg_->version();
  for (const auto& c : cases) {
    auto r = reg_->set_storage_policy(org_, g.id, c.p);
    ASSERT_FALSE(r) << c.p.storage_type << " " << c.p.retention;
    EXPECT_EQ(r.error(), c.want) << c.p.storage_type << " " << c.p.retention;
  }
  EXPECT_EQ(reg_->set_storage_policy(org_, g.id + 1, policy("AI_RAW", "3M")).error(), errc::not_found);
  std::string other = org("Other");
  EXPECT_EQ(reg_->set_storage_policy(other, g.id, policy("AI_RAW", "3M")).error(), errc::not_found);
  EXPECT_EQ(reg_->version(), v);  // failed calls change nothing
  EXPECT_TRUE(reg_->get_storage_group(org_, g.id)->policies.empty());
}

TEST_F(StorageGroups, PointsPerPolicyBoundAtNAndNPlusOne) {
  StorageGroup g = group("A", {"M1", "M2"});
  StoragePolicy p = policy("GENERIC", "1M", {{"M1", {}}, {"M2", {}}});
  for (std::size_t i = 0; i < kMaxPointsPerStoragePolicy; ++i)
    p.models[i % 2].point_ids.push_back("p" + std::to_string(i));
  auto ok = reg_->set_storage_policy(org_, g.id, p);
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->policies[0].models[0].point_ids.size() + ok->policies[0].models[1].point_ids.size(),
            kMaxPointsPerStoragePolicy);
  p.models[0].point_ids.push_back("one-more");
  auto over = reg_->set_storage_policy(org_, g.id, p);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), errc::limit_exceeded);
}

TEST_F(StorageGroups, PointIdBoundAtNAndNPlusOne) {
  StorageGroup g = group("A", {"M1"});
  EXPECT_TRUE(reg_->set_storage_policy(org_, g.id,
                                       policy("DI", "1M", {{"M1", {std::string(kMaxPointIdLength, 'p')}}})));
  EXPECT_EQ(reg_->set_storage_policy(org_, g.id,
                                     policy("DI", "1M", {{"M1", {std::string(kMaxPointIdLength + 1, 'p')}}}))
                .error(),
            errc::invalid_argument);
}

TEST_F(StorageGroups, CreateStoresPoliciesWithTheSameChecks) {
  StorageGroup in = group_record(org_, "A", {"M1"});
  in.policies = {policy("DI", "1Y", {{"M1", {"d"}}}), policy("AI_RAW", "1M", {{"M1", {"a"}}})};
  auto created = reg_->create_storage_group(in);
  ASSERT_TRUE(created) << created.error().message();
  ASSERT_EQ(created->policies.size(), 2u);
  EXPECT_EQ(created->policies[0].storage_type, "AI_RAW");
  EXPECT_EQ(created->policies[1].models[0].point_ids, (Strings{"d"}));

  StorageGroup outside = group_record(org_, "B", {"M2"});
  outside.policies = {policy("DI", "1Y", {{"M3", {"d"}}})};
  EXPECT_EQ(reg_->create_storage_group(outside).error(), errc::model_not_found);
  StorageGroup twice = group_record(org_, "B", {"M2"});
  twice.policies = {policy("DI", "1Y"), policy("DI", "2Y")};
  EXPECT_EQ(reg_->create_storage_group(twice).error(), errc::invalid_argument);
  StorageGroup bad = group_record(org_, "B", {"M2"});
  bad.policies = {policy("DI", "0Y")};
  EXPECT_EQ(reg_->create_storage_group(bad).error(), errc::invalid_argument);
  EXPECT_EQ(reg_->list_storage_groups(org_).size(), 1u);
}

TEST_F(StorageGroups, AModelCannotLeaveWhileAPolicySelectsItsPoints) {
  StorageGroup g = group("A", {"M1", "M2"});
  ASSERT_TRUE(reg_->set_storage_policy(org_, g.id, policy("PI", "3M", {{"M1", {"p"}}})));
  g.model_ids = {"M2"};
  auto r = reg_->update_storage_group(g);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::in_use);
  // M2 selects nothing: it may leave.
  g.model_ids = {"M1"};
  EXPECT_TRUE(reg_->update_storage_group(g));
  // Once the policy lets go of M1's points, M1 may leave too.
  ASSERT_TRUE(reg_->set_storage_policy(org_, g.id, policy("PI", "3M")));
  g.model_ids = {};
  auto emptied = reg_->update_storage_group(g);
  ASSERT_TRUE(emptied) << emptied.error().message();
  EXPECT_TRUE(emptied->model_ids.empty());
  EXPECT_EQ(emptied->policies.size(), 1u);  // the policy (its retention) stays
}

TEST_F(StorageGroups, DeleteRemovesEverythingAndFreesItsModels) {
  StorageGroup g = group("A", {"M1"});
  ASSERT_TRUE(reg_->set_storage_policy(org_, g.id, policy("AI_RAW", "3M", {{"M1", {"p"}}})));
  ASSERT_TRUE(reg_->delete_storage_group(org_, g.id));
  EXPECT_EQ(reg_->get_storage_group(org_, g.id).error(), errc::not_found);
  EXPECT_EQ(reg_->delete_storage_group(org_, g.id).error(), errc::not_found);
  StorageGroup again = group("A", {"M1"});  // name and model are free again
  EXPECT_TRUE(again.policies.empty());      // nothing of the old group's policies survives
}

TEST_F(StorageGroups, IdsAreNeverReusedEvenAfterDeleteAndReopen) {
  StorageGroup a = group("A");
  StorageGroup b = group("B");
  EXPECT_GT(b.id, a.id);
  ASSERT_TRUE(reg_->delete_storage_group(org_, b.id));
  StorageGroup c = group("C");
  EXPECT_GT(c.id, b.id);
  ASSERT_TRUE(reg_->delete_storage_group(org_, c.id));
  reopen();
  StorageGroup d = group("D");
  EXPECT_GT(d.id, c.id);
  std::string other = org("Other");
  auto e = reg_->create_storage_group(group_record(other, "E"));
  ASSERT_TRUE(e);
  EXPECT_GT(e->id, d.id);  // ids are global, not per OU
}

TEST_F(StorageGroups, TheLastUint32IdIsHandedOutOnceThenCreatesFail) {
  group("First");
  reg_.reset();
  raw_exec(db_path(), "UPDATE sqlite_sequence SET seq = 4294967294 WHERE name = 'storage_groups'");
  open();
  StorageGroup last = group("Last");
  EXPECT_EQ(last.id, 4294967295u);
  EXPECT_TRUE(reg_->get_storage_group(org_, 4294967295u));
  auto r = reg_->create_storage_group(group_record(org_, "Beyond"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::limit_exceeded);
}

TEST_F(StorageGroups, VersionMovesOnEveryChangeOnly) {
  uint64_t v = reg_->version();
  StorageGroup g = group("A", {"M1"});
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  reg_->get_storage_group(org_, g.id);
  reg_->list_storage_groups(org_);
  reg_->all_storage_groups();
  EXPECT_EQ(reg_->version(), v);
  g.description = "x";
  ASSERT_TRUE(reg_->update_storage_group(g));
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  ASSERT_TRUE(reg_->set_storage_policy(org_, g.id, policy("DI", "1M", {{"M1", {"p"}}})));
  EXPECT_GT(reg_->version(), v);
  v = reg_->version();
  EXPECT_FALSE(reg_->create_storage_group(group_record(org_, "A")));  // refused: no move
  EXPECT_EQ(reg_->version(), v);
  ASSERT_TRUE(reg_->delete_storage_group(org_, g.id));
  EXPECT_GT(reg_->version(), v);
}

TEST_F(StorageGroups, EverythingSurvivesReopen) {
  StorageGroup in = group_record(org_, "电站", {"M1", "M2"});
  in.description = "d";
  in.policies = {policy("AI_RAW", "6M", {{"M1", {"x", "y"}}})};
  auto created = reg_->create_storage_group(in);
  ASSERT_TRUE(created);
  reopen();
  auto got = reg_->get_storage_group(org_, created->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "电站");
  EXPECT_EQ(got->description, "d");
  EXPECT_EQ(got->model_ids, (Strings{"M1", "M2"}));
  EXPECT_EQ(got->create_time, created->create_time);
  ASSERT_EQ(got->policies.size(), 1u);
  EXPECT_EQ(got->policies[0].retention, "6M");
  EXPECT_EQ(got->policies[0].models[0].point_ids, (Strings{"x", "y"}));
  auto all = reg_->all_storage_groups();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].policies[0].models[0].model_id, "M1");
}

TEST_F(StorageGroups, DeleteModelIsRefusedWhileAGroupHoldsIt) {
  StorageGroup g = group("A", {"M1"});
  auto r = reg_->delete_model(org_, "M1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::in_use);
  EXPECT_TRUE(reg_->get_model(org_, "M1"));
  g.model_ids = {};
  ASSERT_TRUE(reg_->update_storage_group(g));
  EXPECT_TRUE(reg_->delete_model(org_, "M1"));
}

TEST_F(StorageGroups, AVersionOneFileIsMigrated) {
  model(org_, "Old");
  Product old = product_record(org_, "Old", "Old product");
  old.default_valid_day = 7;  // v1 has no such column: the migration gives the product the defaults
  const std::string old_pk = reg_->create_product(old)->product_key;
  reg_.reset();
  raw_exec(db_path(),
           "ALTER TABLE products DROP COLUMN default_valid_day; ALTER TABLE products DROP COLUMN max_valid_day; "
           "DROP TABLE certificates; DROP TABLE org_cas; DROP TABLE topology; "
           "DROP TABLE sessions; DROP TABLE users; DROP TABLE apps; DROP TABLE commands; "
           "DROP TABLE storage_policy_points; DROP TABLE storage_policies; DROP TABLE storage_group_models; "
           "DROP TABLE storage_groups; UPDATE schema_version SET version = 1");
  open();
  EXPECT_TRUE(reg_->get_model(org_, "Old"));
  EXPECT_EQ(reg_->get_product(org_, old_pk)->default_valid_day, 365);
  EXPECT_EQ(reg_->get_product(org_, old_pk)->max_valid_day, 3650);
  StorageGroup g = group("A", {"Old"});
  EXPECT_GT(g.id, 0u);
  reg_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), kSchemaVersion) << "v1 goes through every migration";
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// ---------------------------------------------------------------------------------------------------------
// parse_retention, valid_storage_type

TEST(ParseRetention, AcceptsOneToElevenMonthsAndOneToTwentyYears) {
  constexpr int64_t day = 24LL * 3600 * 1000;
  struct Case {
    const char* text;
    int64_t ms;
  } cases[] = {
      {"1M", 31 * day},  {"3M", 93 * day},      {"6M", 186 * day},       {"11M", 341 * day},
      {"1Y", 366 * day}, {"2Y", 2 * 366 * day}, {"10Y", 10 * 366 * day}, {"20Y", 20 * 366 * day},
  };
  for (const auto& c : cases) {
    int64_t ms = -1;
    EXPECT_TRUE(parse_retention(c.text, ms)) << c.text;
    EXPECT_EQ(ms, c.ms) << c.text;
  }
}

TEST(ParseRetention, KeepsAtLeastWhatIsPromised) {
  int64_t month = 0, year = 0;
  ASSERT_TRUE(parse_retention("1M", month));
  ASSERT_TRUE(parse_retention("1Y", year));
  EXPECT_GE(month, 31LL * 24 * 3600 * 1000);  // the longest calendar month
  EXPECT_GE(year, 366LL * 24 * 3600 * 1000);  // a leap year
}

TEST(ParseRetention, RefusesEverythingElse) {
  for (const char* bad :
       {"",   "M",   "Y",   "0M",  "0Y",  "12M", "21Y", "01M",  "05Y", "100Y", "1m",      "1y", "1D",
        "1W", " 1M", "1M ", "+1M", "-1M", "1",   "Y1",  "1.5Y", "1MM", "1YM",  "3Months", "９M"}) {
    int64_t ms = 42;
    EXPECT_FALSE(parse_retention(bad, ms)) << bad;
    EXPECT_EQ(ms, 42) << bad;  // untouched
  }
  int64_t ms = 42;
  EXPECT_FALSE(parse_retention(std::string_view("1M\0", 3), ms));
}

TEST(StorageType, OnlyTheFiveEnosNames) {
  for (const char* t : {"AI_RAW", "AI_NORMALIZED", "DI", "PI", "GENERIC"})
    EXPECT_TRUE(valid_storage_type(t)) << t;
  for (const char* t : {"", "ai_raw", "AI", "RAW", "NORMALIZED", "UNFORMATTED", "AI_RAW "})
    EXPECT_FALSE(valid_storage_type(t)) << t;
}

}  // namespace
}  // namespace gridhub::registry::testing
