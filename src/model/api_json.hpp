// The EnOS model-service v2.1 "API format" of a thing model (modelId,
// attributes/measurepoints/services/events maps, upper-case dataType + dataDefinition as a JSON string), to
// and from the typed model.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>
#include <string>

#include "model/thing_model.hpp"

namespace gridhub::model {

// {"modelId","name":{i18n},"desc","category","modelIdPath":"/parent/model" (or "/model"),
//  "attributes":{id:{identifier,name,desc,dataType,dataDefinition,unit,isRequired,hasQuality,
//                    defaultValue?,tags}},
//  "measurepoints":{id:{...,signalType:"AI"|"DI"|"PI"|"Generic",hasQuality}},
//  "services":{id:{identifier,name,desc,callType,inputData:[param],outputData:[param],tags}},
//  "events":{id:{identifier,name,desc,eventType,outputData:[param],tags}}, "tags":{},
//  "allowAdditionalAttribute","allowAdditionalMeasurepoint"}
// param = {identifier,name,dataType,dataDefinition,unit,isRequired}.
// dataDefinition is a JSON string, or null when the dataType says it all:
//  ENUM      {"enumType":"INT"|"STRING","enumDesc":{key:{i18n}}}
//  BOOL      {"boolDesc":{"true":{i18n},"false":{i18n}}}
//  STRING    {"maxLength":n}
//  STRUCT    {"items":[param with "required"],"allowAdditionalItem":b}
//  ARRAY     {"itemType":"INT","itemDataDefinition":<string|null>,"itemUnit"?:{unit}}
//  INT/FLOAT/DOUBLE/TIMESTAMP {"minimum","maximum","exclusiveMinimum","exclusiveMaximum"} when bounded.
// defaultValue and element tags come from the element's console object.
boost::json::object to_api_json(const ThingModel& m);

// The inverse. Each element is converted to a console-dialect object (right $class, defaultValue, tags) and
// parsed back from it, so the result exports like an imported model. dataType is case-insensitive and
// dataDefinition may also be an object. Errors as import_console_json (missing modelId, unknown dataType,
// wrong key types, identifier and element limits); never throws on bad input.
[[nodiscard]] boost::system::result<ThingModel> from_api_json(const boost::json::value& v,
                                                              std::string* error_detail = nullptr);

}  // namespace gridhub::model
