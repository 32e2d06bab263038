// Internal to the model module: the API format's value types (dataType, dataDefinition string, unit) and
// parameter lists, to and from TypeSpec / Field.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <string_view>
#include <vector>

#include "model/json_read.hpp"
#include "model/thing_model.hpp"

namespace gridhub::model {

// Writes dataType, dataDefinition (JSON string or null) and unit (object or null) of `s` into `o`.
void type_to_api(const TypeSpec& s, boost::json::object& o);
// {identifier, name, dataType, dataDefinition, unit, <required_key>} ("isRequired"; struct items "required").
boost::json::object param_to_api(const Field& f, std::string_view required_key);
boost::json::array params_to_api(const std::vector<Field>& fields);

// Reads dataType (case-insensitive), dataDefinition (string, object or null) and unit. `depth` counts
// STRUCT/ARRAY nesting from 1 (kMaxTypeDepth).
[[nodiscard]] error_code type_from_api(const boost::json::object& o, TypeSpec& out, const Where& w,
                                       std::size_t depth);
// The array under `key` as parameters (at most `limit`, identifiers unique); absent/null = none.
[[nodiscard]] error_code params_from_api(const boost::json::object& o, std::string_view key,
                                         std::vector<Field>& out, std::size_t limit, const Where& w,
                                         std::size_t depth);

}  // namespace gridhub::model
