// One element in the console dialect (an entry of thingAttributeMap/...Map, or a datapoint parameter):
// `$class` names <-> DataType, console object -> typed Element, typed Element -> console object.
#pragma once
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "model/json_read.hpp"
#include "model/thing_model.hpp"

namespace gridhub::model {

// The three Java packages of `$class`: attribute.TSL<T>Attribute, measurepoint.TSL<T>Measurepoint,
// datapoint.TSL<T> (service/event parameters, struct items, array inner types).
enum class ClassFamily : uint8_t { Attribute, Measurepoint, Datapoint };

// "com.envisioniot.enos.model_service.share.data.tsl.measurepoint.TSLIntMeasurepoint" for (Measurepoint,
// Int). STRING is spelled "Text" (TSLTextAttribute).
std::string console_class(ClassFamily family, DataType type);
// The inverse; nullopt when `cls` is not a class of that family.
std::optional<DataType> data_type_of_class(std::string_view cls, ClassFamily family);

// Parses a console element object of `kind` into a typed Element that keeps `obj` as its console form.
// Fails with a message naming the element on a missing identifier, an unknown $class or a key of the wrong
// type.
[[nodiscard]] boost::system::result<Element> parse_console_element(ElementKind kind, boost::json::object obj,
                                                                   std::string* error_detail = nullptr);
// The same with the location (e.g. "thingMeasurepointMap.voltage") used in the message.
[[nodiscard]] error_code parse_console_element(ElementKind kind, boost::json::object obj, Element& out,
                                               const Where& where);

// A console object for the typed fields of `e` (right $class, type keys, parameters); `e.console` is ignored.
// Keys the typed view does not hold (defaultValue, tags, createTime) are not written.
boost::json::object render_console_element(const Element& e);

}  // namespace gridhub::model
