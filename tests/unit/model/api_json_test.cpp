// Tests of the model API format: shape of to_api_json, round trips for every data type, conversion of API
// models to console objects, malformed input and limits.
#include "model/api_json.hpp"

#include <gtest/gtest.h>

#include <set>

#include "model/console_json.hpp"
#include "model/errc.hpp"
#include "model/limits.hpp"
#include "model_test_util.hpp"

namespace gridhub::model {
namespace {

using test::all_types_api_json;
using test::all_types_model;
using test::seed_model;

const std::string kPkg = "com.envisioniot.enos.model_service.share.data.tsl.";

boost::system::error_code api_error(const boost::json::value& v, std::string* detail = nullptr) {
  auto r = from_api_json(v, detail);
  return r ? boost::system::error_code{} : r.error();
}

boost::json::value with_point(boost::json::object p) {
  return boost::json::object{{"modelId", "M"}, {"measurepoints", boost::json::object{{"p", std::move(p)}}}};
}

ThingModel api_round_trip(const ThingModel& m) {
  const std::string text = boost::json::serialize(to_api_json(m));
  std::string detail;
  auto back = from_api_json(boost::json::parse(text), &detail);
  EXPECT_TRUE(back) << detail;
  return back ? *back : ThingModel{};
}

TEST(ApiJson, SeedModelHasTheApiShape) {
  boost::json::object api = to_api_json(seed_model());
  EXPECT_EQ(api.at("modelId").as_string(), "SmartBattery0717");
  EXPECT_EQ(api.at("modelIdPath").as_string(), "/SmartBattery0717");
  const auto& cap = api.at("attributes").at("Capacity").as_object();
  EXPECT_EQ(cap.at("dataType").as_string(), "DOUBLE");
  EXPECT_EQ(cap.at("unit").at("unitId").as_string(), "Ah");
  EXPECT_EQ(cap.at("isRequired").as_bool(), false);
  EXPECT_EQ(cap.at("defaultValue").to_number<double>(), 5000.0);
  EXPECT_TRUE(cap.at("dataDefinition").is_string());  // bounds travel in dataDefinition
  const auto& cycle = api.at("measurepoints").at("cycle_number").as_object();
  EXPECT_EQ(cycle.at("signalType").as_string(), "Generic");
  EXPECT_EQ(cycle.at("dataType").as_string(), "INT");
  EXPECT_EQ(api.at("measurepoints").at("accumulating_power").at("signalType").as_string(), "PI");
  const auto& svc = api.at("services").at("high_frequency_report_service").as_object();
  EXPECT_EQ(svc.at("callType").as_string(), "ASYNC");
  EXPECT_EQ(svc.at("inputData").at(0).at("dataType").as_string(), "INT");
  const auto& result = svc.at("outputData").at(0).as_object();
  EXPECT_EQ(result.at("dataType").as_string(), "ENUM");
  boost::json::value def = boost::json::parse(result.at("dataDefinition").as_string());
  EXPECT_EQ(def.at("enumType").as_string(), "INT");
  EXPECT_EQ(def.at("enumDesc").at("1").at("defaultValue").as_string(), "failure");
  EXPECT_TRUE(api.at("events").as_object().empty());
}

TEST(ApiJson, SeedModelRoundTripsToTheSameTypedModel) {
  ThingModel m = seed_model();
  ThingModel back = api_round_trip(m);
  EXPECT_TRUE(same_definition(m, back));
  EXPECT_EQ(back.attributes.at("UpperLimitTemp").console.at("defaultValue").to_number<double>(), 48.0);
}

TEST(ApiJson, EveryDataTypeRoundTripsThroughTheApiFormat) {
  ThingModel m = all_types_model();
  std::set<DataType> attribute_types, point_types, param_types;
  for (const auto& [id, e] : m.attributes) attribute_types.insert(e.spec.type);
  for (const auto& [id, e] : m.measurepoints) point_types.insert(e.spec.type);
  for (const auto& [id, e] : m.services)
    for (const Field& f : e.input) param_types.insert(f.spec.type);
  EXPECT_EQ(attribute_types.size(), 11u);
  EXPECT_EQ(point_types.size(), 11u);
  EXPECT_EQ(param_types.size(), 4u);
  ThingModel back = api_round_trip(m);
  EXPECT_TRUE(same_definition(m, back));
  for (ElementKind k : kAllElementKinds) {
    for (const auto& [id, e] : m.elements(k)) EXPECT_TRUE(same_definition(e, back.elements(k).at(id))) << id;
  }
}

TEST(ApiJson, TypeDetailsSurviveTheApiFormat) {
  ThingModel m = api_round_trip(all_types_model());
  const TypeSpec& i = m.attributes.at("a_int").spec;
  EXPECT_EQ(i.minimum, -5.0);
  EXPECT_TRUE(i.exclusive_minimum);
  EXPECT_EQ(i.unit->unit_id, "s");
  EXPECT_TRUE(m.attributes.at("a_int").required);
  EXPECT_EQ(m.attributes.at("a_double").spec.unit->multiplier, "KILO");
  EXPECT_EQ(m.attributes.at("a_enum").spec.enum_values.at("1").values.at("zh_CN"), "\xE5\xBC\x80");
  EXPECT_FALSE(m.attributes.at("a_senum").spec.enum_int_keys);
  EXPECT_EQ(m.attributes.at("a_bool").spec.true_desc, "yes");
  EXPECT_EQ(m.attributes.at("a_string").spec.max_length, 16u);
  const TypeSpec& st = m.attributes.at("a_struct").spec;
  ASSERT_EQ(st.struct_items.size(), 2u);
  EXPECT_TRUE(st.struct_items[0].required);
  EXPECT_EQ(st.struct_items[1].spec.max_length, 4u);
  const TypeSpec& arr = m.attributes.at("a_array").spec;
  ASSERT_TRUE(arr.array_item);
  EXPECT_EQ(arr.array_item->type, DataType::Double);
  EXPECT_EQ(arr.array_item->maximum, 10.0);
  EXPECT_EQ(arr.array_item->unit->unit_id, "A");
  EXPECT_EQ(m.measurepoints.at("p_int").signal_type, SignalType::DI);
  EXPECT_TRUE(m.measurepoints.at("p_int").has_quality);
  EXPECT_TRUE(m.measurepoints.at("p_struct").spec.allow_additional_items);
  EXPECT_EQ(m.services.at("set_mode").call_type, "SYNC");
  EXPECT_EQ(m.events.at("overheat").event_type, "WARN");
  EXPECT_EQ(m.tags.at("site"), "lab");
  EXPECT_EQ(m.name.values.at("zh_CN"), "\xE5\x85\xA8\xE9\x83\xA8");
  EXPECT_EQ(m.attributes.at("a_string").console.at("defaultValue").as_string(), "abc");
}

TEST(ApiJson, ApiModelsBecomeConsoleObjectsWithTheRightClasses) {
  ThingModel m = all_types_model();
  EXPECT_EQ(m.measurepoints.at("p_int").console.at("$class").as_string(),
            kPkg + "measurepoint.TSLIntMeasurepoint");
  EXPECT_EQ(m.attributes.at("a_string").console.at("$class").as_string(),
            kPkg + "attribute.TSLTextAttribute");
  EXPECT_EQ(m.attributes.at("a_file").console.at("$class").as_string(), kPkg + "attribute.TSLFileAttribute");
  EXPECT_EQ(m.measurepoints.at("p_string").console.at("signalType").as_string(), "UNKNOWN");
  const auto& input = m.services.at("set_mode").console.at("inputData").as_array();
  EXPECT_EQ(input.at(0).at("$class").as_string(), kPkg + "datapoint.TSLEnum");
  EXPECT_EQ(input.at(1).at("$class").as_string(), kPkg + "datapoint.TSLInt");
  EXPECT_EQ(m.attributes.at("a_array").console.at("innerType").at("$class").as_string(),
            kPkg + "datapoint.TSLDouble");
  EXPECT_EQ(m.events.at("overheat").console.at("type").as_string(), "WARN");
  // ... and they export and import like a console file.
  std::string detail;
  auto imported = import_console_json(boost::json::serialize(export_console_json(m, "o1")), &detail);
  ASSERT_TRUE(imported) << detail;
  EXPECT_TRUE(same_definition(m, *imported));
}

TEST(ApiJson, ModelIdPathNamesTheParent) {
  auto m = from_api_json(boost::json::parse(R"({"modelId":"child","modelIdPath":"/root/parent/child"})"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->parent_model_id, "parent");
  EXPECT_EQ(to_api_json(*m).at("modelIdPath").as_string(), "/parent/child");
  auto root = from_api_json(boost::json::parse(R"({"modelId":"root","modelIdPath":"/root"})"));
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->parent_model_id.empty());
  EXPECT_EQ(api_error(boost::json::parse(R"({"modelId":"child","modelIdPath":"/root/other"})")),
            errc::invalid_value);
}

TEST(ApiJson, LowerCaseDataTypesAndListsOfElementsAreAccepted) {
  auto m = from_api_json(boost::json::parse(
      R"({"modelId":"M","measurepoints":[{"identifier":"t","dataType":"float","unit":"°C"}]})"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->measurepoints.at("t").spec.type, DataType::Float);
  EXPECT_EQ(m->measurepoints.at("t").spec.unit->unit_id,
            "\xC2\xB0"
            "C");
}

TEST(ApiJson, MalformedModelsAreRefusedWithAMessage) {
  using boost::json::parse;
  std::string detail;
  EXPECT_EQ(api_error(parse("[]")), errc::wrong_type);
  EXPECT_EQ(api_error(parse(R"({"name":"x"})"), &detail), errc::missing_key);
  EXPECT_NE(detail.find("modelId"), std::string::npos);
  EXPECT_EQ(api_error(with_point({{"dataType", "COMPLEX"}}), &detail), errc::unknown_class);
  EXPECT_NE(detail.find("measurepoints.p"), std::string::npos) << detail;
  EXPECT_EQ(api_error(with_point({})), errc::missing_key);
  EXPECT_EQ(api_error(with_point({{"dataType", "INT"}, {"dataDefinition", "{not json"}})),
            errc::invalid_json);
  EXPECT_EQ(api_error(with_point({{"dataType", "INT"}, {"dataDefinition", 5}})), errc::wrong_type);
  EXPECT_EQ(api_error(with_point({{"dataType", "INT"}, {"dataDefinition", "[1]"}})), errc::wrong_type);
  EXPECT_EQ(api_error(with_point({{"dataType", "INT"}, {"isRequired", "yes"}})), errc::wrong_type);
  EXPECT_EQ(api_error(with_point({{"dataType", "INT"}, {"signalType", "AO"}})), errc::invalid_value);
  EXPECT_EQ(api_error(with_point({{"dataType", "ARRAY"}})), errc::missing_key);
  EXPECT_EQ(api_error(with_point(
                {{"dataType", "ENUM"}, {"dataDefinition", R"({"enumType":"INT","enumDesc":{"a":"A"}})"}})),
            errc::invalid_value);
  EXPECT_EQ(api_error(with_point({{"dataType", "INT"}, {"dataDefinition", R"({"minimum":3,"maximum":2})"}})),
            errc::invalid_value);
  EXPECT_EQ(api_error(with_point({{"identifier", "q"}, {"dataType", "INT"}})), errc::invalid_identifier);
  EXPECT_EQ(api_error(parse(R"({"modelId":"M","services":{"s":{"callType":"NOW"}}})")), errc::invalid_value);
  EXPECT_EQ(
      api_error(parse(
          R"({"modelId":"M","events":{"e":{"outputData":[{"identifier":"a","dataType":"INT"},{"identifier":"a","dataType":"INT"}]}}})")),
      errc::duplicate_identifier);
  EXPECT_EQ(
      api_error(parse(
          R"({"modelId":"M","measurepoints":[{"identifier":"a","dataType":"INT"},{"identifier":"a","dataType":"INT"}]})")),
      errc::duplicate_identifier);
  EXPECT_EQ(api_error(parse(R"({"modelId":"M","attributes":5})")), errc::wrong_type);
}

TEST(ApiLimits, IdentifierOf128CharactersIsAcceptedAnd129Refused) {
  const std::string ok(kMaxIdentifierLength, 'x');
  const std::string too_long(kMaxIdentifierLength + 1, 'x');
  auto doc = [](const std::string& id) {
    return boost::json::value{
        {"modelId", "M"},
        {"measurepoints", boost::json::object{{id, boost::json::object{{"dataType", "INT"}}}}}};
  };
  EXPECT_TRUE(from_api_json(doc(ok)));
  EXPECT_EQ(api_error(doc(too_long)), errc::invalid_identifier);
  EXPECT_TRUE(from_api_json(boost::json::value{{"modelId", ok}}));
  EXPECT_EQ(api_error(boost::json::value{{"modelId", too_long}}), errc::invalid_identifier);
}

TEST(ApiLimits, FiveThousandElementsAreAcceptedAndOneMoreRefused) {
  boost::json::object points;
  for (std::size_t i = 0; i < kMaxElements; ++i)
    points.emplace("p" + std::to_string(i), boost::json::object{{"dataType", "INT"}});
  boost::json::value doc{{"modelId", "M"}, {"measurepoints", points}};
  auto m = from_api_json(doc);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->element_count(), kMaxElements);
  doc.as_object()["events"] = boost::json::object{{"e", boost::json::object{}}};
  EXPECT_EQ(api_error(doc), errc::too_many_elements);
}

TEST(ApiLimits, DataDefinitionsNestedPastTheTypeDepthAreRefused) {
  auto nested = [](std::size_t depth) {
    boost::json::object inner{{"dataType", "INT"}};
    for (std::size_t d = 1; d < depth; ++d) {
      boost::json::object def{{"itemType", inner.at("dataType")}};
      if (const auto* dd = inner.if_contains("dataDefinition")) def["itemDataDefinition"] = *dd;
      inner = boost::json::object{{"dataType", "ARRAY"}, {"dataDefinition", boost::json::serialize(def)}};
    }
    return with_point(inner);
  };
  std::string detail;
  EXPECT_TRUE(from_api_json(nested(kMaxTypeDepth), &detail)) << detail;
  EXPECT_EQ(api_error(nested(kMaxTypeDepth + 1)), errc::limit_exceeded);
}

}  // namespace
}  // namespace gridhub::model
