// Console-dialect elements: `$class` names, console object -> typed Element, typed Element -> console object.
#include "model/console_element.hpp"

#include <array>

#include "model/console_type.hpp"

namespace gridhub::model {

namespace {

constexpr std::string_view kClassPrefix = "com.envisioniot.enos.model_service.share.data.tsl.";

// The type's word inside a class name: TSL<Word>Attribute.
constexpr std::array<std::string_view, 11> kClassWords = {
    "Int", "Float", "Double", "Enum", "Bool", "Text", "Date", "Timestamp", "Struct", "Array", "File"};

std::string_view package_of(ClassFamily f) {
  switch (f) {
    case ClassFamily::Attribute:
      return "attribute.TSL";
    case ClassFamily::Measurepoint:
      return "measurepoint.TSL";
    case ClassFamily::Datapoint:
      return "datapoint.TSL";
  }
  return "";
}

std::string_view suffix_of(ClassFamily f) {
  switch (f) {
    case ClassFamily::Attribute:
      return "Attribute";
    case ClassFamily::Measurepoint:
      return "Measurepoint";
    case ClassFamily::Datapoint:
      return "";
  }
  return "";
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (v == a) return true;
  }
  return false;
}

error_code parse_typed(ElementKind kind, const boost::json::object& obj, Element& out, const Where& w) {
  const ClassFamily family =
      kind == ElementKind::Attribute ? ClassFamily::Attribute : ClassFamily::Measurepoint;
  std::string cls;
  if (auto ec = read_string(obj, "$class", cls, w, true)) return ec;
  auto type = data_type_of_class(cls, family);
  if (!type)
    return w.fail(errc::unknown_class, "unknown $class \"" + cls + "\" for " + std::string(to_string(kind)) +
                                           " [" + out.identifier + "]");
  if (auto ec = parse_type_keys(obj, *type, out.spec, w, 1)) return ec;
  if (auto ec = read_bool(obj, "hasQuality", out.has_quality, w)) return ec;
  if (auto ec = read_bool(obj, "required", out.required, w)) return ec;
  if (kind == ElementKind::Measurepoint) {
    std::string signal;
    if (auto ec = read_string(obj, "signalType", signal, w)) return ec;
    if (!signal.empty()) {
      auto s = parse_signal_type(signal);
      if (!s) return w.fail(errc::invalid_value, "unknown signalType \"" + signal + "\"");
      out.signal_type = *s;
    }
  }
  return {};
}

}  // namespace

std::string console_class(ClassFamily family, DataType type) {
  std::string s(kClassPrefix);
  s.append(package_of(family));
  s.append(kClassWords[static_cast<std::size_t>(type)]);
  s.append(suffix_of(family));
  return s;
}

std::optional<DataType> data_type_of_class(std::string_view cls, ClassFamily family) {
  if (!cls.starts_with(kClassPrefix)) return std::nullopt;
  cls.remove_prefix(kClassPrefix.size());
  if (!cls.starts_with(package_of(family))) return std::nullopt;
  cls.remove_prefix(package_of(family).size());
  if (!cls.ends_with(suffix_of(family))) return std::nullopt;
  cls.remove_suffix(suffix_of(family).size());
  for (std::size_t i = 0; i < kClassWords.size(); ++i) {
    if (cls == kClassWords[i]) return static_cast<DataType>(i);
  }
  return std::nullopt;
}

error_code parse_console_element(ElementKind kind, boost::json::object obj, Element& out, const Where& w) {
  out = Element{};
  out.kind = kind;
  if (auto ec = read_string(obj, "identifier", out.identifier, w, true)) return ec;
  if (auto ec = check_identifier(out.identifier, w)) return ec;
  if (auto ec = read_i18n_key(obj, "name", out.name, w)) return ec;
  if (auto ec = read_string(obj, "desc", out.desc, w)) return ec;
  switch (kind) {
    case ElementKind::Attribute:
    case ElementKind::Measurepoint:
      if (auto ec = parse_typed(kind, obj, out, w)) return ec;
      break;
    case ElementKind::Service:
      out.call_type = "ASYNC";
      if (auto ec = read_string(obj, "callType", out.call_type, w)) return ec;
      if (!one_of(out.call_type, {"SYNC", "ASYNC"}))
        return w.fail(errc::invalid_value, "callType must be SYNC or ASYNC, not \"" + out.call_type + "\"");
      if (auto ec = parse_fields(obj, "inputData", out.input, w, 1)) return ec;
      if (auto ec = parse_fields(obj, "outputData", out.output, w, 1)) return ec;
      break;
    case ElementKind::Event:
      out.event_type = "INFO";
      if (auto ec = read_string(obj, "eventType", out.event_type, w)) return ec;
      if (auto ec = read_string(obj, "type", out.event_type, w)) return ec;  // the console's key wins
      if (!one_of(out.event_type, {"INFO", "WARN", "ERROR"}))
        return w.fail(errc::invalid_value,
                      "event type must be INFO, WARN or ERROR, not \"" + out.event_type + "\"");
      if (auto ec = parse_fields(obj, "outputData", out.output, w, 1)) return ec;
      break;
  }
  out.console = std::move(obj);
  return {};
}

boost::system::result<Element> parse_console_element(ElementKind kind, boost::json::object obj,
                                                     std::string* error_detail) {
  Element e;
  const Where w{std::string(to_string(kind)), error_detail};
  if (auto ec = parse_console_element(kind, std::move(obj), e, w)) return ec;
  return e;
}

boost::json::object render_console_element(const Element& e) {
  boost::json::object o;
  switch (e.kind) {
    case ElementKind::Attribute:
    case ElementKind::Measurepoint:
      render_type_keys(e.spec, o);
      if (e.kind == ElementKind::Measurepoint) {
        // The console writes Generic as UNKNOWN.
        o["signalType"] =
            e.signal_type == SignalType::Generic ? std::string_view("UNKNOWN") : to_string(e.signal_type);
      }
      o["hasQuality"] = e.has_quality;
      o["required"] = e.required;
      o["accessMode"] = true;
      break;
    case ElementKind::Service:
    case ElementKind::Event: {
      boost::json::array output;
      for (const Field& f : e.output) output.push_back(render_field(f));
      o["outputData"] = std::move(output);
      if (e.kind == ElementKind::Service) {
        boost::json::array input;
        for (const Field& f : e.input) input.push_back(render_field(f));
        o["inputData"] = std::move(input);
        o["required"] = false;
        o["callType"] = e.call_type.empty() ? std::string_view("ASYNC") : std::string_view(e.call_type);
      } else {
        o["type"] = e.event_type.empty() ? std::string_view("INFO") : std::string_view(e.event_type);
      }
      break;
    }
  }
  o["identifier"] = e.identifier;
  o["name"] = to_json(e.name);
  o["desc"] = e.desc;
  o["i18nDesc"] = to_json(I18n{e.desc, {}});
  o["tags"] = boost::json::object{{"tagMap", boost::json::object{}}};
  o["priority"] = 0;
  if (e.kind == ElementKind::Attribute || e.kind == ElementKind::Measurepoint) {
    o["$class"] = console_class(
        e.kind == ElementKind::Attribute ? ClassFamily::Attribute : ClassFamily::Measurepoint, e.spec.type);
  }
  return o;
}

}  // namespace gridhub::model
