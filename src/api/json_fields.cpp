// Request body parsing and typed field reads with messages that name the field.
#include "api/json_fields.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <limits>

#include "api/limits.hpp"
#include "json/parse.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool tag_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '/';
}

std::string_view kind_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

}  // namespace

std::string_view strip_bom(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

bool parse_body_object(std::string_view body, boost::json::object& out, std::string& message) {
  body = strip_bom(body);
  std::size_t i = 0;
  while (i < body.size() && is_space(body[i])) ++i;
  if (i == body.size()) {
    out = {};
    return true;
  }
  boost::json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = gridhub::json::parse_finite(body, ec, opts);
  if (ec) {
    message = ec == boost::json::error::too_deep
                  ? "request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"
                  : "request body is not valid JSON: " + ec.message();
    return false;
  }
  if (!v.is_object()) {
    message = "request body must be a JSON object";
    return false;
  }
  out = std::move(v.get_object());
  return true;
}

bool FieldReader::fail(std::string_view key, std::string_view what) {
  if (error_.empty()) {
    error_.append(prefix_).append(key).append(" ").append(what);
  }
  return false;
}

bool FieldReader::has(std::string_view key) const {
  const auto* v = o_.if_contains(key);
  return v && !v->is_null();
}

const boost::json::value* FieldReader::find(std::string_view key, bool required) {
  const auto* v = o_.if_contains(key);
  if (!v || v->is_null()) {
    if (required) fail(key, "is required");
    return nullptr;
  }
  return v;
}

bool FieldReader::string(std::string_view key, std::string& out, bool required, std::size_t max_bytes) {
  const auto* v = find(key, required);
  if (!v) return !required;
  if (!v->is_string()) return fail(key, std::string("must be a string, not ").append(kind_name(*v)));
  const auto& s = v->get_string();
  if (required && s.empty()) return fail(key, "must not be empty");
  if (s.size() > max_bytes) return fail(key, "is longer than " + std::to_string(max_bytes) + " bytes");
  out.assign(s.data(), s.size());
  return true;
}

bool FieldReader::boolean(std::string_view key, bool& out) {
  const auto* v = find(key, false);
  if (!v) return true;
  if (!v->is_bool()) return fail(key, std::string("must be true or false, not ").append(kind_name(*v)));
  out = v->get_bool();
  return true;
}

bool FieldReader::integer(std::string_view key, int& out, int min, int max) {
  const auto* v = find(key, false);
  if (!v) return true;
  // uint64 is above any int bound: it lands in the range message like a too-large int64.
  const int64_t n = v->is_int64() ? v->get_int64() : v->is_uint64() ? std::numeric_limits<int64_t>::max() : 0;
  if ((!v->is_int64() && !v->is_uint64()) || n < min || n > max)
    return fail(key, "must be an integer " + std::to_string(min) + ".." + std::to_string(max));
  out = static_cast<int>(n);
  return true;
}

bool FieldReader::one_of(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed,
                         bool required) {
  std::string s;
  if (!string(key, s, required, 64)) return false;
  if (!has(key)) return true;
  for (auto a : allowed)
    if (s == a) {
      out = std::move(s);
      return true;
    }
  std::string what = "must be one of";
  for (auto a : allowed) what.append(" \"").append(a).append("\"");
  return fail(key, what);
}

bool FieldReader::i18n(std::string_view key, boost::json::object& out, bool required) {
  const auto* v = find(key, required);
  if (!v) return !required;
  const std::size_t max = registry::kMaxNameBytes;
  if (const auto* s = v->if_string()) {
    if (s->empty()) return fail(key, "must not be empty");
    if (s->size() > max) return fail(key, "is longer than " + std::to_string(max) + " bytes");
    out = {{"defaultValue", *s}, {"i18nValue", boost::json::object{}}};
    return true;
  }
  const auto* o = v->if_object();
  if (!o) return fail(key, "must be a string or {\"defaultValue\":...,\"i18nValue\":{...}}");
  const auto* def = o->if_contains("defaultValue");
  if (!def || !def->is_string() || def->get_string().empty())
    return fail(key, ".defaultValue must be a non-empty string");
  if (def->get_string().size() > max) return fail(key, ".defaultValue is longer than " + std::to_string(max) + " bytes");
  boost::json::object values;
  if (const auto* i18n = o->if_contains("i18nValue"); i18n && !i18n->is_null()) {
    const auto* io = i18n->if_object();
    if (!io) return fail(key, ".i18nValue must be an object");
    if (io->size() > registry::kMaxNameLocales)
      return fail(key, ".i18nValue has more than " + std::to_string(registry::kMaxNameLocales) + " locales");
    for (const auto& kv : *io) {
      if (!kv.value().is_string()) return fail(key, ".i18nValue." + std::string(kv.key()) + " must be a string");
      if (kv.key().empty() || kv.key().size() > 16) return fail(key, ".i18nValue has an invalid locale name");
      if (kv.value().get_string().size() > max)
        return fail(key, ".i18nValue." + std::string(kv.key()) + " is longer than " + std::to_string(max) + " bytes");
      values.emplace(kv.key(), kv.value());
    }
  }
  out = {{"defaultValue", *def}, {"i18nValue", std::move(values)}};
  return true;
}

bool FieldReader::tags(std::string_view key, boost::json::object& out) {
  const auto* v = find(key, false);
  if (!v) return true;
  const auto* o = v->if_object();
  if (!o) return fail(key, std::string("must be an object of strings, not ").append(kind_name(*v)));
  if (o->size() > registry::kMaxTags)
    return fail(key, "has more than " + std::to_string(registry::kMaxTags) + " tags");
  for (const auto& kv : *o) {
    const std::string k(kv.key());
    if (k.empty() || k.size() > registry::kMaxTagKeyLength)
      return fail(key, "key \"" + k + "\" must be 1.." + std::to_string(registry::kMaxTagKeyLength) + " characters");
    for (char c : k)
      if (!tag_key_char(c)) return fail(key, "key \"" + k + "\" may only use letters, digits, _ - /");
    const auto* s = kv.value().if_string();
    if (!s) return fail(key, "." + k + " must be a string");
    if (s->size() > registry::kMaxTagValueLength)
      return fail(key, "." + k + " is longer than " + std::to_string(registry::kMaxTagValueLength) + " characters");
    if (!s->empty() && (is_space(s->front()) || is_space(s->back())))
      return fail(key, "." + k + " must not start or end with whitespace");
  }
  out = *o;
  return true;
}

bool FieldReader::object(std::string_view key, const boost::json::object*& out, bool required) {
  const auto* v = find(key, required);
  if (!v) return !required;
  out = v->if_object();
  if (!out) return fail(key, std::string("must be an object, not ").append(kind_name(*v)));
  return true;
}

bool FieldReader::string_list(std::string_view key, std::vector<std::string>& out, std::size_t max_items) {
  const auto* v = find(key, false);
  if (!v) return true;
  const auto* a = v->if_array();
  if (!a) return fail(key, std::string("must be an array of strings, not ").append(kind_name(*v)));
  if (a->size() > max_items) return fail(key, "has more than " + std::to_string(max_items) + " items");
  out.clear();
  out.reserve(a->size());
  for (const auto& item : *a) {
    const auto* s = item.if_string();
    if (!s) return fail(key, "must be an array of strings");
    out.emplace_back(s->data(), s->size());
  }
  return true;
}

bool query_bool(const Query& q, std::string_view name, bool& out, std::string& message) {
  const std::string* v = q.find(name);
  if (!v) return true;
  if (*v == "true") out = true;
  else if (*v == "false") out = false;
  else {
    message = std::string(name) + " must be true or false";
    return false;
  }
  return true;
}

bool read_page(const boost::json::object& body, registry::Page& page, std::string& message) {
  page.page_no = kDefaultPageNo;
  page.page_size = kDefaultPageSize;
  const auto* p = body.if_contains("pagination");
  if (!p || p->is_null()) return true;
  const auto* o = p->if_object();
  if (!o) {
    message = "pagination must be an object";
    return false;
  }
  auto read = [&](std::string_view key, int& out, int64_t max) {
    const auto* v = o->if_contains(key);
    if (!v || v->is_null()) return true;
    if (!v->is_int64() && !v->is_uint64()) {
      message = "pagination." + std::string(key) + " must be an integer";
      return false;
    }
    const int64_t value = v->is_int64() ? v->get_int64() : std::numeric_limits<int64_t>::max();
    if (value < 1 || value > max) {
      message = "pagination." + std::string(key) + " must be 1.." + std::to_string(max);
      return false;
    }
    out = static_cast<int>(value);
    return true;
  };
  return read("pageNo", page.page_no, 1'000'000'000) && read("pageSize", page.page_size, kMaxPageSize);
}

}  // namespace gridhub::api
