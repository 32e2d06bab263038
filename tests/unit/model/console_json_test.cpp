// Tests of console-format import/export: the real seed export, round trips, malformed input and limits.
#include "model/console_json.hpp"

#include <gtest/gtest.h>

#include "model/console_element.hpp"
#include "model/errc.hpp"
#include "model/limits.hpp"
#include "model_test_util.hpp"

namespace gridhub::model {
namespace {

using test::seed_model;
using test::seed_text;

const std::string kPkg = "com.envisioniot.enos.model_service.share.data.tsl.";

boost::json::object point(std::string id, std::string cls = "measurepoint.TSLIntMeasurepoint") {
  return {{"identifier", id}, {"$class", kPkg + cls}, {"signalType", "AI"}};
}

// A console document with the given measure points.
std::string doc_with_points(const boost::json::object& points, std::string model_id = "M") {
  boost::json::object root{{"thingModelId", model_id}, {"thingMeasurepointMap", points}};
  return boost::json::serialize(root);
}

boost::system::error_code import_error(const std::string& text, std::string* detail = nullptr) {
  auto r = import_console_json(text, detail);
  return r ? boost::system::error_code{} : r.error();
}

TEST(ConsoleImport, SeedFileWithBomImportsEveryElement) {
  ASSERT_EQ(seed_text().substr(0, 3), "\xEF\xBB\xBF");
  ThingModel m = seed_model();
  EXPECT_EQ(m.model_id, "SmartBattery0717");
  EXPECT_EQ(m.name.default_value, "SmartBattery0717");
  EXPECT_EQ(m.category, "Demo");
  EXPECT_EQ(m.attributes.size(), 4u);
  EXPECT_EQ(m.measurepoints.size(), 9u);
  EXPECT_EQ(m.services.size(), 2u);
  EXPECT_EQ(m.events.size(), 0u);
  EXPECT_FALSE(m.allow_additional_measurepoint);
  EXPECT_TRUE(m.parent_model_id.empty());
  EXPECT_FALSE(m.extra.contains("ou"));
  EXPECT_TRUE(m.extra.contains("extraInfo"));
}

TEST(ConsoleImport, SeedPointsCarryTheirSignalTypesAndDataTypes) {
  ThingModel m = seed_model();
  const Element& cycle = m.measurepoints.at("cycle_number");
  EXPECT_EQ(cycle.signal_type, SignalType::Generic);  // "UNKNOWN" in the file
  EXPECT_EQ(cycle.spec.type, DataType::Int);
  const Element& acc = m.measurepoints.at("accumulating_power");
  EXPECT_EQ(acc.signal_type, SignalType::PI);
  EXPECT_EQ(acc.spec.type, DataType::Double);
  ASSERT_TRUE(acc.spec.unit);
  EXPECT_EQ(acc.spec.unit->unit_id, "Ah");
  const Element& health = m.measurepoints.at("health_level");
  EXPECT_EQ(health.signal_type, SignalType::DI);
  EXPECT_EQ(health.spec.type, DataType::Int);
  EXPECT_EQ(health.spec.minimum, -2147483648.0);
  EXPECT_EQ(health.spec.maximum, 2147483647.0);
  const Element& voltage = m.measurepoints.at("voltage");
  EXPECT_EQ(voltage.kind, ElementKind::Measurepoint);
  EXPECT_EQ(voltage.signal_type, SignalType::AI);
  EXPECT_EQ(voltage.spec.unit->unit_id, "V");
  EXPECT_EQ(voltage.spec.unit->multiplier, "ONE");
  EXPECT_FALSE(voltage.has_quality);
}

TEST(ConsoleImport, SeedAttributesKeepTypesBoundsAndDefaults) {
  ThingModel m = seed_model();
  const Element& upper = m.attributes.at("UpperLimitTemp");
  EXPECT_EQ(upper.spec.type, DataType::Float);
  EXPECT_EQ(upper.spec.minimum, -3.4028235E38);
  EXPECT_EQ(upper.spec.unit->unit_id,
            "\xC2\xB0"
            "C");
  EXPECT_EQ(upper.console.at("defaultValue").to_number<double>(), 48.0);
  const Element& cap = m.attributes.at("Capacity");
  EXPECT_EQ(cap.spec.type, DataType::Double);
  EXPECT_EQ(cap.spec.maximum, 1.7976931348623157E308);
  EXPECT_EQ(cap.desc, "\xE7\x94\xB5\xE9\x87\x8F");  // 电量
  EXPECT_EQ(m.attributes.at("longitude").name.default_value, "Longitude");
}

TEST(ConsoleImport, SeedServicesHaveTypedParameters) {
  ThingModel m = seed_model();
  const Element& svc = m.services.at("high_frequency_report_service");
  EXPECT_EQ(svc.call_type, "ASYNC");
  ASSERT_EQ(svc.input.size(), 1u);
  EXPECT_EQ(svc.input[0].identifier, "interval");
  EXPECT_EQ(svc.input[0].spec.type, DataType::Int);
  ASSERT_TRUE(svc.input[0].spec.unit);
  EXPECT_EQ(svc.input[0].spec.unit->unit_id, "s");
  ASSERT_EQ(svc.output.size(), 1u);
  const Field& result = svc.output[0];
  EXPECT_EQ(result.identifier, "result");
  EXPECT_EQ(result.spec.type, DataType::Enum);
  EXPECT_TRUE(result.spec.enum_int_keys);
  ASSERT_EQ(result.spec.enum_values.size(), 2u);
  EXPECT_EQ(result.spec.enum_values.at("0").default_value, "success");
  EXPECT_EQ(result.spec.enum_values.at("1").default_value, "failure");
  EXPECT_EQ(result.spec.enum_values.at("1").values.size(), 2u);  // en_US, zh_CN
  const Element& disc = m.services.at("disconnect");
  EXPECT_EQ(disc.input[0].identifier, "delayMS");
  EXPECT_EQ(disc.input[0].spec.unit->unit_id, "ms");
}

TEST(ConsoleExport, ExportThenImportGivesTheSameModel) {
  ThingModel m = seed_model();
  const std::string text = boost::json::serialize(export_console_json(m, "o1"));
  std::string detail;
  auto again = import_console_json(text, &detail);
  ASSERT_TRUE(again) << detail;
  EXPECT_TRUE(same_definition(m, *again));
  for (ElementKind k : kAllElementKinds) {
    for (const auto& [id, e] : m.elements(k)) EXPECT_EQ(e.console, again->elements(k).at(id).console) << id;
  }
  EXPECT_EQ(m.extra, again->extra);
}

TEST(ConsoleExport, ExportMatchesTheOriginalFileKeyByKeyExceptOu) {
  ThingModel m = seed_model();
  boost::json::value original = boost::json::parse(seed_text().substr(3));
  boost::json::value exported = export_console_json(m, "o_new_ou");
  EXPECT_EQ(exported.at("ou").as_string(), "o_new_ou");
  original.as_object().erase("ou");
  exported.as_object().erase("ou");
  EXPECT_EQ(test::json_diff(original, exported), "");
}

TEST(ConsoleExport, FloatBoundsSurviveAsTheSameDouble) {
  ThingModel m = seed_model();
  const std::string text = boost::json::serialize(export_console_json(m, "o1"));
  boost::json::value v = boost::json::parse(text);
  const auto& upper = v.at("thingAttributeMap").at("UpperLimitTemp");
  EXPECT_EQ(upper.at("minimum").as_double(), -3.4028235E38);
  EXPECT_EQ(upper.at("maximum").as_double(), 3.4028235E38);
  EXPECT_EQ(v.at("thingMeasurepointMap").at("voltage").at("minimum").as_double(), -1.7976931348623157E308);
}

TEST(ConsoleImport, FileWithoutBomImportsToo) {
  auto m = import_console_json(seed_text().substr(3));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->measurepoints.size(), 9u);
}

TEST(ConsoleImport, ParentModelIdRoundTrips) {
  auto m = import_console_json(R"({"thingModelId":"child","parentThingModelId":"base"})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->parent_model_id, "base");
  auto again = import_console_json(boost::json::serialize(export_console_json(*m, "o")));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->parent_model_id, "base");
  auto by_path = import_console_json(R"({"thingModelId":"child","modelIdPath":"/root/base/child"})");
  ASSERT_TRUE(by_path);
  EXPECT_EQ(by_path->parent_model_id, "base");
}

TEST(ConsoleImport, TimestampBoundsWrittenAsStringsAreRead) {
  boost::json::object p = point("ts", "measurepoint.TSLTimestampMeasurepoint");
  p["minimum"] = "0";
  p["maximum"] = "4102444800000";
  auto m = import_console_json(doc_with_points({{"ts", p}}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->measurepoints.at("ts").spec.type, DataType::Timestamp);
  EXPECT_EQ(m->measurepoints.at("ts").spec.maximum, 4102444800000.0);
}

// ------------------------------------------------------------------ malformed input

TEST(ConsoleImport, TextThatIsNotJsonIsRefused) {
  for (const char* text :
       {"", "{", "not json", "\xEF\xBB\xBF", "{\"thingModelId\":\"x\",}", "\xEF\xBB\xBF{]"}) {
    std::string detail;
    EXPECT_EQ(import_error(text, &detail), errc::invalid_json) << text;
    EXPECT_FALSE(detail.empty());
  }
}

TEST(ConsoleImport, DocumentThatIsNotAnObjectIsRefused) {
  EXPECT_EQ(import_error("[1,2]"), errc::wrong_type);
  EXPECT_EQ(import_error("42"), errc::wrong_type);
  EXPECT_EQ(import_error("null"), errc::wrong_type);
}

TEST(ConsoleImport, MissingThingModelIdIsRefused) {
  std::string detail;
  EXPECT_EQ(import_error(R"({"thingMeasurepointMap":{}})", &detail), errc::missing_key);
  EXPECT_NE(detail.find("thingModelId"), std::string::npos) << detail;
  EXPECT_EQ(import_error(R"({"thingModelId":7})"), errc::wrong_type);
}

TEST(ConsoleImport, UnknownClassIsRefusedNamingTheElement) {
  std::string detail;
  auto text = doc_with_points({{"temp", point("temp", "measurepoint.TSLQuaternionMeasurepoint")}});
  EXPECT_EQ(import_error(text, &detail), errc::unknown_class);
  EXPECT_NE(detail.find("temp"), std::string::npos) << detail;
  // An attribute class is not a measure point class.
  EXPECT_EQ(import_error(doc_with_points({{"temp", point("temp", "attribute.TSLIntAttribute")}})),
            errc::unknown_class);
  boost::json::object no_class{{"identifier", "temp"}};
  EXPECT_EQ(import_error(doc_with_points({{"temp", no_class}})), errc::missing_key);
}

TEST(ConsoleImport, KeyOfTheWrongTypeIsRefusedNamingElementAndKey) {
  std::string detail;
  boost::json::object p = point("voltage", "measurepoint.TSLDoubleMeasurepoint");
  p["minimum"] = "abc";
  EXPECT_EQ(import_error(doc_with_points({{"voltage", p}}), &detail), errc::wrong_type);
  EXPECT_NE(detail.find("voltage"), std::string::npos) << detail;
  EXPECT_NE(detail.find("minimum"), std::string::npos) << detail;

  auto with = [](std::string_view key, boost::json::value v) {
    boost::json::object p = point("p");
    p[key] = std::move(v);
    return import_error(doc_with_points({{"p", p}}));
  };
  EXPECT_EQ(with("hasQuality", 1), errc::wrong_type);
  EXPECT_EQ(with("name", 5), errc::wrong_type);
  EXPECT_EQ(with("unit", boost::json::array{}), errc::wrong_type);
  EXPECT_EQ(with("signalType", "XY"), errc::invalid_value);
  EXPECT_EQ(with("exclusiveMaximum", "no"), errc::wrong_type);
  EXPECT_EQ(with("identifier", boost::json::array{}), errc::wrong_type);
  EXPECT_EQ(import_error(R"({"thingModelId":"M","thingMeasurepointMap":[]})"), errc::wrong_type);
  EXPECT_EQ(import_error(R"({"thingModelId":"M","thingMeasurepointMap":{"p":3}})"), errc::wrong_type);
  EXPECT_EQ(import_error(R"({"thingModelId":"M","tag":{"tagMap":{"k":1}}})"), errc::wrong_type);
  EXPECT_EQ(import_error(R"({"thingModelId":"M","allowAdditionalMeasurepoint":"yes"})"), errc::wrong_type);
}

TEST(ConsoleImport, MinimumAboveMaximumIsRefused) {
  boost::json::object p = point("p");
  p["minimum"] = 10;
  p["maximum"] = 9;
  EXPECT_EQ(import_error(doc_with_points({{"p", p}})), errc::invalid_value);
}

TEST(ConsoleImport, MapKeyMustEqualTheIdentifier) {
  std::string detail;
  EXPECT_EQ(import_error(doc_with_points({{"voltage", point("current")}}), &detail),
            errc::invalid_identifier);
  EXPECT_NE(detail.find("voltage"), std::string::npos);
  boost::json::object no_id{{"$class", kPkg + "measurepoint.TSLIntMeasurepoint"}};
  EXPECT_EQ(import_error(doc_with_points({{"p", no_id}})), errc::missing_key);
}

TEST(ConsoleImport, BadServiceAndEventFieldsAreRefused) {
  auto svc = [](boost::json::object s) {
    s["identifier"] = "svc";
    return import_error(boost::json::serialize(
        boost::json::object{{"thingModelId", "M"}, {"thingServiceMap", boost::json::object{{"svc", s}}}}));
  };
  EXPECT_EQ(svc({{"callType", "LATER"}}), errc::invalid_value);
  EXPECT_EQ(svc({{"inputData", "x"}}), errc::wrong_type);
  EXPECT_EQ(svc({{"inputData", boost::json::array{boost::json::object{{"identifier", "a"}}}}}),
            errc::missing_key);
  boost::json::object param{{"identifier", "a"}, {"$class", kPkg + "datapoint.TSLInt"}};
  EXPECT_EQ(svc({{"inputData", boost::json::array{param, param}}}), errc::duplicate_identifier);
  EXPECT_EQ(svc({{"inputData", boost::json::array{param}}}), boost::system::error_code{});
  boost::json::object bad_param{{"identifier", "a"}, {"$class", kPkg + "datapoint.TSLIntAttribute"}};
  EXPECT_EQ(svc({{"outputData", boost::json::array{bad_param}}}), errc::unknown_class);
  boost::json::object ev{{"identifier", "e"}, {"type", "PANIC"}};
  EXPECT_EQ(import_error(boost::json::serialize(boost::json::object{
                {"thingModelId", "M"}, {"thingEventMap", boost::json::object{{"e", ev}}}})),
            errc::invalid_value);
}

TEST(ConsoleImport, EnumKeysMustBeIntegersWhenValueTypeIsTrue) {
  boost::json::object p = point("mode", "measurepoint.TSLEnumMeasurepoint");
  p["specsMap"] = boost::json::object{{"on", "{\"defaultValue\":\"On\"}"}};
  p["valueType"] = true;
  EXPECT_EQ(import_error(doc_with_points({{"mode", p}})), errc::invalid_value);
  p["valueType"] = false;
  auto m = import_console_json(doc_with_points({{"mode", p}}));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->measurepoints.at("mode").spec.enum_int_keys);
  EXPECT_EQ(m->measurepoints.at("mode").spec.enum_values.at("on").default_value, "On");
}

TEST(ConsoleImport, DeeplyNestedJsonIsRefusedWithoutCrashing) {
  std::string deep(100000, '[');
  EXPECT_EQ(import_error(deep), errc::invalid_json);
  std::string nested = "{\"thingModelId\":\"M\",\"x\":" + std::string(kMaxJsonDepth, '[') +
                       std::string(kMaxJsonDepth, ']') + "}";
  EXPECT_EQ(import_error(nested), errc::invalid_json);
}

TEST(ConsoleImport, EveryTruncationOfTheSeedFailsCleanly) {
  const std::string text = seed_text();
  for (std::size_t n = 0; n < text.size(); n += 7) {
    auto r = import_console_json(std::string_view(text).substr(0, n));
    EXPECT_FALSE(r) << n;
  }
}

TEST(ConsoleImport, ReplacingAnyElementKeyWithOtherTypesNeverCrashes) {
  const boost::json::value seed = boost::json::parse(seed_text().substr(3));
  const boost::json::value replacements[] = {
      nullptr, 1, -1.5, "x", true, boost::json::array{1}, boost::json::object{{"a", 1}}};
  std::size_t refused = 0;
  for (const char* map : {"thingAttributeMap", "thingMeasurepointMap", "thingServiceMap"}) {
    for (const auto& el : seed.at(map).as_object()) {
      for (const auto& key : el.value().as_object()) {
        for (const auto& r : replacements) {
          boost::json::value doc = seed;
          doc.at(map).as_object()[el.key()].as_object()[key.key()] = r;
          std::string detail;
          auto m = import_console_json(boost::json::serialize(doc), &detail);
          if (!m) {
            ++refused;
            EXPECT_FALSE(detail.empty());
          }
        }
      }
    }
  }
  EXPECT_GT(refused, 0u);
}

// ------------------------------------------------------------------ limits

TEST(ConsoleLimits, IdentifierOf128CharactersIsAcceptedAnd129Refused) {
  const std::string ok(kMaxIdentifierLength, 'a');
  const std::string too_long(kMaxIdentifierLength + 1, 'a');
  EXPECT_TRUE(import_console_json(doc_with_points({{ok, point(ok)}})));
  EXPECT_EQ(import_error(doc_with_points({{too_long, point(too_long)}})), errc::invalid_identifier);
  EXPECT_TRUE(import_console_json(doc_with_points({}, ok)));
  EXPECT_EQ(import_error(doc_with_points({}, too_long)), errc::invalid_identifier);
}

TEST(ConsoleLimits, IdentifierMustBeNonEmptyAndTopicSafe) {
  EXPECT_EQ(import_error(doc_with_points({{"", point("")}})), errc::invalid_identifier);
  for (const char* bad : {"a/b", "a+b", "a#", "a b", "temp\n"})
    EXPECT_EQ(import_error(doc_with_points({{bad, point(bad)}})), errc::invalid_identifier) << bad;
  EXPECT_TRUE(import_console_json(doc_with_points({{"a-b.c_D9", point("a-b.c_D9")}})));
}

TEST(ConsoleLimits, FiveThousandElementsAreAcceptedAndOneMoreRefused) {
  boost::json::object points;
  for (std::size_t i = 0; i < kMaxElements - 1; ++i) {
    const std::string id = "p" + std::to_string(i);
    points.emplace(id, point(id));
  }
  boost::json::object root{{"thingModelId", "M"}, {"thingMeasurepointMap", points}};
  root["thingAttributeMap"] = boost::json::object{
      {"a", boost::json::object{{"identifier", "a"}, {"$class", kPkg + "attribute.TSLIntAttribute"}}}};
  auto m = import_console_json(boost::json::serialize(root));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->element_count(), kMaxElements);
  root["thingEventMap"] = boost::json::object{{"e", boost::json::object{{"identifier", "e"}}}};
  std::string detail;
  EXPECT_EQ(import_error(boost::json::serialize(root), &detail), errc::too_many_elements);
  EXPECT_NE(detail.find("5000"), std::string::npos) << detail;
}

TEST(ConsoleLimits, TypeNestingAtTheLimitIsAcceptedAndDeeperRefused) {
  // An ARRAY element is depth 1; each innerType adds one level.
  auto nested = [](std::size_t depth) {
    boost::json::object inner{{"$class", kPkg + "datapoint.TSLInt"}};
    for (std::size_t d = 2; d < depth; ++d)
      inner = boost::json::object{{"$class", kPkg + "datapoint.TSLArray"}, {"innerType", inner}};
    boost::json::object p = point("arr", "measurepoint.TSLArrayMeasurepoint");
    p["innerType"] = inner;
    return doc_with_points({{"arr", p}});
  };
  EXPECT_TRUE(import_console_json(nested(kMaxTypeDepth)));
  EXPECT_EQ(import_error(nested(kMaxTypeDepth + 1)), errc::limit_exceeded);
}

TEST(ConsoleLimits, ParametersUpToTheLimitAreAcceptedAndOneMoreRefused) {
  auto svc = [](std::size_t n) {
    boost::json::array params;
    for (std::size_t i = 0; i < n; ++i)
      params.push_back(boost::json::object{{"identifier", "p" + std::to_string(i)},
                                           {"$class", kPkg + "datapoint.TSLInt"}});
    boost::json::object s{{"identifier", "svc"}, {"inputData", params}};
    return boost::json::serialize(
        boost::json::object{{"thingModelId", "M"}, {"thingServiceMap", boost::json::object{{"svc", s}}}});
  };
  EXPECT_TRUE(import_console_json(svc(kMaxParameters)));
  EXPECT_EQ(import_error(svc(kMaxParameters + 1)), errc::limit_exceeded);
}

TEST(ConsoleLimits, MaxLengthUpTo1024IsAcceptedAnd1025Refused) {
  boost::json::object p = point("s", "measurepoint.TSLTextMeasurepoint");
  p["maxLength"] = kMaxStringLength;
  EXPECT_TRUE(import_console_json(doc_with_points({{"s", p}})));
  p["maxLength"] = kMaxStringLength + 1;
  EXPECT_EQ(import_error(doc_with_points({{"s", p}})), errc::invalid_value);
  p["maxLength"] = 0;
  EXPECT_EQ(import_error(doc_with_points({{"s", p}})), errc::invalid_value);
}

TEST(ConsoleLimits, DocumentOfTheMaximumSizeParsesAndOneByteMoreIsRefused) {
  std::string text = R"({"thingModelId":"M"})";
  text.resize(kMaxModelJsonBytes, ' ');
  EXPECT_TRUE(import_console_json(text));
  text.push_back(' ');
  EXPECT_EQ(import_error(text), errc::invalid_json);
}

TEST(ConsoleElement, ParsesAndRendersOneElementWithTheRightClass) {
  Element e;
  e.kind = ElementKind::Measurepoint;
  e.identifier = "soc";
  e.spec.type = DataType::Float;
  e.spec.minimum = 0;
  e.spec.maximum = 100;
  e.signal_type = SignalType::Generic;
  boost::json::object o = render_console_element(e);
  EXPECT_EQ(o.at("$class").as_string(), kPkg + "measurepoint.TSLFloatMeasurepoint");
  EXPECT_EQ(o.at("signalType").as_string(), "UNKNOWN");
  auto back = parse_console_element(ElementKind::Measurepoint, o);
  ASSERT_TRUE(back);
  EXPECT_TRUE(same_definition(e, *back));
  EXPECT_EQ(console_class(ClassFamily::Attribute, DataType::String), kPkg + "attribute.TSLTextAttribute");
  EXPECT_EQ(data_type_of_class(kPkg + "datapoint.TSLEnum", ClassFamily::Datapoint), DataType::Enum);
  EXPECT_EQ(data_type_of_class(kPkg + "datapoint.TSLEnum", ClassFamily::Attribute), std::nullopt);
}

}  // namespace
}  // namespace gridhub::model
