// Internal to the model module: typed reads of keys of a JSON object with one error message naming where in
// the document the fault is, and the JSON forms of I18n and Unit shared by the console and API formats.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model/errc.hpp"
#include "model/thing_model.hpp"

namespace gridhub::model {

using boost::system::error_code;

// A position in the document being parsed ("thingMeasurepointMap.voltage") and where the first error goes.
// Import is not a hot path, so paths are plain strings.
struct Where {
  std::string path;
  std::string* detail = nullptr;

  Where child(std::string_view key) const;
  Where index(std::size_t i) const;
  // Writes "<path>: <what>" to *detail (when given) and returns the code.
  error_code fail(errc e, std::string_view what) const;
};

// Each read leaves `out` unchanged when the key is absent or null (unless `required`: then
// errc::missing_key), and fails with errc::wrong_type when the key holds another JSON type.
error_code read_string(const boost::json::object& o, std::string_view key, std::string& out, const Where& w,
                       bool required = false);
error_code read_bool(const boost::json::object& o, std::string_view key, bool& out, const Where& w);
// A JSON number, or (allow_string) a string holding one as EnOS writes TIMESTAMP bounds ("" = absent).
error_code read_number(const boost::json::object& o, std::string_view key, std::optional<double>& out,
                       const Where& w, bool allow_string);
// An object of strings (tag maps), at most `limit` entries.
error_code read_string_map(const boost::json::object& o, std::string_view key,
                           std::map<std::string, std::string>& out, const Where& w, std::size_t limit);
// StringI18n object; a plain string is taken as its defaultValue.
error_code read_i18n(const boost::json::value& v, I18n& out, const Where& w);
error_code read_i18n_key(const boost::json::object& o, std::string_view key, I18n& out, const Where& w);
// {unitId, multiplier}; a plain string is taken as the unitId (standard element library style).
error_code read_unit(const boost::json::object& o, std::string_view key, std::optional<Unit>& out,
                     const Where& w);
// 1..kMaxIdentifierLength characters of [A-Za-z0-9_.-]: identifiers appear in MQTT topics and JSON keys.
error_code check_identifier(std::string_view id, const Where& w);

boost::json::object to_json(const I18n& v);
boost::json::object to_json(const Unit& u);
// A decimal int64 written as text (enum keys).
bool is_integer_text(std::string_view s);
// A JSON number as double (ints included); nullopt for other types.
std::optional<double> number_of(const boost::json::value& v);
// A bound as JSON: an integer when the double holds one exactly (INT bounds stay -2147483648), else a double.
boost::json::value number_to_json(double d);
// A bound as EnOS writes TIMESTAMP bounds: a decimal string.
std::string number_to_string(double d);

}  // namespace gridhub::model
