// Import and export of whole thing models in the EnOS console format (model_<Name>.json; spec §7.2).
#pragma once
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "model/thing_model.hpp"

namespace gridhub::model {

// Parses a console export. A leading UTF-8 BOM is skipped. Each element's `$class` decides its type; each
// element keeps its object unchanged (ThingModel::extra keeps unmodelled top-level keys; `ou` is dropped).
// Gridhub extension: "parentThingModelId" (or an API-style "modelIdPath") names the parent model.
// Errors (with *error_detail naming the element and key): not JSON / larger than kMaxModelJsonBytes /
// deeper than kMaxJsonDepth (invalid_json), missing thingModelId or identifier (missing_key), a map key that
// differs from its element's identifier or an identifier outside 1..kMaxIdentifierLength characters
// (invalid_identifier), unknown $class (unknown_class), a key of the wrong type (wrong_type), more than
// kMaxElements elements (too_many_elements). Never throws on bad input.
[[nodiscard]] boost::system::result<ThingModel> import_console_json(std::string_view text,
                                                                    std::string* error_detail = nullptr);
// The same from an already parsed document.
[[nodiscard]] boost::system::result<ThingModel> import_console_json(const boost::json::object& doc,
                                                                    std::string* error_detail = nullptr);

// The console format of `m` as owned by OU `ou`: every element's console object as kept, the modelled
// top-level keys from the typed fields, then `extra`. Importing the result gives the same model back.
boost::json::object export_console_json(const ThingModel& m, std::string_view ou);

}  // namespace gridhub::model
