// Names of the model's enums, element maps by kind, and definition equality of typed models.
#include "model/thing_model.hpp"

#include <array>
#include <cctype>

namespace gridhub::model {

namespace {

constexpr std::array<std::string_view, 11> kDataTypeNames = {
    "INT", "FLOAT", "DOUBLE", "ENUM", "BOOL", "STRING", "DATE", "TIMESTAMP", "STRUCT", "ARRAY", "FILE"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(DataType t) { return kDataTypeNames[static_cast<std::size_t>(t)]; }

std::string_view to_string(SignalType s) {
  switch (s) {
    case SignalType::AI:
      return "AI";
    case SignalType::DI:
      return "DI";
    case SignalType::PI:
      return "PI";
    case SignalType::Generic:
      return "Generic";
  }
  return "Generic";
}

std::string_view to_string(ElementKind k) {
  switch (k) {
    case ElementKind::Attribute:
      return "attribute";
    case ElementKind::Measurepoint:
      return "measurepoint";
    case ElementKind::Service:
      return "service";
    case ElementKind::Event:
      return "event";
  }
  return "element";
}

std::optional<DataType> parse_data_type(std::string_view text) {
  for (std::size_t i = 0; i < kDataTypeNames.size(); ++i) {
    if (iequals(text, kDataTypeNames[i])) return static_cast<DataType>(i);
  }
  return std::nullopt;
}

std::optional<SignalType> parse_signal_type(std::string_view text) {
  if (iequals(text, "AI")) return SignalType::AI;
  if (iequals(text, "DI")) return SignalType::DI;
  if (iequals(text, "PI")) return SignalType::PI;
  if (iequals(text, "Generic") || iequals(text, "UNKNOWN")) return SignalType::Generic;
  return std::nullopt;
}

bool operator==(const TypeSpec& a, const TypeSpec& b) {
  if (a.type != b.type || a.minimum != b.minimum || a.maximum != b.maximum ||
      a.exclusive_minimum != b.exclusive_minimum || a.exclusive_maximum != b.exclusive_maximum ||
      a.max_length != b.max_length || a.enum_values != b.enum_values || a.enum_int_keys != b.enum_int_keys ||
      a.true_desc != b.true_desc || a.false_desc != b.false_desc ||
      a.allow_additional_items != b.allow_additional_items || a.unit != b.unit ||
      a.struct_items != b.struct_items) {
    return false;
  }
  if (!a.array_item || !b.array_item) return !a.array_item && !b.array_item;
  return *a.array_item == *b.array_item;
}

std::map<std::string, Element>& ThingModel::elements(ElementKind k) {
  switch (k) {
    case ElementKind::Attribute:
      return attributes;
    case ElementKind::Measurepoint:
      return measurepoints;
    case ElementKind::Service:
      return services;
    case ElementKind::Event:
      return events;
  }
  return attributes;
}

const std::map<std::string, Element>& ThingModel::elements(ElementKind k) const {
  return const_cast<ThingModel*>(this)->elements(k);
}

std::size_t ThingModel::element_count() const {
  return attributes.size() + measurepoints.size() + services.size() + events.size();
}

bool same_definition(const Element& a, const Element& b) {
  return a.kind == b.kind && a.identifier == b.identifier && a.name == b.name && a.desc == b.desc &&
         a.spec == b.spec && a.signal_type == b.signal_type && a.has_quality == b.has_quality &&
         a.required == b.required && a.input == b.input && a.output == b.output &&
         a.call_type == b.call_type && a.event_type == b.event_type;
}

bool same_definition(const ThingModel& a, const ThingModel& b) {
  if (a.model_id != b.model_id || !(a.name == b.name) || a.desc != b.desc || a.category != b.category ||
      a.tags != b.tags || a.allow_additional_attribute != b.allow_additional_attribute ||
      a.allow_additional_measurepoint != b.allow_additional_measurepoint ||
      a.parent_model_id != b.parent_model_id) {
    return false;
  }
  for (ElementKind k : kAllElementKinds) {
    const auto& ma = a.elements(k);
    const auto& mb = b.elements(k);
    if (ma.size() != mb.size()) return false;
    for (auto ia = ma.begin(), ib = mb.begin(); ia != ma.end(); ++ia, ++ib) {
      if (ia->first != ib->first || !same_definition(ia->second, ib->second)) return false;
    }
  }
  return true;
}

}  // namespace gridhub::model
