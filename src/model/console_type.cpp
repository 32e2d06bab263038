// Console-dialect type keys <-> TypeSpec, and datapoint parameters <-> Field.
#include "model/console_type.hpp"

#include <boost/json/serialize.hpp>
#include <set>

#include "json/parse.hpp"
#include "model/console_element.hpp"
#include "model/limits.hpp"

namespace gridhub::model {

namespace {

bool is_ranged(DataType t) {
  return t == DataType::Int || t == DataType::Float || t == DataType::Double || t == DataType::Timestamp;
}

error_code parse_range(const boost::json::object& o, TypeSpec& out, const Where& w) {
  const bool as_string = out.type == DataType::Timestamp;  // EnOS writes TIMESTAMP bounds as strings
  if (auto ec = read_number(o, "minimum", out.minimum, w, as_string)) return ec;
  if (auto ec = read_number(o, "maximum", out.maximum, w, as_string)) return ec;
  if (auto ec = read_bool(o, "exclusiveMinimum", out.exclusive_minimum, w)) return ec;
  if (auto ec = read_bool(o, "exclusiveMaximum", out.exclusive_maximum, w)) return ec;
  if (out.minimum && out.maximum && *out.minimum > *out.maximum)
    return w.fail(errc::invalid_value, "\"minimum\" is greater than \"maximum\"");
  return {};
}

// An enum label: the console writes a StringI18n encoded as a JSON string; an object or a plain string is
// accepted as well.
error_code parse_label(const boost::json::value& v, I18n& out, const Where& w) {
  if (const boost::json::string* s = v.if_string()) {
    boost::system::error_code ec;
    boost::json::value inner = gridhub::json::parse(std::string_view(s->data(), s->size()), ec);
    if (!ec && inner.is_object()) return read_i18n(inner, out, w);
    out.default_value.assign(s->data(), s->size());
    return {};
  }
  return read_i18n(v, out, w);
}

error_code parse_enum(const boost::json::object& o, TypeSpec& out, const Where& w) {
  const boost::json::value* specs = o.if_contains("specsMap");
  if (specs && !specs->is_null()) {
    const boost::json::object* m = specs->if_object();
    if (!m) return w.fail(errc::wrong_type, "\"specsMap\" must be an object");
    if (m->size() > kMaxEnumValues)
      return w.fail(errc::limit_exceeded, "more than " + std::to_string(kMaxEnumValues) + " enum values");
    const Where sw = w.child("specsMap");
    for (const auto& kv : *m) {
      if (kv.key().empty()) return sw.fail(errc::invalid_value, "empty enum key");
      I18n label;
      if (auto ec = parse_label(kv.value(), label, sw.child(kv.key()))) return ec;
      out.enum_values.emplace(std::string(kv.key()), std::move(label));
    }
  }
  const boost::json::value* vt = o.if_contains("valueType");
  if (vt && !vt->is_null()) {
    if (!vt->is_bool()) return w.fail(errc::wrong_type, "\"valueType\" must be true or false");
    out.enum_int_keys = vt->get_bool();
  } else {
    out.enum_int_keys = true;  // inferred below: integer keys unless one key is not an integer
    for (const auto& [key, label] : out.enum_values)
      out.enum_int_keys = out.enum_int_keys && is_integer_text(key);
  }
  if (out.enum_int_keys) {
    for (const auto& [key, label] : out.enum_values) {
      if (!is_integer_text(key))
        return w.fail(errc::invalid_value,
                      "enum key \"" + key + "\" is not an integer but valueType is true");
    }
  }
  return {};
}

error_code parse_bool_label(const boost::json::object& o, std::string_view key, std::string& out,
                            const Where& w) {
  const boost::json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  I18n label;
  if (auto ec = read_i18n(*v, label, w.child(key))) return ec;
  out = std::move(label.default_value);
  return {};
}

error_code parse_struct(const boost::json::object& o, TypeSpec& out, const Where& w, std::size_t depth) {
  if (auto ec = read_bool(o, "allowAdditionalItem", out.allow_additional_items, w)) return ec;
  const boost::json::value* items = o.if_contains("struct");
  if (!items || items->is_null()) return {};
  const Where sw = w.child("struct");
  std::set<std::string, std::less<>> seen;
  auto add = [&](const boost::json::value& v, const Where& iw, std::string_view key) -> error_code {
    if (out.struct_items.size() >= kMaxStructItems)
      return w.fail(errc::limit_exceeded, "more than " + std::to_string(kMaxStructItems) + " struct items");
    Field f;
    if (auto ec = parse_field(v, f, iw, depth + 1)) return ec;
    if (!key.empty() && key != f.identifier)
      return iw.fail(errc::invalid_identifier, "key differs from identifier \"" + f.identifier + "\"");
    if (!seen.insert(f.identifier).second)
      return iw.fail(errc::duplicate_identifier, "duplicate struct item \"" + f.identifier + "\"");
    out.struct_items.push_back(std::move(f));
    return {};
  };
  if (const boost::json::object* m = items->if_object()) {
    for (const auto& kv : *m) {
      if (auto ec = add(kv.value(), sw.child(kv.key()), kv.key())) return ec;
    }
    return {};
  }
  if (const boost::json::array* a = items->if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (auto ec = add((*a)[i], sw.index(i), {})) return ec;
    }
    return {};
  }
  return w.fail(errc::wrong_type, "\"struct\" must be an object or an array");
}

// A datapoint's type: its `$class` and type keys (array inner types have no identifier).
error_code parse_datapoint_type(const boost::json::object& o, TypeSpec& out, const Where& w,
                                std::size_t depth) {
  std::string cls;
  if (auto ec = read_string(o, "$class", cls, w, true)) return ec;
  auto type = data_type_of_class(cls, ClassFamily::Datapoint);
  if (!type) return w.fail(errc::unknown_class, "unknown $class \"" + cls + "\" for a parameter");
  return parse_type_keys(o, *type, out, w, depth);
}

}  // namespace

error_code parse_type_keys(const boost::json::object& o, DataType t, TypeSpec& out, const Where& w,
                           std::size_t depth) {
  if (depth > kMaxTypeDepth)
    return w.fail(errc::limit_exceeded, "types nested deeper than " + std::to_string(kMaxTypeDepth));
  out.type = t;
  if (auto ec = read_unit(o, "unit", out.unit, w)) return ec;
  switch (t) {
    case DataType::Int:
    case DataType::Float:
    case DataType::Double:
    case DataType::Timestamp:
      return parse_range(o, out, w);
    case DataType::Enum:
      return parse_enum(o, out, w);
    case DataType::Bool: {
      if (auto ec = parse_bool_label(o, "trueDesc", out.true_desc, w)) return ec;
      return parse_bool_label(o, "falseDesc", out.false_desc, w);
    }
    case DataType::String: {
      std::optional<double> len;
      if (auto ec = read_number(o, "maxLength", len, w, false)) return ec;
      if (len) {
        if (!(*len >= 1 && *len <= static_cast<double>(kMaxStringLength)) ||
            static_cast<std::size_t>(*len) != *len)
          return w.fail(errc::invalid_value,
                        "\"maxLength\" must be an integer in 1.." + std::to_string(kMaxStringLength));
        out.max_length = static_cast<std::size_t>(*len);
      }
      return {};
    }
    case DataType::Struct:
      return parse_struct(o, out, w, depth);
    case DataType::Array: {
      const boost::json::value* inner = o.if_contains("innerType");
      if (!inner || inner->is_null()) return w.fail(errc::missing_key, "missing \"innerType\"");
      const boost::json::object* io = inner->if_object();
      if (!io) return w.fail(errc::wrong_type, "\"innerType\" must be an object");
      out.array_item = std::make_shared<TypeSpec>();
      return parse_datapoint_type(*io, *out.array_item, w.child("innerType"), depth + 1);
    }
    case DataType::Date:
    case DataType::File:
      return {};
  }
  return {};
}

error_code parse_field(const boost::json::value& v, Field& out, const Where& w, std::size_t depth) {
  const boost::json::object* o = v.if_object();
  if (!o) return w.fail(errc::wrong_type, "a parameter must be an object");
  if (auto ec = read_string(*o, "identifier", out.identifier, w, true)) return ec;
  const Where fw = w.path.empty() ? w : Where{w.path + "(" + out.identifier + ")", w.detail};
  if (auto ec = check_identifier(out.identifier, fw)) return ec;
  if (auto ec = read_i18n_key(*o, "name", out.name, fw)) return ec;
  if (auto ec = read_bool(*o, "required", out.required, fw)) return ec;
  return parse_datapoint_type(*o, out.spec, fw, depth);
}

error_code parse_fields(const boost::json::object& o, std::string_view key, std::vector<Field>& out,
                        const Where& w, std::size_t depth) {
  const boost::json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  const boost::json::array* a = v->if_array();
  if (!a) return w.fail(errc::wrong_type, "\"" + std::string(key) + "\" must be an array");
  if (a->size() > kMaxParameters)
    return w.fail(errc::limit_exceeded,
                  "more than " + std::to_string(kMaxParameters) + " parameters in " + std::string(key));
  const Where aw = w.child(key);
  out.reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    Field f;
    if (auto ec = parse_field((*a)[i], f, aw.index(i), depth)) return ec;
    for (const Field& prev : out) {
      if (prev.identifier == f.identifier)
        return aw.index(i).fail(errc::duplicate_identifier, "duplicate parameter \"" + f.identifier + "\"");
    }
    out.push_back(std::move(f));
  }
  return {};
}

void render_type_keys(const TypeSpec& s, boost::json::object& o) {
  if (is_ranged(s.type)) {
    auto bound = [&](double d) -> boost::json::value {
      if (s.type == DataType::Timestamp) return boost::json::value(number_to_string(d));
      if (s.type == DataType::Int) return number_to_json(d);
      return d;
    };
    if (s.minimum) o["minimum"] = bound(*s.minimum);
    if (s.maximum) o["maximum"] = bound(*s.maximum);
    o["exclusiveMinimum"] = s.exclusive_minimum;
    o["exclusiveMaximum"] = s.exclusive_maximum;
  }
  switch (s.type) {
    case DataType::Enum: {
      boost::json::object specs;
      for (const auto& [key, label] : s.enum_values)
        specs.emplace(key, boost::json::serialize(to_json(label)));
      o["specsMap"] = std::move(specs);
      o["valueType"] = s.enum_int_keys;
      break;
    }
    case DataType::Bool:
      o["trueDesc"] = s.true_desc;
      o["falseDesc"] = s.false_desc;
      break;
    case DataType::String:
      if (s.max_length) o["maxLength"] = *s.max_length;
      break;
    case DataType::Struct: {
      boost::json::object items;
      for (const Field& f : s.struct_items) items.emplace(f.identifier, render_field(f));
      o["struct"] = std::move(items);
      o["tslStructType"] = "COMMON";
      o["allowAdditionalItem"] = s.allow_additional_items;
      break;
    }
    case DataType::Array: {
      boost::json::object inner;
      if (s.array_item) render_type_keys(*s.array_item, inner);
      inner["$class"] =
          console_class(ClassFamily::Datapoint, s.array_item ? s.array_item->type : DataType::Double);
      o["innerType"] = std::move(inner);
      break;
    }
    default:
      break;
  }
  if (s.unit) o["unit"] = to_json(*s.unit);
}

boost::json::object render_field(const Field& f) {
  boost::json::object o;
  render_type_keys(f.spec, o);
  o["hasQuality"] = false;
  o["required"] = f.required;
  o["accessMode"] = true;
  o["identifier"] = f.identifier;
  o["name"] = to_json(f.name);
  o["desc"] = "";
  o["i18nDesc"] = to_json(I18n{});
  o["tags"] = boost::json::object{{"tagMap", boost::json::object{}}};
  o["priority"] = 0;
  o["$class"] = console_class(ClassFamily::Datapoint, f.spec.type);
  return o;
}

}  // namespace gridhub::model
