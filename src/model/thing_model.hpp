// The typed thing model (TSL): data types, element kinds, and the ThingModel that the console and API formats
// convert to and from. Each element keeps its console-dialect JSON object as the canonical form.
#pragma once
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::model {

enum class DataType : uint8_t {
  Int,
  Float,
  Double,
  Enum,
  Bool,
  String,
  Date,
  Timestamp,
  Struct,
  Array,
  File
};
enum class SignalType : uint8_t { AI, DI, PI, Generic };  // console "UNKNOWN" == Generic
enum class ElementKind : uint8_t { Attribute, Measurepoint, Service, Event };

// "INT", "FLOAT", ... as the model API writes them.
std::string_view to_string(DataType t);
// "AI", "DI", "PI", "Generic" (the console export writes Generic as "UNKNOWN").
std::string_view to_string(SignalType s);
// "attribute", "measurepoint", "service", "event" (used in messages).
std::string_view to_string(ElementKind k);
// Case-insensitive: "INT" and the standard element library's "int" both parse. nullopt when unknown.
std::optional<DataType> parse_data_type(std::string_view text);
// "AI"/"DI"/"PI", and "Generic" or "UNKNOWN" for Generic (case-insensitive). nullopt when unknown.
std::optional<SignalType> parse_signal_type(std::string_view text);

// StringI18n: {"defaultValue": "...", "i18nValue": {"en_US": "...", ...}}.
struct I18n {
  std::string default_value;
  std::map<std::string, std::string> values;
  bool operator==(const I18n&) const = default;
};

struct Unit {
  std::string unit_id;
  std::string multiplier = "ONE";
  bool operator==(const Unit&) const = default;
};

struct Field;

// A value's type: for attributes, points, service/event parameters, struct items and array items.
struct TypeSpec {
  DataType type = DataType::Double;
  // INT/FLOAT/DOUBLE/TIMESTAMP bounds as the model states them; absent = the type's own range.
  std::optional<double> minimum, maximum;
  bool exclusive_minimum = false, exclusive_maximum = false;
  std::optional<std::size_t> max_length;    // STRING (absent = kMaxStringLength)
  std::map<std::string, I18n> enum_values;  // ENUM: key -> label (console specsMap)
  bool enum_int_keys = true;                // ENUM: keys are integers (console valueType)
  std::string true_desc, false_desc;        // BOOL
  std::vector<Field> struct_items;          // STRUCT
  bool allow_additional_items = false;      // STRUCT
  std::shared_ptr<TypeSpec> array_item;     // ARRAY (console innerType); never null for ARRAY
  std::optional<Unit> unit;
};
// Deep comparison (array_item compared by value, not by pointer).
bool operator==(const TypeSpec& a, const TypeSpec& b);

struct Field {
  std::string identifier;
  I18n name;
  TypeSpec spec;
  bool required = false;
  bool operator==(const Field&) const = default;
};

struct Element {
  ElementKind kind = ElementKind::Attribute;
  std::string identifier;
  I18n name;
  std::string desc;
  TypeSpec spec;                                 // attributes + measure points
  SignalType signal_type = SignalType::Generic;  // measure points
  bool has_quality = false;                      // attributes + measure points
  bool required = false;                         // attributes + measure points
  std::vector<Field> input, output;              // services (input/output), events (output)
  std::string call_type;                         // services: "SYNC" | "ASYNC"
  std::string event_type;                        // events: "INFO" | "WARN" | "ERROR"
  // The canonical console-dialect object (round-trips unchanged). The typed fields above are a view parsed
  // from it: to change an element, change this object and parse it again (console_element.hpp).
  boost::json::object console;
};

struct ThingModel {
  std::string model_id;
  I18n name;
  std::string desc;
  std::string category;
  std::map<std::string, Element> attributes, measurepoints, services, events;  // keyed by identifier
  std::map<std::string, std::string> tags;
  bool allow_additional_attribute = false, allow_additional_measurepoint = false;
  std::string parent_model_id;  // inheritance ("" = none); parent elements are not copied here
  boost::json::object extra;    // top-level console keys we do not model (kept for export)

  // The element map of one kind.
  std::map<std::string, Element>& elements(ElementKind k);
  const std::map<std::string, Element>& elements(ElementKind k) const;
  // Attributes + measure points + services + events.
  std::size_t element_count() const;
};

inline constexpr ElementKind kAllElementKinds[] = {ElementKind::Attribute, ElementKind::Measurepoint,
                                                   ElementKind::Service, ElementKind::Event};

// True when both elements define the same thing: every typed field equal; the console objects are not
// compared (they may differ in keys the typed view does not read, e.g. createTime or priority).
bool same_definition(const Element& a, const Element& b);
// Same for whole models: model fields, tags, flags, parent and every element by same_definition; `extra`
// ignored.
bool same_definition(const ThingModel& a, const ThingModel& b);

}  // namespace gridhub::model
