// Turns a measure point's JSON value into the value the store keeps, typed by the model when it knows the point.
#pragma once
#include <boost/json/value.hpp>
#include <optional>

#include "model/validator.hpp"
#include "tsdb/value.hpp"

namespace gridhub::hub {

// `v` is a plain value or {"value": v, "quality": q}. `info` (may be null) decides numeric types: an INT point
// keeps an integer, FLOAT/DOUBLE points keep a double even when the device sent 3. Returns false when the value
// cannot be stored at all (null, or a quality form whose quality is not an integer).
bool to_sample_value(const boost::json::value& v, const model::PointInfo* info, tsdb::Value& out,
                     std::optional<int32_t>& quality);

// The JSON form of a stored value (for the API and replies).
boost::json::value to_json(const tsdb::Value& v);

}  // namespace gridhub::hub
