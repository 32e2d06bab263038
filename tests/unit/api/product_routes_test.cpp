// Product routes: create (11699 for an unknown model), get with the secret, search filters and paging,
// update, and delete refused while devices exist (11619).
#include "api/routes.hpp"

#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

class ProductRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    model_ = import_seed();
  }
  std::string model_;
};

TEST_F(ProductRoutesTest, CreateThenGetReturnsEveryField) {
  auto data = ok(post(kProducts, "action=create",
                      {{"productName", {{"defaultValue", "Battery"}, {"i18nValue", {{"zh_CN", "电池"}}}}},
                       {"productType", "Gateway"},
                       {"modelId", model_},
                       {"dataFormat", "Custom"},
                       {"biDirectionalAuth", true},
                       {"dynamicActivateEnabled", true},
                       {"productDesc", "a desc"},
                       {"productTags", {{"site", "lab"}}}}));
  const std::string pk(data.at("productKey").as_string());
  EXPECT_EQ(pk.size(), 8u);
  auto p = ok(get(kProducts, "action=get&productKey=" + pk));
  EXPECT_EQ(p.at("productKey").as_string(), pk);
  EXPECT_EQ(p.at("productSecret").as_string().size(), 16u);
  EXPECT_EQ(p.at("productName").at("i18nValue").at("zh_CN"), "电池");
  EXPECT_EQ(p.at("productType"), "Gateway");
  EXPECT_EQ(p.at("modelId").as_string(), model_);
  EXPECT_EQ(p.at("dataFormat"), "Custom");
  EXPECT_EQ(p.at("biDirectionalAuth"), true);
  EXPECT_EQ(p.at("dynamicActivateEnabled"), true);
  EXPECT_EQ(p.at("productDesc"), "a desc");
  EXPECT_EQ(p.at("productTags").at("site"), "lab");
  EXPECT_EQ(p.at("orgId").as_string(), org_);
  EXPECT_GT(p.at("createTime").as_int64(), 0);
  EXPECT_GT(p.at("updateTime").as_int64(), 0);
}

TEST_F(ProductRoutesTest, PlainStringNameAndNodeTypeAreAccepted) {
  auto data = ok(post(kProducts, "action=create", {{"productName", "P"}, {"nodeType", "Device"}, {"modelId", model_}}));
  auto p = ok(get(kProducts, "action=get&productKey=" + std::string(data.at("productKey").as_string())));
  EXPECT_EQ(p.at("productName").at("defaultValue"), "P");
  EXPECT_EQ(p.at("productType"), "Device");
  EXPECT_EQ(p.at("dataFormat"), "Json");
}

TEST_F(ProductRoutesTest, UnknownModelIs11699) {
  auto a = post(kProducts, "action=create", {{"productName", "x"}, {"modelId", "no-such-model"}, {"productType", "Device"}});
  EXPECT_EQ(a.code(), 11699);
  EXPECT_NE(a.msg().find("no-such-model"), std::string::npos);
}

TEST_F(ProductRoutesTest, BadFieldsAre400NamingTheField) {
  struct Bad {
    boost::json::object body;
    const char* field;
  } cases[] = {
      {{{"modelId", model_}}, "productName"},
      {{{"productName", "x"}}, "modelId"},
      {{{"productName", 5}, {"modelId", model_}}, "productName"},
      {{{"productName", "x"}, {"modelId", model_}, {"productType", "Edge"}}, "productType"},
      {{{"productName", "x"}, {"modelId", model_}, {"dataFormat", "XML"}}, "dataFormat"},
      {{{"productName", "x"}, {"modelId", model_}, {"biDirectionalAuth", "yes"}}, "biDirectionalAuth"},
      {{{"productName", "x"}, {"modelId", model_}, {"productTags", {{"k", 1}}}}, "productTags"},
      {{{"productName", "x"}, {"modelId", model_}, {"productType", "Device"}, {"nodeType", "Gateway"}}, "nodeType"},
  };
  for (const auto& c : cases) {
    auto a = post(kProducts, "action=create", c.body);
    EXPECT_EQ(a.status, 400u) << c.field;
    EXPECT_EQ(a.code(), 99400) << c.field;
    EXPECT_NE(a.msg().find(c.field), std::string::npos) << a.msg();
  }
  for (const std::string& body : {std::string("{bad json"), std::string("[]"), std::string("\"x\""), std::string(1000, '{')}) {
    auto a = call("POST", kProducts, "action=create", body);
    EXPECT_EQ(a.status, 400u) << body.substr(0, 20);
    EXPECT_FALSE(a.msg().empty());
  }
}

TEST_F(ProductRoutesTest, DuplicateNameIs409) {
  create_product("same", model_);
  auto a = post(kProducts, "action=create", {{"productName", "same"}, {"modelId", model_}});
  EXPECT_EQ(a.status, 409u);
}

TEST_F(ProductRoutesTest, GetUnknownIs404AndMissingKeyIs400) {
  EXPECT_EQ(get(kProducts, "action=get&productKey=nope").status, 404u);
  EXPECT_EQ(get(kProducts, "action=get&productKey=nope").code(), 99404);
  EXPECT_EQ(get(kProducts, "action=get").status, 400u);
}

TEST_F(ProductRoutesTest, SearchFiltersAndPages) {
  for (int i = 0; i < 11; ++i) create_product("prod-" + std::to_string(i), model_);
  auto a = call("POST", kProducts, "action=search");
  ok(a);
  EXPECT_EQ(a.data().as_array().size(), 10u);
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 11);
  EXPECT_FALSE(a.data().at(0).as_object().contains("productSecret"));
  a = post(kProducts, "action=search", {{"productName", "prod-1"}, {"pagination", {{"pageNo", 1}, {"pageSize", 50}}}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 2);  // prod-1, prod-10
  a = post(kProducts, "action=search", {{"pagination", {{"pageNo", 2}, {"pageSize", 10}}}});
  EXPECT_EQ(a.data().as_array().size(), 1u);
  const std::string pk(a.data().at(0).at("productKey").as_string());
  a = post(kProducts, "action=search", {{"expression", "productKey = '" + pk + "'"}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 1);
  a = post(kProducts, "action=search", {{"expression", "modelId = '" + model_ + "' and productName like 'prod-1'"}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 2);
  a = post(kProducts, "action=search", {{"modelId", "other"}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 0);
  EXPECT_EQ(post(kProducts, "action=search", {{"expression", "productTags.k = 'v'"}}).status, 400u);
  EXPECT_EQ(post(kProducts, "action=search", {{"expression", "productKey like 'x'"}}).status, 400u);
}

TEST_F(ProductRoutesTest, UpdateChangesOnlyGivenFields) {
  const std::string pk = create_product("before", model_);
  auto p = ok(post(kProducts, "action=update&productKey=" + pk, {{"productName", "after"}, {"productDesc", "d"}}));
  EXPECT_EQ(p.at("productName").at("defaultValue"), "after");
  p = ok(get(kProducts, "action=get&productKey=" + pk));
  EXPECT_EQ(p.at("productName").at("defaultValue"), "after");
  EXPECT_EQ(p.at("productDesc"), "d");
  EXPECT_EQ(p.at("modelId").as_string(), model_);
  EXPECT_EQ(post(kProducts, "action=update&productKey=nope", {{"productDesc", "d"}}).status, 404u);
  EXPECT_EQ(post(kProducts, "action=update&productKey=" + pk, {{"dataFormat", 1}}).status, 400u);
  EXPECT_EQ(post(kProducts, "action=update&productKey=" + pk, {{"modelId", "nope"}}).code(), 11699);
}

TEST_F(ProductRoutesTest, ModelCannotChangeWhileDevicesExist) {
  ok(call("POST", kModels, "action=clone&sourceModelId=" + model_ + "&modelId=Other"));
  const std::string pk = create_product("p", model_);
  ok(post(kProducts, "action=update&productKey=" + pk, {{"modelId", "Other"}}));
  create_device(pk, "d");
  EXPECT_EQ(post(kProducts, "action=update&productKey=" + pk, {{"modelId", model_}}).status, 400u);
}

TEST_F(ProductRoutesTest, DeleteIsRefusedWhileDevicesExist) {
  const std::string pk = create_product("p", model_);
  auto dev = create_device(pk, "d", "dev-1");
  auto a = call("POST", kProducts, "action=delete&productKey=" + pk);
  EXPECT_EQ(a.status, 409u);
  EXPECT_EQ(a.code(), 11619);
  ok(call("POST", kDevices, "action=delete&productKey=" + pk + "&deviceKey=dev-1"));
  ok(call("POST", kProducts, "action=delete&productKey=" + pk));
  EXPECT_EQ(get(kProducts, "action=get&productKey=" + pk).status, 404u);
  EXPECT_EQ(call("POST", kProducts, "action=delete&productKey=" + pk).status, 404u);
}

}  // namespace
}  // namespace gridhub::api::testing
