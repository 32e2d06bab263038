// Models in the SQLite registry: CRUD, inheritance rules, in_use, paging, the per-OU limit.
#include <gtest/gtest.h>

#include "registry/limits.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

using SqliteModels = RegistryTest;

TEST_F(SqliteModels, CreateThenGetReturnsEveryField) {
  std::string o = org();
  ModelRecord m = model_record(o, "Battery");
  m.draft_body = R"({"draft":true})";
  m.validation_enabled = false;
  m.create_time = 5;
  m.update_time = 6;
  ASSERT_TRUE(reg_->create_model(m));
  auto g = reg_->get_model(o, "Battery");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->org_id, o);
  EXPECT_EQ(g->model_id, "Battery");
  EXPECT_EQ(g->parent_model_id, "");
  EXPECT_EQ(g->body, m.body);
  EXPECT_EQ(g->draft_body, m.draft_body);
  EXPECT_FALSE(g->validation_enabled);
  EXPECT_EQ(g->create_time, 5);
  EXPECT_EQ(g->update_time, 6);
}

TEST_F(SqliteModels, ModelsAreScopedToTheirOrg) {
  std::string a = org("A"), b = org("B");
  model(a, "M");
  EXPECT_EQ(reg_->get_model(b, "M").error(), errc::not_found);
  EXPECT_TRUE(reg_->create_model(model_record(b, "M"))) << "the same id in another OU is a different model";
}

TEST_F(SqliteModels, DuplicateIdIsAlreadyExists) {
  std::string o = org();
  model(o, "M");
  EXPECT_EQ(reg_->create_model(model_record(o, "M")).error(), errc::already_exists);
}

TEST_F(SqliteModels, CreateNeedsExistingOrgAndValidId) {
  EXPECT_EQ(reg_->create_model(model_record("o404", "M")).error(), errc::org_not_found);
  std::string o = org();
  EXPECT_EQ(reg_->create_model(model_record(o, "bad id")).error(), errc::invalid_argument);
  EXPECT_EQ(reg_->create_model(model_record(o, "")).error(), errc::invalid_argument);
}

TEST_F(SqliteModels, ParentMustExistInTheSameOrg) {
  std::string a = org("A"), b = org("B");
  model(a, "Base");
  EXPECT_EQ(reg_->create_model(model_record(b, "Child", "Base")).error(), errc::model_not_found);
  ASSERT_TRUE(reg_->create_model(model_record(a, "Child", "Base")));
  EXPECT_EQ(reg_->get_model(a, "Child")->parent_model_id, "Base");
}

TEST_F(SqliteModels, UpdateReplacesContentKeepsCreateTimeAndMovesUpdateTime) {
  std::string o = org();
  model(o, "M");
  ModelRecord m = *reg_->get_model(o, "M");
  m.body = "{\"v\":2}";
  m.draft_body = "";
  m.validation_enabled = false;
  m.create_time = 999999;  // ignored
  ASSERT_TRUE(reg_->update_model(m));
  auto g = reg_->get_model(o, "M");
  EXPECT_EQ(g->body, "{\"v\":2}");
  EXPECT_FALSE(g->validation_enabled);
  EXPECT_EQ(g->create_time, 2000);
  EXPECT_GT(g->update_time, m.update_time) << "the hub's compile cache keys on update_time";
}

TEST_F(SqliteModels, UpdateWithLaterUpdateTimeKeepsTheCallersTime) {
  std::string o = org();
  model(o, "M");
  ModelRecord m = *reg_->get_model(o, "M");
  m.update_time = 123456789;
  ASSERT_TRUE(reg_->update_model(m));
  EXPECT_EQ(reg_->get_model(o, "M")->update_time, 123456789);
}

TEST_F(SqliteModels, UpdateOfMissingModelIsNotFound) {
  std::string o = org();
  EXPECT_EQ(reg_->update_model(model_record(o, "M")).error(), errc::not_found);
}

TEST_F(SqliteModels, UpdateRefusesInheritanceCycles) {
  std::string o = org();
  model(o, "A");
  model(o, "B", "A");
  model(o, "C", "B");
  EXPECT_EQ(reg_->update_model(model_record(o, "A", "C")).error(), errc::inheritance_cycle);
  EXPECT_EQ(reg_->update_model(model_record(o, "A", "A")).error(), errc::inheritance_cycle);
  EXPECT_EQ(reg_->update_model(model_record(o, "A", "Z")).error(), errc::model_not_found);
  EXPECT_TRUE(reg_->update_model(model_record(o, "C", "A"))) << "re-parenting without a loop is fine";
}

TEST_F(SqliteModels, DeleteRefusedWhileAProductUsesIt) {
  std::string o = org();
  model(o, "M");
  Product p = product(o, "M", "P");
  EXPECT_EQ(reg_->delete_model(o, "M").error(), errc::in_use);
  ASSERT_TRUE(reg_->delete_product(o, p.product_key));
  EXPECT_TRUE(reg_->delete_model(o, "M"));
  EXPECT_EQ(reg_->get_model(o, "M").error(), errc::not_found);
}

TEST_F(SqliteModels, DeleteRefusedWhileAModelInheritsIt) {
  std::string o = org();
  model(o, "Base");
  model(o, "Child", "Base");
  EXPECT_EQ(reg_->delete_model(o, "Base").error(), errc::in_use);
  ASSERT_TRUE(reg_->delete_model(o, "Child"));
  EXPECT_TRUE(reg_->delete_model(o, "Base"));
  EXPECT_EQ(reg_->delete_model(o, "Base").error(), errc::not_found);
}

TEST_F(SqliteModels, SearchPagesNewestFirstAndFiltersById) {
  std::string o = org(), other = org("other");
  for (int i = 0; i < 25; ++i) {
    ModelRecord m = model_record(o, (i % 2 ? "Pump" : "Meter") + std::to_string(i));
    m.create_time = 100 + i;
    ASSERT_TRUE(reg_->create_model(m));
  }
  model(other, "Pump99");
  auto page1 = reg_->search_models(o, "", {1, 10});
  EXPECT_EQ(page1.total, 25);
  ASSERT_EQ(page1.items.size(), 10u);
  EXPECT_EQ(page1.items[0].model_id, "Meter24");
  auto page3 = reg_->search_models(o, "", {3, 10});
  EXPECT_EQ(page3.items.size(), 5u);
  auto pumps = reg_->search_models(o, "pump", {1, 200});  // case-insensitive
  EXPECT_EQ(pumps.total, 12);
  EXPECT_EQ(pumps.items.size(), 12u);
  EXPECT_EQ(reg_->search_models(o, "%", {1, 10}).total, 0) << "wildcards in the needle are literal";
}

TEST_F(SqliteModels, AllModelsCoversEveryOrg) {
  std::string a = org("A"), b = org("B");
  model(a, "M1");
  model(b, "M2");
  EXPECT_EQ(reg_->all_models().size(), 2u);
}

TEST_F(SqliteModels, AtMostMaxModelsPerOrg) {
  std::string o = org(), other = org("other");
  for (int64_t i = 0; i < kMaxModelsPerOrg; ++i)
    ASSERT_TRUE(reg_->create_model(model_record(o, "M" + std::to_string(i)))) << i;
  EXPECT_EQ(reg_->create_model(model_record(o, "one_more")).error(), errc::limit_exceeded);
  EXPECT_TRUE(reg_->create_model(model_record(other, "one_more"))) << "the limit is per OU";
}

TEST_F(SqliteModels, BodyUpToTheLimitIsStoredIntact) {
  std::string o = org();
  ModelRecord m = model_record(o, "Big");
  m.body.assign(kMaxModelBodyBytes, 'b');
  ASSERT_TRUE(reg_->create_model(m));
  EXPECT_EQ(reg_->get_model(o, "Big")->body.size(), kMaxModelBodyBytes);
  m.model_id = "Bigger";
  m.body.push_back('b');
  EXPECT_EQ(reg_->create_model(m).error(), errc::limit_exceeded);
}

}  // namespace
}  // namespace gridhub::registry::testing
