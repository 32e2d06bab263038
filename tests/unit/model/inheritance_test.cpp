// Tests of clone and inheritance: copies without links, children that see their ancestors' elements,
// identifier collisions, chains of three levels, cycles and limits.
#include "model/inheritance.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "model/console_json.hpp"
#include "model/errc.hpp"
#include "model/limits.hpp"
#include "model/validator.hpp"
#include "model_test_util.hpp"

namespace gridhub::model {
namespace {

using test::seed_model;

// A model from the API format with the given measure points (INT), attributes (STRING) and services.
ThingModel make(const std::string& id, std::vector<std::string> points,
                std::vector<std::string> attributes = {}, std::vector<std::string> services = {},
                const std::string& parent = "") {
  boost::json::object mp, at, sv;
  for (const auto& p : points) mp.emplace(p, boost::json::object{{"dataType", "INT"}, {"signalType", "AI"}});
  for (const auto& a : attributes) at.emplace(a, boost::json::object{{"dataType", "STRING"}});
  for (const auto& s : services) sv.emplace(s, boost::json::object{{"callType", "SYNC"}});
  boost::json::object doc{{"modelId", id}, {"measurepoints", mp}, {"attributes", at}, {"services", sv}};
  if (!parent.empty()) doc["modelIdPath"] = "/" + parent + "/" + id;
  std::string detail;
  auto m = from_api_json(doc, &detail);
  EXPECT_TRUE(m) << detail;
  return m ? *m : ThingModel{};
}

boost::system::error_code resolve_error(const ThingModel& child, std::vector<const ThingModel*> chain,
                                        std::string* detail = nullptr) {
  auto r = resolve_inheritance(child, chain, detail);
  return r ? boost::system::error_code{} : r.error();
}

TEST(Clone, CopiesEveryElementUnderTheNewIdWithoutALink) {
  ThingModel src = seed_model();
  src.parent_model_id = "base";
  ThingModel copy = clone_model(src, "SmartBattery_v2");
  EXPECT_EQ(copy.model_id, "SmartBattery_v2");
  EXPECT_TRUE(copy.parent_model_id.empty());
  EXPECT_FALSE(copy.extra.contains("extraInfo"));
  EXPECT_EQ(copy.measurepoints.size(), src.measurepoints.size());
  for (const auto& [id, e] : src.measurepoints) {
    EXPECT_TRUE(same_definition(e, copy.measurepoints.at(id)));
    EXPECT_EQ(e.console, copy.measurepoints.at(id).console);
  }
  copy.measurepoints.erase("voltage");
  EXPECT_TRUE(src.measurepoints.contains("voltage"));  // a copy, not a view
  auto exported = import_console_json(boost::json::serialize(export_console_json(copy, "o")));
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->model_id, "SmartBattery_v2");
}

TEST(Inheritance, ChildSeesEveryParentElement) {
  ThingModel parent = seed_model();
  ThingModel child = make("SmartBatteryPlus", {"soc"}, {}, {}, parent.model_id);
  EXPECT_EQ(child.parent_model_id, "SmartBattery0717");
  const ThingModel* chain[] = {&parent};
  std::string detail;
  auto resolved = resolve_inheritance(child, chain, &detail);
  ASSERT_TRUE(resolved) << detail;
  EXPECT_EQ(resolved->model_id, "SmartBatteryPlus");
  EXPECT_EQ(resolved->measurepoints.size(), 10u);
  EXPECT_TRUE(resolved->measurepoints.contains("voltage"));
  EXPECT_TRUE(resolved->measurepoints.contains("soc"));
  EXPECT_EQ(resolved->services.size(), 2u);
  EXPECT_EQ(resolved->attributes.size(), 4u);
  EXPECT_EQ(child.measurepoints.size(), 1u);  // the child itself is untouched
  EXPECT_EQ(resolved->extra.at("inheritedMeasurepointIds").as_array().size(), 9u);

  auto v = Validator::compile(*resolved);
  std::string message;
  EXPECT_FALSE(v->check_measurepoint("voltage", boost::json::value(3.3), message)) << message;
  EXPECT_FALSE(v->check_measurepoint("soc", boost::json::value(50), message)) << message;
}

TEST(Inheritance, ResolvedModelExportsWithInheritedElements) {
  ThingModel parent = seed_model();
  ThingModel child = make("Plus", {"soc"});
  const ThingModel* chain[] = {&parent};
  auto resolved = resolve_inheritance(child, chain);
  ASSERT_TRUE(resolved);
  auto again = import_console_json(boost::json::serialize(export_console_json(*resolved, "o")));
  ASSERT_TRUE(again);
  EXPECT_TRUE(same_definition(*resolved, *again));
  EXPECT_EQ(again->measurepoints.size(), 10u);
}

TEST(Inheritance, ChildIdentifierCollidingWithTheParentIsRefused) {
  ThingModel parent = seed_model();
  ThingModel child = make("Plus", {"voltage"});
  std::string detail;
  EXPECT_EQ(resolve_error(child, {&parent}, &detail), errc::duplicate_identifier);
  EXPECT_NE(detail.find("voltage"), std::string::npos) << detail;
  EXPECT_NE(detail.find("SmartBattery0717"), std::string::npos) << detail;
}

TEST(Inheritance, ElementsAChildListsAsInheritedComeFromTheAncestor) {
  // An EnOS export of a child repeats the parent's elements and lists them in inheritedMeasurepointIds.
  ThingModel parent = seed_model();
  ThingModel child = make("Plus", {"voltage", "soc"});
  child.extra["inheritedMeasurepointIds"] = boost::json::array{"voltage"};
  std::string detail;
  auto resolved = resolve_inheritance(child, std::vector<const ThingModel*>{&parent}, &detail);
  ASSERT_TRUE(resolved) << detail;
  EXPECT_EQ(resolved->measurepoints.size(), 10u);
  EXPECT_EQ(resolved->measurepoints.at("voltage").spec.type,
            DataType::Double);  // the parent's, not the INT copy
  // Resolving a resolved model again changes nothing.
  auto again = resolve_inheritance(*resolved, std::vector<const ThingModel*>{&parent}, &detail);
  ASSERT_TRUE(again) << detail;
  EXPECT_TRUE(same_definition(*resolved, *again));
  // Listed but defined by no ancestor: the child's own copy stays.
  child.extra["inheritedMeasurepointIds"] = boost::json::array{"soc"};
  child.measurepoints.erase("voltage");
  auto kept = resolve_inheritance(child, std::vector<const ThingModel*>{&parent});
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->measurepoints.contains("soc"));
}

TEST(Inheritance, CollisionAcrossElementKindsIsRefused) {
  ThingModel parent = seed_model();
  ThingModel child = make("Plus", {}, {"voltage"});  // an attribute named like a parent point
  EXPECT_EQ(resolve_error(child, {&parent}), errc::duplicate_identifier);
}

TEST(Inheritance, ThreeLevelsMergeEveryAncestor) {
  ThingModel grand = make("grand", {"g_point"}, {"g_attr"});
  ThingModel parent = make("parent", {"p_point"}, {}, {"p_service"}, "grand");
  ThingModel child = make("child", {"c_point"}, {}, {}, "parent");
  std::string detail;
  const ThingModel* chain[] = {&parent, &grand};
  auto resolved = resolve_inheritance(child, chain, &detail);
  ASSERT_TRUE(resolved) << detail;
  EXPECT_EQ(resolved->measurepoints.size(), 3u);
  EXPECT_TRUE(resolved->attributes.contains("g_attr"));
  EXPECT_TRUE(resolved->services.contains("p_service"));
  EXPECT_EQ(resolved->parent_model_id, "parent");
  EXPECT_EQ(resolved->extra.at("inheritedAttributeIds").as_array().size(), 1u);
  EXPECT_EQ(resolved->extra.at("inheritedServiceIds").as_array().size(), 1u);
}

TEST(Inheritance, CollisionWithTheGrandparentIsRefused) {
  ThingModel grand = make("grand", {"shared"});
  ThingModel parent = make("parent", {"p_point"});
  ThingModel child = make("child", {"shared"});
  std::string detail;
  EXPECT_EQ(resolve_error(child, {&parent, &grand}, &detail), errc::duplicate_identifier);
  EXPECT_NE(detail.find("grand"), std::string::npos) << detail;
  // Ancestors colliding with each other are refused as well.
  ThingModel parent2 = make("parent2", {"shared"});
  EXPECT_EQ(resolve_error(make("child", {"own"}), {&parent2, &grand}), errc::duplicate_identifier);
}

TEST(Inheritance, NoAncestorsGivesTheChildItself) {
  ThingModel child = seed_model();
  auto resolved = resolve_inheritance(child, {});
  ASSERT_TRUE(resolved);
  EXPECT_TRUE(same_definition(child, *resolved));
  EXPECT_EQ(child.extra, resolved->extra);
}

TEST(Inheritance, RepeatedModelsInTheChainAreRefused) {
  ThingModel a = make("a", {"x"});
  ThingModel b = make("b", {"y"});
  EXPECT_EQ(resolve_error(a, {&b, &a}), errc::inheritance_cycle);
  EXPECT_EQ(resolve_error(a, {&b, &b}), errc::inheritance_cycle);
  EXPECT_EQ(resolve_error(a, {nullptr}), errc::invalid_value);
}

TEST(Inheritance, ChainOfSixteenAncestorsIsAcceptedAndSeventeenRefused) {
  std::vector<ThingModel> models;
  for (std::size_t i = 0; i <= kMaxInheritanceDepth + 1; ++i)
    models.push_back(make("m" + std::to_string(i), {"p" + std::to_string(i)}));
  std::vector<const ThingModel*> chain;
  for (std::size_t i = 1; i <= kMaxInheritanceDepth; ++i) chain.push_back(&models[i]);
  auto resolved = resolve_inheritance(models[0], chain);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->measurepoints.size(), kMaxInheritanceDepth + 1);
  chain.push_back(&models[kMaxInheritanceDepth + 1]);
  EXPECT_EQ(resolve_error(models[0], chain), errc::limit_exceeded);
}

TEST(Inheritance, ElementLimitCountsInheritedElements) {
  std::vector<std::string> child_points, parent_points;
  for (std::size_t i = 0; i < 3000; ++i) child_points.push_back("c" + std::to_string(i));
  for (std::size_t i = 0; i < kMaxElements - 3000; ++i) parent_points.push_back("p" + std::to_string(i));
  ThingModel child = make("child", child_points);
  ThingModel parent = make("parent", parent_points);
  auto resolved = resolve_inheritance(child, std::vector<const ThingModel*>{&parent});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->element_count(), kMaxElements);
  parent_points.push_back("one_more");
  ThingModel bigger = make("parent", parent_points);
  EXPECT_EQ(resolve_error(child, {&bigger}), errc::too_many_elements);
}

}  // namespace
}  // namespace gridhub::model
