// Typed key reads with located error messages, and the JSON forms of I18n and Unit.
#include "model/json_read.hpp"

#include <boost/json/string.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "model/limits.hpp"

namespace gridhub::model {

namespace {

std::string_view sv(const boost::json::string& s) { return {s.data(), s.size()}; }

std::string quoted(std::string_view key) {
  std::string s;
  s.reserve(key.size() + 2);
  s.push_back('"');
  s.append(key);
  s.push_back('"');
  return s;
}

// Absent and null both mean "not given" in EnOS documents.
const boost::json::value* present(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return (v && !v->is_null()) ? v : nullptr;
}

}  // namespace

Where Where::child(std::string_view key) const {
  Where w{path, detail};
  if (!w.path.empty()) w.path.push_back('.');
  w.path.append(key);
  return w;
}

Where Where::index(std::size_t i) const {
  Where w{path, detail};
  w.path.push_back('[');
  w.path.append(std::to_string(i));
  w.path.push_back(']');
  return w;
}

error_code Where::fail(errc e, std::string_view what) const {
  if (detail) {
    detail->assign(path);
    if (!path.empty()) detail->append(": ");
    detail->append(what);
  }
  return make_error_code(e);
}

error_code read_string(const boost::json::object& o, std::string_view key, std::string& out, const Where& w,
                       bool required) {
  const boost::json::value* v = present(o, key);
  if (!v) return required ? w.fail(errc::missing_key, "missing " + quoted(key)) : error_code{};
  const boost::json::string* s = v->if_string();
  if (!s) return w.fail(errc::wrong_type, quoted(key) + " must be a string");
  out.assign(s->data(), s->size());
  return {};
}

error_code read_bool(const boost::json::object& o, std::string_view key, bool& out, const Where& w) {
  const boost::json::value* v = present(o, key);
  if (!v) return {};
  if (!v->is_bool()) return w.fail(errc::wrong_type, quoted(key) + " must be true or false");
  out = v->get_bool();
  return {};
}

error_code read_number(const boost::json::object& o, std::string_view key, std::optional<double>& out,
                       const Where& w, bool allow_string) {
  const boost::json::value* v = present(o, key);
  if (!v) return {};
  if (auto d = number_of(*v)) {
    out = *d;
    return {};
  }
  const boost::json::string* s = v->if_string();
  if (!s || !allow_string) return w.fail(errc::wrong_type, quoted(key) + " must be a number");
  if (s->empty()) return {};
  double d = 0;
  const char* end = s->data() + s->size();
  auto [ptr, ec] = std::from_chars(s->data(), end, d);
  if (ec != std::errc{} || ptr != end || !std::isfinite(d))
    return w.fail(errc::invalid_value, quoted(key) + " must hold a number");
  out = d;
  return {};
}

error_code read_string_map(const boost::json::object& o, std::string_view key,
                           std::map<std::string, std::string>& out, const Where& w, std::size_t limit) {
  const boost::json::value* v = present(o, key);
  if (!v) return {};
  const boost::json::object* m = v->if_object();
  if (!m) return w.fail(errc::wrong_type, quoted(key) + " must be an object");
  if (m->size() > limit)
    return w.fail(errc::limit_exceeded, quoted(key) + " has more than " + std::to_string(limit) + " entries");
  for (const auto& kv : *m) {
    const boost::json::string* s = kv.value().if_string();
    if (!s) return w.child(key).fail(errc::wrong_type, quoted(kv.key()) + " must be a string");
    out.insert_or_assign(std::string(kv.key()), std::string(sv(*s)));
  }
  return {};
}

error_code read_i18n(const boost::json::value& v, I18n& out, const Where& w) {
  if (v.is_null()) return {};
  if (const boost::json::string* s = v.if_string()) {
    out.default_value.assign(s->data(), s->size());
    return {};
  }
  const boost::json::object* o = v.if_object();
  if (!o) return w.fail(errc::wrong_type, "must be an i18n object {defaultValue, i18nValue}");
  if (auto ec = read_string(*o, "defaultValue", out.default_value, w)) return ec;
  return read_string_map(*o, "i18nValue", out.values, w, std::numeric_limits<std::size_t>::max());
}

error_code read_i18n_key(const boost::json::object& o, std::string_view key, I18n& out, const Where& w) {
  const boost::json::value* v = o.if_contains(key);
  return v ? read_i18n(*v, out, w.child(key)) : error_code{};
}

error_code read_unit(const boost::json::object& o, std::string_view key, std::optional<Unit>& out,
                     const Where& w) {
  const boost::json::value* v = present(o, key);
  if (!v) return {};
  if (const boost::json::string* s = v->if_string()) {
    if (!s->empty()) out = Unit{std::string(sv(*s))};
    return {};
  }
  const boost::json::object* u = v->if_object();
  if (!u) return w.fail(errc::wrong_type, quoted(key) + " must be an object {unitId, multiplier}");
  Unit unit;
  const Where uw = w.child(key);
  if (auto ec = read_string(*u, "unitId", unit.unit_id, uw)) return ec;
  if (auto ec = read_string(*u, "multiplier", unit.multiplier, uw)) return ec;
  out = std::move(unit);
  return {};
}

error_code check_identifier(std::string_view id, const Where& w) {
  if (id.empty()) return w.fail(errc::invalid_identifier, "identifier is empty");
  if (id.size() > kMaxIdentifierLength) {
    return w.fail(errc::invalid_identifier,
                  "identifier longer than " + std::to_string(kMaxIdentifierLength) + " characters");
  }
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok)
      return w.fail(errc::invalid_identifier,
                    "identifier " + quoted(id) + " has a character outside [A-Za-z0-9_.-]");
  }
  return {};
}

boost::json::object to_json(const I18n& v) {
  boost::json::object values;
  for (const auto& [lang, text] : v.values) values.emplace(lang, text);
  boost::json::object o;
  o.emplace("defaultValue", v.default_value);
  o.emplace("i18nValue", std::move(values));
  return o;
}

boost::json::object to_json(const Unit& u) {
  boost::json::object o;
  o.emplace("unitId", u.unit_id);
  o.emplace("multiplier", u.multiplier);
  return o;
}

bool is_integer_text(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc{} && ptr == s.data() + s.size();
}

std::optional<double> number_of(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::int64:
      return static_cast<double>(v.get_int64());
    case boost::json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    case boost::json::kind::double_:
      return v.get_double();
    default:
      return std::nullopt;
  }
}

boost::json::value number_to_json(double d) {
  // 2^63 is exact in double; [-2^63, 2^63) converts to int64 without overflow.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d >= -kTwo63 && d < kTwo63 && std::trunc(d) == d) return static_cast<std::int64_t>(d);
  return d;
}

std::string number_to_string(double d) {
  boost::json::value v = number_to_json(d);
  if (v.is_int64()) return std::to_string(v.get_int64());
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc{} ? std::string(buf, ptr) : std::string("0");
}

}  // namespace gridhub::model
