// Envelope parsing (Boost.JSON, error_code overloads only: the payloads come from devices) and writing
// (hand-assembled so the key order and the id/code types are exactly what the SDKs expect).
#include "enos/envelope.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <charconv>
#include <climits>
#include <cmath>

#include "enos/json_escape.hpp"
#include "enos/limits.hpp"
#include "json/parse.hpp"

namespace gridhub::enos {

namespace {

bool only_whitespace(std::string_view s) noexcept {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}

// The payload as a JSON object, or the enos error a device gets for it.
boost::system::result<boost::json::object> parse_object(std::string_view payload) {
  if (payload.size() > kMaxPayloadSize) return errc::too_large;
  if (only_whitespace(payload)) return errc::empty_payload;
  boost::json::parse_options opt;
  opt.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = gridhub::json::parse_finite(payload, ec, opt);
  if (ec || !v.is_object()) return errc::bad_json;
  return std::move(v.get_object());
}

template <typename Int>
void append_integer(Int n, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

std::string id_text(const boost::json::value* id) {
  std::string out;
  if (!id) return out;
  switch (id->kind()) {
    case boost::json::kind::string:
      out.assign(id->get_string().data(), id->get_string().size());
      break;
    case boost::json::kind::int64:
      append_integer(id->get_int64(), out);
      break;
    case boost::json::kind::uint64:
      append_integer(id->get_uint64(), out);
      break;
    case boost::json::kind::double_: {
      // A parser reads 17.0 or 1e3 as a double; the SDK's id is still the integer.
      const double d = id->get_double();
      if (std::trunc(d) == d && std::fabs(d) < 9.2e18)
        append_integer(static_cast<int64_t>(d), out);
      else
        out = boost::json::serialize(*id);
      break;
    }
    default:
      break;
  }
  return out;
}

std::string string_or_empty(const boost::json::value* v) {
  if (!v || !v->is_string()) return {};
  return std::string(v->get_string().data(), v->get_string().size());
}

boost::json::value take(boost::json::object& obj, std::string_view key) {
  auto* v = obj.if_contains(key);
  return v ? std::move(*v) : boost::json::value();
}

// Python sends "" for an unset flag (spec §2).
bool flag(const boost::json::value* v) noexcept {
  if (!v) return false;
  if (v->is_bool()) return v->get_bool();
  if (!v->is_string()) return false;
  const auto& s = v->get_string();
  return s.size() == 4 && (s[0] | 0x20) == 't' && (s[1] | 0x20) == 'r' && (s[2] | 0x20) == 'u' &&
         (s[3] | 0x20) == 'e';
}

bool reply_code(const boost::json::value* v, int& code) noexcept {
  if (!v) return false;
  switch (v->kind()) {
    case boost::json::kind::int64:
      if (v->get_int64() < INT_MIN || v->get_int64() > INT_MAX) return false;
      code = static_cast<int>(v->get_int64());
      return true;
    case boost::json::kind::uint64:
      if (v->get_uint64() > static_cast<uint64_t>(INT_MAX)) return false;
      code = static_cast<int>(v->get_uint64());
      return true;
    case boost::json::kind::double_: {
      const double d = v->get_double();
      if (std::trunc(d) != d || d < INT_MIN || d > INT_MAX) return false;
      code = static_cast<int>(d);
      return true;
    }
    case boost::json::kind::string: {
      const auto& s = v->get_string();
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), code);
      return !s.empty() && ec == std::errc() && end == s.data() + s.size();
    }
    default:
      return false;
  }
}

void append_json_value(const boost::json::value& v, std::string& out) {
  boost::json::serializer sr;
  sr.reset(&v);
  char buf[1024];
  while (!sr.done()) {
    auto chunk = sr.read(buf, sizeof buf);
    out.append(chunk.data(), chunk.size());
  }
}

// Everything of a reply up to and including `"data":`.
void append_reply_head(std::string_view id, int code, std::string_view message, std::string& out) {
  out.append("{\"id\":");
  append_json_string(id, out);
  out.append(",\"code\":");
  append_integer(code, out);
  out.append(",\"message\":");
  append_json_string(message, out);
  out.append(",\"data\":");
}

}  // namespace

boost::system::result<Request> parse_request(std::string_view payload) {
  auto obj = parse_object(payload);
  if (!obj) return obj.error();
  Request req;
  req.id = id_text(obj->if_contains("id"));
  req.method = string_or_empty(obj->if_contains("method"));
  req.version = string_or_empty(obj->if_contains("version"));
  req.params = take(*obj, "params");
  req.allow_offline_sub_device = flag(obj->if_contains("allowOfflineSubDevice"));
  req.skip_invalid_measurepoints = flag(obj->if_contains("skipInvalidMeasurepoints"));
  return req;
}

boost::system::result<Reply> parse_reply(std::string_view payload) {
  auto obj = parse_object(payload);
  if (!obj) return obj.error();
  Reply reply;
  if (!reply_code(obj->if_contains("code"), reply.code)) return errc::bad_reply_code;
  reply.id = id_text(obj->if_contains("id"));
  reply.message = string_or_empty(obj->if_contains("message"));
  reply.data = take(*obj, "data");
  return reply;
}

void append_reply(std::string_view id, int code, std::string_view message, std::string_view data_json,
                  std::string& out) {
  out.reserve(out.size() + 48 + id.size() + message.size() + data_json.size());
  append_reply_head(id, code, message, out);
  out.append(data_json.empty() ? std::string_view("null") : data_json);
  out.push_back('}');
}

std::string make_reply(std::string_view id, int code, std::string_view message,
                       const boost::json::value& data) {
  std::string out;
  out.reserve(64 + id.size() + message.size());
  append_reply_head(id, code, message, out);
  append_json_value(data, out);
  out.push_back('}');
  return out;
}

std::string make_command(std::string_view id, std::string_view method, const boost::json::value& params) {
  std::string out;
  out.reserve(64 + id.size() + method.size());
  out.append("{\"id\":");
  append_json_string(id, out);
  out.append(",\"version\":\"1.0\",\"method\":");
  append_json_string(method, out);
  out.append(",\"params\":");
  append_json_value(params, out);
  out.push_back('}');
  return out;
}

}  // namespace gridhub::enos
