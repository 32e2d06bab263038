// Products in the SQLite registry: generated keys, name uniqueness, model rules, in_use, search, limits.
#include <gtest/gtest.h>

#include <tuple>

#include "registry/limits.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

using PF = ProductFilter;

bool alnum(const std::string& s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

class SqliteProducts : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    org_ = org();
    model(org_, "M");
  }
  // Matches of a search over the whole OU.
  int64_t count(const PF& f) { return reg_->search_products(org_, f, {1, kMaxPageSize}).total; }
  std::string org_;
};

TEST_F(SqliteProducts, CreateGeneratesKeyAndSecretAndStoresEveryField) {
  Product in = product_record(org_, "M", "Battery");
  in.name["i18nValue"] = Json{{"zh_CN", "电池"}};
  in.node_type = "Gateway";
  in.data_format = "Custom";
  in.bi_directional_auth = true;
  in.dynamic_activate_enabled = true;
  in.description = "desc";
  in.tags = Json{{"site", "north"}};
  auto p = reg_->create_product(in);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->product_key.size(), kProductKeyLength);
  EXPECT_EQ(p->product_secret.size(), kProductSecretLength);
  EXPECT_TRUE(alnum(p->product_key) && alnum(p->product_secret));
  EXPECT_GT(p->create_time, 0);
  EXPECT_EQ(p->update_time, p->create_time);

  auto g = reg_->get_product(org_, p->product_key);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->product_secret, p->product_secret);
  EXPECT_EQ(g->name, in.name);
  EXPECT_EQ(g->node_type, "Gateway");
  EXPECT_EQ(g->data_format, "Custom");
  EXPECT_TRUE(g->bi_directional_auth);
  EXPECT_TRUE(g->dynamic_activate_enabled);
  EXPECT_EQ(g->description, "desc");
  EXPECT_EQ(g->tags, in.tags);
  EXPECT_EQ(g->create_time, p->create_time);
}

TEST_F(SqliteProducts, CallerCreateTimeIsKept) {
  Product in = product_record(org_, "M", "P");
  in.create_time = 42;
  EXPECT_EQ(reg_->create_product(in)->create_time, 42);
}

TEST_F(SqliteProducts, NameIsUniquePerOrg) {
  product(org_, "M", "Battery");
  EXPECT_EQ(reg_->create_product(product_record(org_, "M", "Battery")).error(), errc::already_exists);
  std::string other = org("other");
  model(other, "M");
  EXPECT_TRUE(reg_->create_product(product_record(other, "M", "Battery")));
}

TEST_F(SqliteProducts, ModelMustExistInTheOrg) {
  std::string other = org("other");
  EXPECT_EQ(reg_->create_product(product_record(other, "M", "P")).error(), errc::model_not_found);
  EXPECT_EQ(reg_->create_product(product_record(org_, "Nope", "P")).error(), errc::model_not_found);
}

TEST_F(SqliteProducts, InvalidFieldsAreRefused) {
  EXPECT_EQ(reg_->create_product(product_record("o404", "M", "P")).error(), errc::org_not_found);
  Product p = product_record(org_, "M", "");
  EXPECT_EQ(reg_->create_product(p).error(), errc::invalid_argument);
  p = product_record(org_, "M", "P");
  p.node_type = "Edge";
  EXPECT_EQ(reg_->create_product(p).error(), errc::invalid_argument);
  p = product_record(org_, "M", "P");
  p.tags = Json{{"k", 1}};
  EXPECT_EQ(reg_->create_product(p).error(), errc::invalid_argument);
}

TEST_F(SqliteProducts, CertificateValidityIsStoredAndBounded) {
  Product p = product_record(org_, "M", "P");
  EXPECT_EQ(p.default_valid_day, 365);
  EXPECT_EQ(p.max_valid_day, 3650);
  p.default_valid_day = 30;
  p.max_valid_day = 90;
  auto made = reg_->create_product(p);
  ASSERT_TRUE(made) << made.error().message();
  auto g = reg_->get_product(org_, made->product_key);
  EXPECT_EQ(g->default_valid_day, 30);
  EXPECT_EQ(g->max_valid_day, 90);
  Product in = *g;
  in.default_valid_day = 3650;
  in.max_valid_day = 3650;
  ASSERT_TRUE(reg_->update_product(in));
  EXPECT_EQ(reg_->get_product(org_, made->product_key)->default_valid_day, 3650);
  // 1..3650 each, default <= max: N passes, N+1 does not.
  for (auto [def, max, good] : {std::tuple{1, 1, true}, {0, 1, false}, {2, 1, false}, {1, 3651, false},
                                {1, 0, false}, {3650, 3650, true}}) {
    in.default_valid_day = def;
    in.max_valid_day = max;
    EXPECT_EQ(bool(reg_->update_product(in)), good) << def << " " << max;
    if (!good) {
      EXPECT_EQ(reg_->update_product(in).error(), errc::invalid_argument);
    }
  }
}

TEST_F(SqliteProducts, ProductsAreScopedToTheirOrg) {
  Product p = product(org_, "M", "P");
  std::string other = org("other");
  EXPECT_EQ(reg_->get_product(other, p.product_key).error(), errc::not_found);
  EXPECT_EQ(reg_->delete_product(other, p.product_key).error(), errc::not_found);
  Product forged = p;
  forged.org_id = other;
  EXPECT_FALSE(reg_->update_product(forged));
}

TEST_F(SqliteProducts, UpdateChangesFieldsButNotKeySecretOrCreateTime) {
  model(org_, "M2");
  Product p = product(org_, "M", "P");
  Product in = p;
  in.name = i18n("Renamed");
  in.model_id = "M2";
  in.description = "new";
  in.tags = Json{{"a", "b"}};
  in.product_secret = "forged";
  in.create_time = 1;
  auto u = reg_->update_product(in);
  ASSERT_TRUE(u) << u.error().message();
  EXPECT_EQ(u->product_secret, p.product_secret);
  EXPECT_EQ(u->create_time, p.create_time);
  EXPECT_GE(u->update_time, p.update_time);
  auto g = reg_->get_product(org_, p.product_key);
  EXPECT_EQ(g->name.at("defaultValue").as_string(), "Renamed");
  EXPECT_EQ(g->model_id, "M2");
  EXPECT_EQ(g->description, "new");
  EXPECT_EQ(g->product_secret, p.product_secret);
}

TEST_F(SqliteProducts, UpdateRefusesATakenNameAndAMissingModel) {
  Product a = product(org_, "M", "A");
  product(org_, "M", "B");
  Product in = a;
  in.name = i18n("B");
  EXPECT_EQ(reg_->update_product(in).error(), errc::already_exists);
  in.name = i18n("A");
  EXPECT_TRUE(reg_->update_product(in)) << "keeping its own name is fine";
  in.model_id = "Nope";
  EXPECT_EQ(reg_->update_product(in).error(), errc::model_not_found);
  Product missing = a;
  missing.product_key = "zzzzzzzz";
  EXPECT_EQ(reg_->update_product(missing).error(), errc::not_found);
}

TEST_F(SqliteProducts, DeleteRefusedWhileDevicesExist) {
  Product p = product(org_, "M", "P");
  device(org_, p.product_key, "dev1");
  EXPECT_EQ(reg_->delete_product(org_, p.product_key).error(), errc::in_use);
  ASSERT_TRUE(reg_->delete_device(org_, p.product_key, "dev1"));
  EXPECT_TRUE(reg_->delete_product(org_, p.product_key));
  EXPECT_EQ(reg_->get_product(org_, p.product_key).error(), errc::not_found);
  EXPECT_EQ(reg_->delete_product(org_, p.product_key).error(), errc::not_found);
}

TEST_F(SqliteProducts, SearchFiltersPagesAndCounts) {
  model(org_, "M2");
  std::vector<Product> made;
  for (int i = 0; i < 30; ++i) {
    Product in = product_record(org_, i < 10 ? "M2" : "M", (i % 3 ? "Meter " : "Pump ") + std::to_string(i));
    in.create_time = 1000 + i;
    made.push_back(*reg_->create_product(in));
  }
  auto all = reg_->search_products(org_, {}, {1, 200});
  EXPECT_EQ(all.total, 30);
  ASSERT_EQ(all.items.size(), 30u);
  EXPECT_EQ(all.items.front().product_key, made.back().product_key) << "newest first";

  EXPECT_EQ(count(filter<PF>({{&PF::model_id, "M2"}})), 10);
  auto one = reg_->search_products(org_, filter<PF>({{&PF::product_key, made[4].product_key}}), {1, 10});
  ASSERT_EQ(one.items.size(), 1u);
  EXPECT_EQ(one.items[0].product_key, made[4].product_key);
  EXPECT_EQ(count(filter<PF>({{&PF::name_like, "PUMP"}})), 10);
  EXPECT_EQ(count(filter<PF>({{&PF::model_id, "M"}, {&PF::name_like, "pump"}})), 6);
  EXPECT_EQ(count(filter<PF>({{&PF::name_like, "defaultValue"}})), 0)
      << "JSON keys of the name are not searched";

  auto page2 = reg_->search_products(org_, {}, {2, 7});
  EXPECT_EQ(page2.total, 30);
  ASSERT_EQ(page2.items.size(), 7u);
  EXPECT_EQ(page2.items[0].product_key, made[30 - 8].product_key);
  EXPECT_TRUE(reg_->search_products(org_, {}, {5, 10}).items.empty());
  EXPECT_TRUE(reg_->search_products(org("other"), {}, {1, 10}).items.empty());
}

TEST_F(SqliteProducts, SearchByI18nName) {
  Product in = product_record(org_, "M", "Battery");
  in.name["i18nValue"] = Json{{"zh_CN", "储能电池"}};
  ASSERT_TRUE(reg_->create_product(in));
  EXPECT_EQ(count(filter<PF>({{&PF::name_like, "电池"}})), 1);
}

TEST_F(SqliteProducts, AtMostMaxProductsPerOrg) {
  for (int64_t i = 0; i < kMaxProductsPerOrg; ++i)
    ASSERT_TRUE(reg_->create_product(product_record(org_, "M", "P" + std::to_string(i)))) << i;
  EXPECT_EQ(reg_->create_product(product_record(org_, "M", "one more")).error(), errc::limit_exceeded);
  EXPECT_EQ(reg_->all_products().size(), static_cast<std::size_t>(kMaxProductsPerOrg));
}

}  // namespace
}  // namespace gridhub::registry::testing
