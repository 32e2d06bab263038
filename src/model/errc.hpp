// The model module's error codes and their boost::system category: import/conversion failures and the
// reasons the validator refuses a value.
#pragma once
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <system_error>

namespace gridhub::model {

enum class errc {
  // --- importing a model (console or API format) ---
  // The text is not JSON, is nested deeper than kMaxJsonDepth or is larger than kMaxModelJsonBytes.
  invalid_json = 1,
  // A key the format requires is absent (e.g. thingModelId, $class, identifier).
  missing_key,
  // A key holds the wrong JSON type (e.g. "minimum": "abc", "hasQuality": 1).
  wrong_type,
  // `$class` (or `dataType`) names no type known for that kind of element.
  unknown_class,
  // A key has the right JSON type but a value outside its vocabulary (signalType "XY", minimum > maximum...).
  invalid_value,
  // An identifier is empty, longer than kMaxIdentifierLength or uses a character outside [A-Za-z0-9_.-],
  // or a map key differs from the identifier of the element it holds.
  invalid_identifier,
  // More elements than kMaxElements in one model (after inheritance too).
  too_many_elements,
  // Another bound of limits.hpp was passed (parameters, struct items, enum values, tags, type nesting).
  limit_exceeded,
  // Two elements (or parameters) share an identifier, e.g. a child model redefining an ancestor's element.
  duplicate_identifier,
  // The ancestors passed to resolve_inheritance repeat a model (the chain loops).
  inheritance_cycle,
  // --- validating a value ---
  // The measure point / attribute / event / service is not in the model (and the model is not open).
  unknown_element,
  // The value has the wrong JSON type for the element's data type.
  type_mismatch,
  // A number outside [minimum, maximum] (or the type's own range), or a value that is not an enum key.
  out_of_range,
  // A `{"value":v,"quality":q}` pair whose quality is not an integer.
  invalid_quality,
  // A required service/event parameter or struct item is absent.
  missing_parameter,
  // A parameter or struct item the model does not define.
  unknown_parameter,
  // The value is JSON null.
  null_value,
  // A string longer than its maxLength, or an array with more than kMaxArrayItems items.
  too_long,
};

const boost::system::error_category& model_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return boost::system::error_code(static_cast<int>(e), model_category());
}

}  // namespace gridhub::model

template <>
struct boost::system::is_error_code_enum<gridhub::model::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<gridhub::model::errc> : std::true_type {};
