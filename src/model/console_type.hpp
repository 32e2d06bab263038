// Internal to the model module: the type-specific keys of console objects (minimum/maximum, specsMap,
// maxLength, struct, innerType, unit...) <-> TypeSpec, and datapoint parameters <-> Field.
#pragma once
#include <boost/json/object.hpp>
#include <cstddef>
#include <string_view>
#include <vector>

#include "model/json_read.hpp"
#include "model/thing_model.hpp"

namespace gridhub::model {

// Reads the keys of type `t` from `o` into `out` (out.type = t). `depth` counts STRUCT/ARRAY nesting from 1.
[[nodiscard]] error_code parse_type_keys(const boost::json::object& o, DataType t, TypeSpec& out,
                                         const Where& w, std::size_t depth);
// A datapoint parameter: `$class` (datapoint family), identifier, name, required and the type keys.
[[nodiscard]] error_code parse_field(const boost::json::value& v, Field& out, const Where& w,
                                     std::size_t depth);
// The array under `key` (inputData/outputData) as fields; absent/null = none. Identifiers must be unique.
[[nodiscard]] error_code parse_fields(const boost::json::object& o, std::string_view key,
                                      std::vector<Field>& out, const Where& w, std::size_t depth);

// Writes the type keys of `s` (and its unit) into `o`.
void render_type_keys(const TypeSpec& s, boost::json::object& o);
// A datapoint object for a parameter or struct item.
boost::json::object render_field(const Field& f);

}  // namespace gridhub::model
