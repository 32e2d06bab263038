// Helpers shared by the model unit tests: the seed export, a model covering every data type, and a JSON
// comparison where numbers compare as doubles (48.0 == 48).
#pragma once
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "model/api_json.hpp"
#include "model/console_json.hpp"
#include "model/thing_model.hpp"

namespace gridhub::model::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string seed_text() {
  return read_file(std::string(GRIDHUB_SHARED_DIR) + "/seed-data/enos_model_SmartBattery.json");
}

inline ThingModel seed_model() {
  std::string detail;
  auto m = import_console_json(seed_text(), &detail);
  EXPECT_TRUE(m.has_value()) << detail;
  return m ? *m : ThingModel{};
}

// Differences between two JSON values, one line each ("" = equivalent). Numbers compare as doubles.
inline void json_diff(const boost::json::value& a, const boost::json::value& b, const std::string& path,
                      std::string& out) {
  if (a.is_number() && b.is_number()) {
    if (a.to_number<double>() != b.to_number<double>())
      out += path + ": " + boost::json::serialize(a) + " != " + boost::json::serialize(b) + "\n";
    return;
  }
  if (a.kind() != b.kind()) {
    out += path + ": kinds differ\n";
    return;
  }
  if (a.is_object()) {
    const auto& oa = a.get_object();
    const auto& ob = b.get_object();
    for (const auto& kv : oa) {
      const auto* other = ob.if_contains(kv.key());
      if (!other)
        out += path + "." + std::string(kv.key()) + ": missing on the right\n";
      else
        json_diff(kv.value(), *other, path + "." + std::string(kv.key()), out);
    }
    for (const auto& kv : ob) {
      if (!oa.contains(kv.key())) out += path + "." + std::string(kv.key()) + ": missing on the left\n";
    }
    return;
  }
  if (a.is_array()) {
    const auto& aa = a.get_array();
    const auto& ab = b.get_array();
    if (aa.size() != ab.size()) {
      out += path + ": array sizes differ\n";
      return;
    }
    for (std::size_t i = 0; i < aa.size(); ++i)
      json_diff(aa[i], ab[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  if (a != b) out += path + ": " + boost::json::serialize(a) + " != " + boost::json::serialize(b) + "\n";
}

inline std::string json_diff(const boost::json::value& a, const boost::json::value& b) {
  std::string out;
  json_diff(a, b, "", out);
  return out;
}

// An API-format model with an attribute, a measure point and service/event parameters of every data type.
inline boost::json::value all_types_api_json() {
  return boost::json::parse(R"({
    "modelId": "AllTypes", "name": {"defaultValue": "All types", "i18nValue": {"zh_CN": "全部"}},
    "desc": "every data type", "category": "Test", "tags": {"site": "lab"},
    "attributes": {
      "a_int":   {"identifier": "a_int", "name": {"defaultValue": "i"}, "dataType": "INT",
                  "dataDefinition": "{\"minimum\":-5,\"maximum\":5,\"exclusiveMinimum\":true,\"exclusiveMaximum\":false}",
                  "unit": {"unitId": "s", "multiplier": "ONE"}, "isRequired": true, "defaultValue": 1},
      "a_float": {"dataType": "FLOAT", "dataDefinition": null, "unit": null},
      "a_double":{"dataType": "DOUBLE", "dataDefinition": "{\"minimum\":0.5,\"maximum\":99.25}",
                  "unit": {"unitId": "V", "multiplier": "KILO"}},
      "a_enum":  {"dataType": "ENUM", "dataDefinition": "{\"enumType\":\"INT\",\"enumDesc\":{\"0\":{\"defaultValue\":\"off\",\"i18nValue\":{}},\"1\":{\"defaultValue\":\"on\",\"i18nValue\":{\"zh_CN\":\"开\"}}}}"},
      "a_senum": {"dataType": "ENUM", "dataDefinition": "{\"enumType\":\"STRING\",\"enumDesc\":{\"red\":{\"defaultValue\":\"Red\"},\"blue\":{\"defaultValue\":\"Blue\"}}}"},
      "a_bool":  {"dataType": "BOOL", "dataDefinition": "{\"boolDesc\":{\"true\":{\"defaultValue\":\"yes\"},\"false\":{\"defaultValue\":\"no\"}}}"},
      "a_string":{"dataType": "STRING", "dataDefinition": "{\"maxLength\":16}", "defaultValue": "abc"},
      "a_date":  {"dataType": "DATE", "dataDefinition": null},
      "a_ts":    {"dataType": "TIMESTAMP", "dataDefinition": "{\"minimum\":0}"},
      "a_struct":{"dataType": "STRUCT", "dataDefinition": "{\"allowAdditionalItem\":false,\"items\":[{\"identifier\":\"x\",\"name\":{\"defaultValue\":\"X\"},\"dataType\":\"INT\",\"dataDefinition\":null,\"unit\":null,\"required\":true},{\"identifier\":\"label\",\"dataType\":\"STRING\",\"dataDefinition\":\"{\\\"maxLength\\\":4}\"}]}"},
      "a_array": {"dataType": "ARRAY", "dataDefinition": "{\"itemType\":\"DOUBLE\",\"itemDataDefinition\":\"{\\\"minimum\\\":0,\\\"maximum\\\":10}\",\"itemUnit\":{\"unitId\":\"A\",\"multiplier\":\"ONE\"}}"},
      "a_file":  {"dataType": "FILE"}
    },
    "measurepoints": {
      "p_int":   {"dataType": "INT", "signalType": "DI", "hasQuality": true},
      "p_float": {"dataType": "FLOAT", "signalType": "AI"},
      "p_double":{"dataType": "DOUBLE", "signalType": "PI", "unit": {"unitId": "Wh", "multiplier": "ONE"}},
      "p_enum":  {"dataType": "ENUM", "signalType": "DI", "dataDefinition": {"enumType": "INT", "enumDesc": {"1": {"defaultValue": "a"}, "2": {"defaultValue": "b"}}}},
      "p_bool":  {"dataType": "BOOL", "signalType": "DI"},
      "p_string":{"dataType": "STRING", "signalType": "Generic"},
      "p_date":  {"dataType": "DATE"},
      "p_ts":    {"dataType": "TIMESTAMP", "signalType": "Generic"},
      "p_struct":{"dataType": "STRUCT", "dataDefinition": {"allowAdditionalItem": true, "items": [{"identifier": "v", "dataType": "FLOAT"}]}},
      "p_array": {"dataType": "ARRAY", "dataDefinition": {"itemType": "STRING", "itemDataDefinition": "{\"maxLength\":3}"}},
      "p_file":  {"dataType": "FILE"}
    },
    "services": {
      "set_mode": {"identifier": "set_mode", "name": {"defaultValue": "Set mode"}, "desc": "switch mode", "callType": "SYNC",
        "inputData": [{"identifier": "mode", "dataType": "ENUM", "dataDefinition": "{\"enumType\":\"STRING\",\"enumDesc\":{\"eco\":{\"defaultValue\":\"Eco\"},\"max\":{\"defaultValue\":\"Max\"}}}", "isRequired": true},
                      {"identifier": "delay", "dataType": "INT", "dataDefinition": "{\"minimum\":0,\"maximum\":60}", "unit": {"unitId": "s", "multiplier": "ONE"}},
                      {"identifier": "when", "dataType": "DATE"},
                      {"identifier": "points", "dataType": "ARRAY", "dataDefinition": "{\"itemType\":\"INT\"}"}],
        "outputData": [{"identifier": "ok", "dataType": "BOOL"}]}
    },
    "events": {
      "overheat": {"identifier": "overheat", "eventType": "WARN",
        "outputData": [{"identifier": "temp", "dataType": "DOUBLE", "isRequired": true},
                       {"identifier": "at", "dataType": "TIMESTAMP"},
                       {"identifier": "note", "dataType": "STRING"},
                       {"identifier": "where", "dataType": "STRUCT", "dataDefinition": "{\"items\":[{\"identifier\":\"lat\",\"dataType\":\"FLOAT\"},{\"identifier\":\"file\",\"dataType\":\"FILE\"}]}"}]}
    }
  })");
}

inline ThingModel all_types_model() {
  std::string detail;
  auto m = from_api_json(all_types_api_json(), &detail);
  EXPECT_TRUE(m.has_value()) << detail;
  return m ? *m : ThingModel{};
}

}  // namespace gridhub::model::test
