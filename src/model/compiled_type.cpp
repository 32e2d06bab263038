// Compiling TypeSpecs for the validator and checking JSON values against them.
#include "model/compiled_type.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

#include "model/limits.hpp"

namespace gridhub::model {

namespace {

constexpr double kInt32Min = -2147483648.0;
constexpr double kInt32Max = 2147483647.0;

void fold_bounds(const TypeSpec& s, double type_lo, double type_hi, CompiledType& c) {
  c.lo = type_lo;
  c.hi = type_hi;
  if (s.minimum && *s.minimum >= type_lo) {
    c.lo = *s.minimum;
    c.lo_exclusive = s.exclusive_minimum;
  }
  if (s.maximum && *s.maximum <= type_hi) {
    c.hi = *s.maximum;
    c.hi_exclusive = s.exclusive_maximum;
  }
}

bool in_range(double x, const CompiledType& t) {
  if (x < t.lo || (t.lo_exclusive && x == t.lo)) return false;
  if (x > t.hi || (t.hi_exclusive && x == t.hi)) return false;
  return true;
}

errc mismatch(const CompiledType& t, CheckFailure& f) {
  f.reason = "type mismatch: expected ";
  f.reason.append(to_string(t.type));
  return errc::type_mismatch;
}

errc out_of_range(CheckFailure& f) {
  f.reason = "out of range";
  return errc::out_of_range;
}

// An integral JSON number as int64; false for doubles, other types and uint64 beyond int64.
bool integer_of(const boost::json::value& v, std::int64_t& out, bool& too_big) {
  too_big = false;
  if (v.is_int64()) {
    out = v.get_int64();
    return true;
  }
  if (v.is_uint64()) {
    too_big = true;
    return true;
  }
  return false;
}

// Characters of a UTF-8 string: bytes that do not continue a sequence.
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool digits(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  out = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

errc check_number(const CompiledType& t, const boost::json::value& v, CheckFailure& f) {
  double x = 0;
  if (v.is_double())
    x = v.get_double();
  else if (v.is_int64())
    x = static_cast<double>(v.get_int64());
  else if (v.is_uint64())
    x = static_cast<double>(v.get_uint64());
  else
    return mismatch(t, f);
  return in_range(x, t) ? errc{} : out_of_range(f);
}

errc check_integer(const CompiledType& t, const boost::json::value& v, CheckFailure& f) {
  std::int64_t i = 0;
  bool too_big = false;
  if (!integer_of(v, i, too_big)) return mismatch(t, f);
  if (too_big) return out_of_range(f);
  return in_range(static_cast<double>(i), t) ? errc{} : out_of_range(f);
}

errc check_enum(const CompiledType& t, const boost::json::value& v, CheckFailure& f) {
  bool found = false;
  if (t.enum_int_keys) {
    std::int64_t i = 0;
    bool too_big = false;
    if (!integer_of(v, i, too_big)) return mismatch(t, f);
    found = !too_big && std::binary_search(t.enum_ints.begin(), t.enum_ints.end(), i);
  } else {
    const boost::json::string* s = v.if_string();
    if (!s) return mismatch(t, f);
    found = std::binary_search(t.enum_strings.begin(), t.enum_strings.end(),
                               std::string_view(s->data(), s->size()));
  }
  if (found) return {};
  f.reason = "out of range: not one of the enum values";
  return errc::out_of_range;
}

}  // namespace

CompiledType compile_type(const TypeSpec& s) {
  CompiledType c;
  c.type = s.type;
  switch (s.type) {
    case DataType::Int:
      fold_bounds(s, kInt32Min, kInt32Max, c);
      break;
    case DataType::Float:
      fold_bounds(s, -kFloatMax, kFloatMax, c);
      break;
    case DataType::Double:
    case DataType::Timestamp:
      fold_bounds(s, std::numeric_limits<double>::lowest(), std::numeric_limits<double>::max(), c);
      break;
    case DataType::String:
      c.max_length = s.max_length.value_or(kMaxStringLength);
      break;
    case DataType::Enum:
      c.enum_int_keys = s.enum_int_keys;
      for (const auto& [key, label] : s.enum_values) {
        if (s.enum_int_keys) {
          std::int64_t v = 0;
          auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), v);
          if (ec == std::errc{} && ptr == key.data() + key.size()) c.enum_ints.push_back(v);
        } else {
          c.enum_strings.push_back(key);
        }
      }
      std::sort(c.enum_ints.begin(), c.enum_ints.end());
      std::sort(c.enum_strings.begin(), c.enum_strings.end());
      break;
    case DataType::Struct:
      c.items = std::make_unique<CompiledFields>(compile_fields(s.struct_items));
      c.allow_additional_items = s.allow_additional_items;
      break;
    case DataType::Array:
      c.array_item =
          std::make_unique<CompiledType>(s.array_item ? compile_type(*s.array_item) : CompiledType{});
      break;
    default:
      break;
  }
  return c;
}

CompiledFields compile_fields(const std::vector<Field>& fields) {
  CompiledFields out;
  out.list.reserve(fields.size());
  for (const Field& f : fields) {
    out.list.push_back(CompiledField{f.identifier, compile_type(f.spec), f.required});
    out.required_count += f.required;
  }
  // Indexed after the vector is complete: keys view the Fields' strings, which do not move.
  for (std::size_t i = 0; i < out.list.size(); ++i) out.index.emplace(out.list[i].identifier, i);
  return out;
}

bool is_valid_date(std::string_view s) {
  if (s.size() != 10 && s.size() != 19) return false;
  int y = 0, mo = 0, d = 0;
  if (!digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d))
    return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return false;
  if (s.size() == 10) return true;
  int h = 0, mi = 0, se = 0;
  if (s[10] != ' ' || !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, se))
    return false;
  return h <= 23 && mi <= 59 && se <= 59;
}

errc check_value(const CompiledType& t, const boost::json::value& v, CheckFailure& f) {
  if (v.is_null()) {
    f.reason = "value is null";
    return errc::null_value;
  }
  switch (t.type) {
    case DataType::Int:
    case DataType::Timestamp:
      return check_integer(t, v, f);
    case DataType::Float:
    case DataType::Double:
      return check_number(t, v, f);
    case DataType::Enum:
      return check_enum(t, v, f);
    case DataType::Bool: {
      if (v.is_bool()) return {};
      std::int64_t i = 0;
      bool too_big = false;
      if (integer_of(v, i, too_big) && !too_big && (i == 0 || i == 1)) return {};
      return mismatch(t, f);
    }
    case DataType::String: {
      const boost::json::string* s = v.if_string();
      if (!s) return mismatch(t, f);
      // Byte length bounds the character count from above: only long strings need counting.
      if (s->size() > t.max_length && utf8_length({s->data(), s->size()}) > t.max_length) {
        f.reason = "string longer than " + std::to_string(t.max_length) + " characters";
        return errc::too_long;
      }
      return {};
    }
    case DataType::Date: {
      const boost::json::string* s = v.if_string();
      if (s && is_valid_date({s->data(), s->size()})) return {};
      f.reason = "type mismatch: expected DATE (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss)";
      return errc::type_mismatch;
    }
    case DataType::File:
      return v.is_string() ? errc{} : mismatch(t, f);
    case DataType::Struct: {
      const boost::json::object* o = v.if_object();
      if (!o) return mismatch(t, f);
      return check_fields(*t.items, t.allow_additional_items, *o, "item", f);
    }
    case DataType::Array: {
      const boost::json::array* a = v.if_array();
      if (!a) return mismatch(t, f);
      if (a->size() > kMaxArrayItems) {
        f.reason = "more than " + std::to_string(kMaxArrayItems) + " array items";
        return errc::too_long;
      }
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (errc e = check_value(*t.array_item, (*a)[i], f); e != errc{}) {
          f.where.insert(0, " item [" + std::to_string(i) + "]");
          return e;
        }
      }
      return {};
    }
  }
  return mismatch(t, f);
}

errc check_fields(const CompiledFields& fields, bool allow_additional, const boost::json::object& o,
                  std::string_view noun, CheckFailure& f) {
  std::size_t required_seen = 0;
  for (const auto& kv : o) {
    const std::string_view key(kv.key().data(), kv.key().size());
    auto it = fields.index.find(key);
    if (it == fields.index.end()) {
      if (allow_additional) continue;
      f.reason = "unknown " + std::string(noun) + " [" + std::string(key) + "]";
      return errc::unknown_parameter;
    }
    const CompiledField& field = fields.list[it->second];
    if (errc e = check_value(field.type, kv.value(), f); e != errc{}) {
      f.where.insert(0, " " + std::string(noun) + " [" + std::string(field.identifier) + "]");
      return e;
    }
    required_seen += field.required;
  }
  if (required_seen < fields.required_count) {
    for (const CompiledField& field : fields.list) {
      if (field.required && !o.contains(field.identifier)) {
        f.reason = "missing " + std::string(noun) + " [" + std::string(field.identifier) + "]";
        return errc::missing_parameter;
      }
    }
  }
  return {};
}

}  // namespace gridhub::model
