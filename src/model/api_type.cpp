// The model API format's types: dataType + dataDefinition (a JSON string) + unit <-> TypeSpec, and the
// parameter lists of services, events and structs.
#include "model/api_type.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "json/parse.hpp"
#include "model/limits.hpp"

namespace gridhub::model {

namespace {

bool is_ranged(DataType t) {
  return t == DataType::Int || t == DataType::Float || t == DataType::Double || t == DataType::Timestamp;
}

boost::json::value unit_json(const std::optional<Unit>& u) {
  return u ? boost::json::value(to_json(*u)) : boost::json::value(nullptr);
}

// The dataDefinition object of a type, or null when the type has nothing to say beyond its dataType.
boost::json::value definition_of(const TypeSpec& s) {
  boost::json::object d;
  if (is_ranged(s.type)) {
    if (!s.minimum && !s.maximum && !s.exclusive_minimum && !s.exclusive_maximum) return nullptr;
    if (s.minimum) d["minimum"] = number_to_json(*s.minimum);
    if (s.maximum) d["maximum"] = number_to_json(*s.maximum);
    d["exclusiveMinimum"] = s.exclusive_minimum;
    d["exclusiveMaximum"] = s.exclusive_maximum;
    return d;
  }
  switch (s.type) {
    case DataType::Enum: {
      boost::json::object desc;
      for (const auto& [key, label] : s.enum_values) desc.emplace(key, to_json(label));
      d["enumType"] = s.enum_int_keys ? "INT" : "STRING";
      d["enumDesc"] = std::move(desc);
      return d;
    }
    case DataType::Bool:
      d["boolDesc"] = boost::json::object{{"true", to_json(I18n{s.true_desc, {}})},
                                          {"false", to_json(I18n{s.false_desc, {}})}};
      return d;
    case DataType::String:
      if (!s.max_length) return nullptr;
      d["maxLength"] = *s.max_length;
      return d;
    case DataType::Struct: {
      boost::json::array items;
      for (const Field& f : s.struct_items) items.push_back(param_to_api(f, "required"));
      d["items"] = std::move(items);
      d["allowAdditionalItem"] = s.allow_additional_items;
      return d;
    }
    case DataType::Array: {
      const TypeSpec inner = s.array_item ? *s.array_item : TypeSpec{};
      d["itemType"] = to_string(inner.type);
      boost::json::value idef = definition_of(inner);
      d["itemDataDefinition"] = idef.is_null() ? idef : boost::json::value(boost::json::serialize(idef));
      if (inner.unit) d["itemUnit"] = to_json(*inner.unit);
      return d;
    }
    default:
      return nullptr;
  }
}

error_code param_from_api(const boost::json::value& v, Field& out, const Where& w, std::size_t depth) {
  const boost::json::object* o = v.if_object();
  if (!o) return w.fail(errc::wrong_type, "a parameter must be an object");
  if (auto ec = read_string(*o, "identifier", out.identifier, w, true)) return ec;
  const Where fw{w.path + "(" + out.identifier + ")", w.detail};
  if (auto ec = check_identifier(out.identifier, fw)) return ec;
  if (auto ec = read_i18n_key(*o, "name", out.name, fw)) return ec;
  if (auto ec = read_bool(*o, "required", out.required, fw)) return ec;
  if (auto ec = read_bool(*o, "isRequired", out.required, fw)) return ec;
  return type_from_api(*o, out.spec, fw, depth);
}

// dataDefinition as the API sends it: a JSON string, an object, or null/absent.
error_code definition_from(const boost::json::value* v, boost::json::object& out, bool& present,
                           const Where& w) {
  present = false;
  if (!v || v->is_null()) return {};
  if (const boost::json::object* o = v->if_object()) {
    out = *o;
    present = true;
    return {};
  }
  const boost::json::string* s = v->if_string();
  if (!s) return w.fail(errc::wrong_type, "dataDefinition must be a JSON string, an object or null");
  if (s->empty()) return {};
  boost::json::parse_options opt;
  opt.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value parsed = gridhub::json::parse(std::string_view(s->data(), s->size()), ec, opt);
  if (ec) return w.fail(errc::invalid_json, "dataDefinition is not JSON: " + ec.message());
  if (parsed.is_null()) return {};
  if (!parsed.is_object()) return w.fail(errc::wrong_type, "dataDefinition must hold a JSON object");
  out = std::move(parsed.get_object());
  present = true;
  return {};
}

error_code enum_from_api(const boost::json::object& d, TypeSpec& out, const Where& w) {
  std::string enum_type;
  if (auto ec = read_string(d, "enumType", enum_type, w)) return ec;
  if (const boost::json::value* desc = d.if_contains("enumDesc"); desc && !desc->is_null()) {
    const boost::json::object* m = desc->if_object();
    if (!m) return w.fail(errc::wrong_type, "\"enumDesc\" must be an object");
    if (m->size() > kMaxEnumValues)
      return w.fail(errc::limit_exceeded, "more than " + std::to_string(kMaxEnumValues) + " enum values");
    for (const auto& kv : *m) {
      if (kv.key().empty()) return w.fail(errc::invalid_value, "empty enum key");
      I18n label;
      if (auto ec = read_i18n(kv.value(), label, w.child("enumDesc").child(kv.key()))) return ec;
      out.enum_values.emplace(std::string(kv.key()), std::move(label));
    }
  }
  if (enum_type == "INT" || enum_type == "int") {
    out.enum_int_keys = true;
  } else if (enum_type == "STRING" || enum_type == "string") {
    out.enum_int_keys = false;
  } else if (enum_type.empty()) {
    out.enum_int_keys = true;
    for (const auto& [key, label] : out.enum_values)
      out.enum_int_keys = out.enum_int_keys && is_integer_text(key);
  } else {
    return w.fail(errc::invalid_value, "enumType must be INT or STRING, not \"" + enum_type + "\"");
  }
  if (out.enum_int_keys) {
    for (const auto& [key, label] : out.enum_values) {
      if (!is_integer_text(key))
        return w.fail(errc::invalid_value, "enum key \"" + key + "\" is not an integer");
    }
  }
  return {};
}

error_code definition_keys(const boost::json::object& d, TypeSpec& out, const Where& w, std::size_t depth) {
  if (is_ranged(out.type)) {
    if (auto ec = read_number(d, "minimum", out.minimum, w, true)) return ec;
    if (auto ec = read_number(d, "maximum", out.maximum, w, true)) return ec;
    if (auto ec = read_bool(d, "exclusiveMinimum", out.exclusive_minimum, w)) return ec;
    if (auto ec = read_bool(d, "exclusiveMaximum", out.exclusive_maximum, w)) return ec;
    if (out.minimum && out.maximum && *out.minimum > *out.maximum)
      return w.fail(errc::invalid_value, "\"minimum\" is greater than \"maximum\"");
    return {};
  }
  switch (out.type) {
    case DataType::Enum:
      return enum_from_api(d, out, w);
    case DataType::Bool: {
      const boost::json::value* b = d.if_contains("boolDesc");
      if (!b || b->is_null()) return {};
      const boost::json::object* bo = b->if_object();
      if (!bo) return w.fail(errc::wrong_type, "\"boolDesc\" must be an object");
      I18n t, f;
      if (auto ec = read_i18n_key(*bo, "true", t, w.child("boolDesc"))) return ec;
      if (auto ec = read_i18n_key(*bo, "false", f, w.child("boolDesc"))) return ec;
      out.true_desc = std::move(t.default_value);
      out.false_desc = std::move(f.default_value);
      return {};
    }
    case DataType::String: {
      std::optional<double> len;
      if (auto ec = read_number(d, "maxLength", len, w, false)) return ec;
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
      if (auto ec = read_bool(d, "allowAdditionalItem", out.allow_additional_items, w)) return ec;
      return params_from_api(d, "items", out.struct_items, kMaxStructItems, w, depth + 1);
    case DataType::Array: {
      // The inner type is written like a parameter's type: itemType + itemDataDefinition + itemUnit.
      boost::json::object inner;
      if (const auto* t = d.if_contains("itemType")) inner["dataType"] = *t;
      if (const auto* t = d.if_contains("itemDataDefinition")) inner["dataDefinition"] = *t;
      if (const auto* t = d.if_contains("itemUnit")) inner["unit"] = *t;
      out.array_item = std::make_shared<TypeSpec>();
      return type_from_api(inner, *out.array_item, w.child("itemType"), depth + 1);
    }
    default:
      return {};
  }
}

}  // namespace

void type_to_api(const TypeSpec& s, boost::json::object& o) {
  o["dataType"] = to_string(s.type);
  boost::json::value d = definition_of(s);
  o["dataDefinition"] = d.is_null() ? d : boost::json::value(boost::json::serialize(d));
  o["unit"] = unit_json(s.unit);
}

boost::json::object param_to_api(const Field& f, std::string_view required_key) {
  boost::json::object o;
  o["identifier"] = f.identifier;
  o["name"] = to_json(f.name);
  type_to_api(f.spec, o);
  o[required_key] = f.required;
  return o;
}

boost::json::array params_to_api(const std::vector<Field>& fields) {
  boost::json::array a;
  for (const Field& f : fields) a.push_back(param_to_api(f, "isRequired"));
  return a;
}

error_code params_from_api(const boost::json::object& o, std::string_view key, std::vector<Field>& out,
                           std::size_t limit, const Where& w, std::size_t depth) {
  const boost::json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  const boost::json::array* a = v->if_array();
  if (!a) return w.fail(errc::wrong_type, "\"" + std::string(key) + "\" must be an array");
  if (a->size() > limit)
    return w.fail(errc::limit_exceeded,
                  "more than " + std::to_string(limit) + " entries in " + std::string(key));
  const Where aw = w.child(key);
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < a->size(); ++i) {
    Field f;
    if (auto ec = param_from_api((*a)[i], f, aw.index(i), depth)) return ec;
    if (!seen.insert(f.identifier).second)
      return aw.index(i).fail(errc::duplicate_identifier, "duplicate parameter \"" + f.identifier + "\"");
    out.push_back(std::move(f));
  }
  return {};
}

error_code type_from_api(const boost::json::object& o, TypeSpec& out, const Where& w, std::size_t depth) {
  if (depth > kMaxTypeDepth)
    return w.fail(errc::limit_exceeded, "types nested deeper than " + std::to_string(kMaxTypeDepth));
  std::string name;
  if (auto ec = read_string(o, "dataType", name, w, true)) return ec;
  auto type = parse_data_type(name);
  if (!type) return w.fail(errc::unknown_class, "unknown dataType \"" + name + "\"");
  out.type = *type;
  if (auto ec = read_unit(o, "unit", out.unit, w)) return ec;
  boost::json::object d;
  bool present = false;
  if (auto ec = definition_from(o.if_contains("dataDefinition"), d, present, w)) return ec;
  if (present) {
    if (auto ec = definition_keys(d, out, w.child("dataDefinition"), depth)) return ec;
  }
  if (out.type == DataType::Array && !out.array_item)
    return w.fail(errc::missing_key, "an ARRAY needs dataDefinition.itemType");
  return {};
}

}  // namespace gridhub::model
