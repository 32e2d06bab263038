// Internal to the model module: a TypeSpec compiled for checking values on the hot path (effective bounds
// folded in, enum keys sorted, parameters indexed), and the value checks themselves.
// Every string_view points into the ThingModel the Validator owns; REQUIRES: that model outlives these.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/errc.hpp"
#include "model/thing_model.hpp"

namespace gridhub::model {

struct CompiledFields;

struct CompiledType {
  DataType type = DataType::Double;
  // INT/FLOAT/DOUBLE/TIMESTAMP: the model's bounds intersected with the type's own range.
  double lo = 0, hi = 0;
  bool lo_exclusive = false, hi_exclusive = false;
  std::size_t max_length = 0;  // STRING, in characters
  bool enum_int_keys = true;
  std::vector<std::int64_t> enum_ints;         // ENUM with integer keys, sorted
  std::vector<std::string_view> enum_strings;  // ENUM with string keys, sorted
  std::unique_ptr<CompiledFields> items;       // STRUCT
  bool allow_additional_items = false;         // STRUCT
  std::unique_ptr<CompiledType> array_item;    // ARRAY
};

struct CompiledField {
  std::string_view identifier;
  CompiledType type;
  bool required = false;
};

// Parameters of a service/event or items of a struct, with an index by identifier.
struct CompiledFields {
  std::vector<CompiledField> list;
  std::unordered_map<std::string_view, std::size_t> index;
  std::size_t required_count = 0;
};

CompiledType compile_type(const TypeSpec& spec);
CompiledFields compile_fields(const std::vector<Field>& fields);

// What went wrong, filled only on failure (so a passing check allocates nothing): `where` is the path below
// the element (" item [a] item [3]"), `reason` the end of the message ("type mismatch: expected INT").
struct CheckFailure {
  std::string where;
  std::string reason;
};

// Checks one value against its type (value rules: see validator.hpp). Returns errc{} (0) when it passes.
errc check_value(const CompiledType& t, const boost::json::value& v, CheckFailure& f);
// Checks an object of parameters/items: each key must be defined (unless allow_additional) and its value
// pass; every required one must be present. `noun` names them in messages ("parameter", "item").
errc check_fields(const CompiledFields& fields, bool allow_additional, const boost::json::object& o,
                  std::string_view noun, CheckFailure& f);
// "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss", a real calendar date and time of day.
bool is_valid_date(std::string_view s);

}  // namespace gridhub::model
