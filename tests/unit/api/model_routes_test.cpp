// Thing-model routes: import of the real console export, get in API and console formats, create from the API
// format, clone, inheritance along the chain, update, search with paging, and delete while in use.
#include "api/routes.hpp"

#include "api_fixture.hpp"
#include "model/limits.hpp"

namespace gridhub::api::testing {
namespace {

// An API-format model: a required STRING attribute and an AI DOUBLE point.
boost::json::object api_model(const std::string& id, const std::string& point = "temp") {
  return boost::json::object{
      {"modelId", id},
      {"name", {{"defaultValue", id}}},
      {"attributes", {{"serial", {{"identifier", "serial"}, {"dataType", "STRING"}, {"isRequired", true}}}}},
      {"measurepoints", {{point, {{"identifier", point}, {"dataType", "DOUBLE"}, {"signalType", "AI"}}}}}};
}

class ModelRoutesTest : public ApiTest {};

TEST_F(ModelRoutesTest, ImportTheSeedExportWithBomAndGetItBack) {
  const std::string text = read_file(seed_model_path());
  ASSERT_EQ(text.rfind("\xEF\xBB\xBF", 0), 0u);
  auto data = ok(call("POST", kModels, "action=import", text));
  EXPECT_EQ(data.at("modelId"), "SmartBattery0717");

  auto m = ok(get(kModels, "action=get&modelId=SmartBattery0717"));
  EXPECT_EQ(m.at("modelId"), "SmartBattery0717");
  EXPECT_EQ(m.at("measurepoints").at("cycle_number").at("signalType"), "Generic");
  EXPECT_EQ(m.at("measurepoints").at("accumulating_power").at("signalType"), "PI");
  EXPECT_EQ(m.at("measurepoints").at("health_level").at("dataType"), "INT");
  EXPECT_EQ(m.at("services").at("high_frequency_report_service").at("callType"), "ASYNC");
  EXPECT_EQ(m.at("attributes").as_object().size(), 4u);
  EXPECT_EQ(m.at("measurepoints").as_object().size(), 9u);
  EXPECT_EQ(m.at("modelIdPath"), "/SmartBattery0717");
  EXPECT_EQ(m.at("validationEnabled"), true);
  EXPECT_EQ(m.at("parentModelId"), "");
  EXPECT_EQ(m.at("orgId").as_string(), org_);
}

TEST_F(ModelRoutesTest, ImportedModelBelongsToTheImportingOu) {
  import_seed();
  auto doc = ok(get(kModels, "action=export&modelId=SmartBattery0717"));
  EXPECT_EQ(doc.at("ou").as_string(), org_);  // the file said o15724268424841
  EXPECT_EQ(doc.at("thingModelId"), "SmartBattery0717");
  EXPECT_TRUE(doc.at("thingMeasurepointMap").as_object().contains("voltage"));
  auto same = ok(get(kModels, "action=get&modelId=SmartBattery0717&format=console"));
  EXPECT_EQ(same, doc);
  auto [other_org, other_token] = other_ou();
  EXPECT_EQ(call("GET", kModels, "action=get&modelId=SmartBattery0717", "", other_token).status, 404u);
}

TEST_F(ModelRoutesTest, SecondImportIs409UnlessOverwrite) {
  import_seed();
  const std::string text = read_file(seed_model_path());
  auto a = call("POST", kModels, "action=import", text);
  EXPECT_EQ(a.status, 409u);
  EXPECT_EQ(a.code(), 99400);
  EXPECT_NE(a.msg().find("already exists"), std::string::npos);
  now_ += 1000;
  ok(call("POST", kModels, "action=import&overwrite=true&validation=false", text));
  auto m = ok(get(kModels, "action=get&modelId=SmartBattery0717"));
  EXPECT_EQ(m.at("validationEnabled"), false);
  EXPECT_EQ(m.at("createTime"), 1'700'000'000'000);
  EXPECT_EQ(m.at("updateTime"), 1'700'000'001'000);
}

TEST_F(ModelRoutesTest, ImportValidationSwitchIsStored) {
  ok(call("POST", kModels, "action=import&validation=false", read_file(seed_model_path())));
  EXPECT_EQ(ok(get(kModels, "action=get&modelId=SmartBattery0717")).at("validationEnabled"), false);
  auto a = call("POST", kModels, "action=import&validation=maybe", read_file(seed_model_path()));
  EXPECT_EQ(a.status, 400u);
}

TEST_F(ModelRoutesTest, BadImportsAre400WithADetail) {
  for (const std::string& bad : {std::string(""), std::string("{nope"), std::string("[]"), std::string("{}"),
                                std::string(R"({"thingModelId":"M","thingMeasurepointMap":{"p":{"identifier":"p",
                                   "$class":"com.example.Nope"}}})"),
                                std::string(R"({"thingModelId":"bad id!"})"), std::string(100000, '[')}) {
    auto a = call("POST", kModels, "action=import", bad);
    EXPECT_EQ(a.status, 400u) << bad.substr(0, 80) << " " << a.body;
    EXPECT_EQ(a.code(), 99400);
    EXPECT_FALSE(a.msg().empty());
  }
}

TEST_F(ModelRoutesTest, GetUnknownModelIs404AndMissingIdIs400) {
  auto a = get(kModels, "action=get&modelId=Nope");
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.code(), 99404);
  a = get(kModels, "action=get");
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("modelId"), std::string::npos);
  a = get(kModels, "action=get&modelId=Nope&format=xml");
  EXPECT_EQ(a.status, 400u);
}

TEST_F(ModelRoutesTest, CreateFromApiFormatThenGetRoundTrips) {
  ok(post(kModels, "action=create", api_model("Base")));
  auto m = ok(get(kModels, "action=get&modelId=Base"));
  EXPECT_EQ(m.at("attributes").at("serial").at("dataType"), "STRING");
  EXPECT_EQ(m.at("attributes").at("serial").at("isRequired"), true);
  EXPECT_EQ(m.at("measurepoints").at("temp").at("signalType"), "AI");
  // It exports as console JSON like an imported model.
  auto doc = ok(get(kModels, "action=export&modelId=Base"));
  EXPECT_TRUE(doc.at("thingMeasurepointMap").at("temp").as_object().contains("$class"));
}

TEST_F(ModelRoutesTest, CreateRefusesBadModelsAndDuplicates) {
  auto a = post(kModels, "action=create", {{"name", "no id"}});
  EXPECT_EQ(a.status, 400u);
  a = post(kModels, "action=create", {{"modelId", "M"}, {"measurepoints", {{"p", {{"dataType", "COMPLEX"}}}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("p"), std::string::npos);
  a = call("POST", kModels, "action=create", "{\"modelId\":");
  EXPECT_EQ(a.status, 400u);
  ok(post(kModels, "action=create", api_model("M")));
  a = post(kModels, "action=create", api_model("M"));
  EXPECT_EQ(a.status, 409u);
  a = post(kModels, "action=create", api_model(std::string(65, 'm')));
  EXPECT_EQ(a.status, 400u);
}

TEST_F(ModelRoutesTest, InheritedModelSeesParentElementsAndPath) {
  ok(post(kModels, "action=create", api_model("Root", "t_root")));
  auto child = api_model("Mid", "t_mid");
  child.erase("attributes");  // `serial` comes from Root
  child["parentModelId"] = "Root";
  ok(post(kModels, "action=create", child));
  auto leaf = api_model("Leaf", "t_leaf");
  leaf.erase("attributes");
  leaf["parentModelId"] = "Mid";
  ok(post(kModels, "action=create", leaf));

  auto m = ok(get(kModels, "action=get&modelId=Leaf"));
  EXPECT_EQ(m.at("modelIdPath"), "/Root/Mid/Leaf");
  EXPECT_EQ(m.at("parentModelId"), "Mid");
  for (const char* p : {"t_root", "t_mid", "t_leaf"}) EXPECT_TRUE(m.at("measurepoints").as_object().contains(p)) << p;
  EXPECT_TRUE(m.at("attributes").as_object().contains("serial"));
  EXPECT_EQ(m.at("inherited").at("measurepoints"), boost::json::parse(R"(["t_mid","t_root"])"));
  // The export holds only the leaf's own elements.
  auto doc = ok(get(kModels, "action=export&modelId=Leaf"));
  EXPECT_EQ(doc.at("thingMeasurepointMap").as_object().size(), 1u);
}

TEST_F(ModelRoutesTest, InheritanceRefusesCollidingIdentifiersAndMissingParents) {
  ok(post(kModels, "action=create", api_model("Root", "temp")));
  auto child = api_model("Child", "temp");  // same identifier, other definition
  child["measurepoints"].as_object()["temp"].as_object()["dataType"] = "INT";
  child.erase("attributes");
  child["parentModelId"] = "Root";
  auto a = post(kModels, "action=create", child);
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("temp"), std::string::npos) << a.msg();
  // Across kinds too: an attribute named like the parent's point.
  auto clash = boost::json::object{{"modelId", "Child"},
                                   {"parentModelId", "Root"},
                                   {"attributes", {{"temp", {{"identifier", "temp"}, {"dataType", "INT"}}}}}};
  EXPECT_EQ(post(kModels, "action=create", clash).status, 400u);
  auto orphan = api_model("Orphan");
  orphan["parentModelId"] = "Nobody";
  a = post(kModels, "action=create", orphan);
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.code(), 11699);
}

TEST_F(ModelRoutesTest, GetThenUpdateOfAnInheritedModelRoundTrips) {
  ok(post(kModels, "action=create", api_model("Root", "t_root")));
  auto child = api_model("Child", "t_child");
  child.erase("attributes");
  child["parentModelId"] = "Root";
  ok(post(kModels, "action=create", child));
  auto got = ok(get(kModels, "action=get&modelId=Child"));
  // Sending back what get returned (inherited elements included) keeps them the parent's.
  ok(post(kModels, "action=update&modelId=Child", got));
  auto doc = ok(get(kModels, "action=export&modelId=Child"));
  EXPECT_EQ(doc.at("thingMeasurepointMap").as_object().size(), 1u);
  EXPECT_EQ(doc.at("thingAttributeMap").as_object().size(), 0u);
}

TEST_F(ModelRoutesTest, UpdatingAParentCannotBreakItsChildren) {
  ok(post(kModels, "action=create", api_model("Root", "t_root")));
  auto child = api_model("Child", "t_child");
  child.erase("attributes");
  child["parentModelId"] = "Root";
  ok(post(kModels, "action=create", child));
  // Root now defines t_child too: the child's own t_child would collide.
  auto root = api_model("Root", "t_root");
  root["measurepoints"].as_object()["t_child"] = {{"identifier", "t_child"}, {"dataType", "INT"}};
  auto a = post(kModels, "action=update&modelId=Root", root);
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("Child"), std::string::npos) << a.msg();
  // The same through import with overwrite.
  auto console = ok(get(kModels, "action=export&modelId=Root"));
  console.as_object()["thingMeasurepointMap"].as_object()["t_child"] =
      console.at("thingMeasurepointMap").at("t_root");
  console.as_object()["thingMeasurepointMap"].as_object()["t_child"].as_object()["identifier"] = "t_child";
  a = call("POST", kModels, "action=import&overwrite=true", boost::json::serialize(console));
  EXPECT_EQ(a.status, 400u) << a.body;
}

TEST_F(ModelRoutesTest, CloneCopiesEverythingWithoutALink) {
  ok(post(kModels, "action=create", api_model("Root", "t_root")));
  auto child = api_model("Child", "t_child");
  child.erase("attributes");
  child["parentModelId"] = "Root";
  ok(post(kModels, "action=create", child));
  ok(call("POST", kModels, "action=clone&sourceModelId=Child&modelId=Copy"));
  auto m = ok(get(kModels, "action=get&modelId=Copy"));
  EXPECT_EQ(m.at("parentModelId"), "");
  EXPECT_EQ(m.at("modelIdPath"), "/Copy");
  EXPECT_TRUE(m.at("measurepoints").as_object().contains("t_root"));
  EXPECT_TRUE(m.at("measurepoints").as_object().contains("t_child"));
  EXPECT_EQ(m.at("inherited").at("measurepoints").as_array().size(), 0u);
  // No link: the source can go, the copy stays.
  ok(call("POST", kModels, "action=delete&modelId=Child"));
  ok(get(kModels, "action=get&modelId=Copy"));
  EXPECT_EQ(call("POST", kModels, "action=clone&sourceModelId=Nope&modelId=X").status, 404u);
  EXPECT_EQ(call("POST", kModels, "action=clone&sourceModelId=Root&modelId=Copy").status, 409u);
  EXPECT_EQ(call("POST", kModels, "action=clone&sourceModelId=Root").status, 400u);
}

TEST_F(ModelRoutesTest, UpdateValidationSwitchAndElements) {
  ok(post(kModels, "action=create", api_model("M")));
  ok(post(kModels, "action=update&modelId=M", {{"validationEnabled", false}}));
  EXPECT_EQ(ok(get(kModels, "action=get&modelId=M")).at("validationEnabled"), false);
  auto replaced = api_model("M", "other");
  ok(post(kModels, "action=update&modelId=M", replaced));
  auto m = ok(get(kModels, "action=get&modelId=M"));
  EXPECT_TRUE(m.at("measurepoints").as_object().contains("other"));
  EXPECT_FALSE(m.at("measurepoints").as_object().contains("temp"));
  EXPECT_EQ(m.at("validationEnabled"), false);

  EXPECT_EQ(post(kModels, "action=update&modelId=M", boost::json::object{}).status, 400u);
  EXPECT_EQ(post(kModels, "action=update&modelId=M", {{"validationEnabled", "no"}}).status, 400u);
  auto wrong_id = api_model("Other");
  EXPECT_EQ(post(kModels, "action=update&modelId=M", wrong_id).status, 400u);
  EXPECT_EQ(post(kModels, "action=update&modelId=Nope", {{"validationEnabled", true}}).status, 404u);
  auto reparent = api_model("M");
  reparent["parentModelId"] = "Other";
  EXPECT_EQ(post(kModels, "action=update&modelId=M", reparent).status, 400u);
}

TEST_F(ModelRoutesTest, DeleteIsRefusedWhileUsedOrInherited) {
  const std::string model = import_seed();
  const std::string pk = create_product("p", model);
  auto a = call("POST", kModels, "action=delete&modelId=" + model);
  EXPECT_EQ(a.status, 409u);
  EXPECT_EQ(a.code(), 99400);
  EXPECT_NE(a.msg().find("in use"), std::string::npos);
  ok(call("POST", kProducts, "action=delete&productKey=" + pk));
  ok(call("POST", kModels, "action=delete&modelId=" + model));
  EXPECT_EQ(get(kModels, "action=get&modelId=" + model).status, 404u);

  ok(post(kModels, "action=create", api_model("Root")));
  auto child = api_model("Child", "t_child");
  child.erase("attributes");
  child["parentModelId"] = "Root";
  ok(post(kModels, "action=create", child));
  EXPECT_EQ(call("POST", kModels, "action=delete&modelId=Root").status, 409u);
  ok(call("POST", kModels, "action=delete&modelId=Child"));
  ok(call("POST", kModels, "action=delete&modelId=Root"));
  EXPECT_EQ(call("POST", kModels, "action=delete&modelId=Root").status, 404u);
}

TEST_F(ModelRoutesTest, SearchPagesAndFilters) {
  for (int i = 0; i < 12; ++i) ok(post(kModels, "action=create", api_model("Model" + std::to_string(i))));
  ok(post(kModels, "action=create", api_model("Other")));
  auto a = call("POST", kModels, "action=search");
  ok(a);
  EXPECT_EQ(a.data().as_array().size(), 10u);
  EXPECT_EQ(a.json.at("pagination"), boost::json::parse(R"({"pageNo":1,"pageSize":10,"totalSize":13})"));
  a = post(kModels, "action=search", {{"modelIdLike", "model"}, {"pagination", {{"pageNo", 2}, {"pageSize", 5}}}});
  ok(a);
  EXPECT_EQ(a.data().as_array().size(), 5u);
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 12);
  a = post(kModels, "action=search", {{"expression", "modelId in ('Model1', 'Other', 'Nope')"}});
  ok(a);
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 2);
  EXPECT_EQ(a.data().at(0).at("modelId"), "Model1");
  a = post(kModels, "action=search", {{"expression", "modelId = 'Other'"}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 1);
  a = post(kModels, "action=search", {{"expression", "tags.x = 'y'"}});
  EXPECT_EQ(a.status, 400u);
  a = post(kModels, "action=search", {{"pagination", {{"pageSize", 201}}}});
  EXPECT_EQ(a.status, 400u);
  a = post(kModels, "action=search", {{"pagination", {{"pageSize", 200}}}});
  EXPECT_EQ(a.data().as_array().size(), 13u);
}

}  // namespace
}  // namespace gridhub::api::testing
