// Cursor text: base64url of {"v","q","s"}, decoded strictly so a damaged or foreign cursor is refused.
#include "api/cursor.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>

namespace gridhub::api {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool parse_hex64(std::string_view s, uint64_t& out) {
  if (s.size() != 16) return false;
  out = 0;
  for (char c : s) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (v < 0) return false;
    out = (out << 4) | static_cast<uint64_t>(v);
  }
  return true;
}

bool as_int64(const boost::json::value& v, int64_t& out) {
  if (v.is_int64()) {
    out = v.get_int64();
    return true;
  }
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    out = static_cast<int64_t>(v.get_uint64());
    return true;
  }
  return false;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 == 1) return false;
  out.clear();
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = sextet(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // The bits left over must be zero, so each byte string has exactly one encoding.
  return (acc & ((1u << bits) - 1)) == 0;
}

std::string encode_cursor(const Cursor& cursor) {
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(cursor.query_hash));
  boost::json::array series;
  series.reserve(cursor.entries.size());
  for (const auto& e : cursor.entries) series.push_back(boost::json::array{e.series, e.resume_ms});
  boost::json::object o{{"v", kCursorVersion}, {"q", hash}, {"s", std::move(series)}};
  return base64url_encode(boost::json::serialize(o));
}

bool decode_cursor(std::string_view text, std::size_t max_entries, Cursor& out, std::string& why) {
  const auto refuse = [&](std::string_view reason) {
    why = std::string(reason);
    return false;
  };
  if (text.empty()) return refuse("is empty");
  if (text.size() > kMaxCursorBytes)
    return refuse("is longer than " + std::to_string(kMaxCursorBytes) + " bytes");
  std::string json;
  if (!base64url_decode(text, json)) return refuse("is not base64url");
  boost::json::parse_options opts;
  opts.max_depth = 4;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(json, ec, {}, opts);
  const auto* o = ec ? nullptr : v.if_object();
  if (!o || o->size() != 3) return refuse("is not a cursor of this API");
  const auto* version = o->if_contains("v");
  int64_t ver = 0;
  if (!version || !as_int64(*version, ver)) return refuse("is not a cursor of this API");
  if (ver != kCursorVersion) return refuse("has an unknown version");
  const auto* q = o->if_contains("q");
  const auto* s = o->if_contains("s");
  Cursor c;
  if (!q || !q->is_string() || !parse_hex64(q->get_string(), c.query_hash) || !s || !s->is_array())
    return refuse("is not a cursor of this API");
  const auto& entries = s->get_array();
  if (entries.empty()) return refuse("has no series");
  if (entries.size() > max_entries) return refuse("has more series than the query");
  c.entries.reserve(entries.size());
  for (const auto& item : entries) {
    const auto* pair = item.if_array();
    int64_t series = 0, resume = 0;
    if (!pair || pair->size() != 2 || !as_int64((*pair)[0], series) || !as_int64((*pair)[1], resume) ||
        series < 0 || series > UINT32_MAX)
      return refuse("has a malformed series entry");
    if (!c.entries.empty() && static_cast<uint64_t>(series) <= c.entries.back().series)
      return refuse("lists its series out of order");
    c.entries.push_back({static_cast<uint32_t>(series), resume});
  }
  out = std::move(c);
  return true;
}

void QueryHash::bytes(const void* p, std::size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) {
    h_ ^= b[i];
    h_ *= 1099511628211ULL;
  }
}

QueryHash& QueryHash::add(std::string_view field) {
  // Length first, so ("ab","c") and ("a","bc") differ.
  add(static_cast<int64_t>(field.size()));
  bytes(field.data(), field.size());
  return *this;
}

QueryHash& QueryHash::add(int64_t field) {
  unsigned char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(static_cast<uint64_t>(field) >> (8 * i));
  bytes(b, sizeof b);
  return *this;
}

}  // namespace gridhub::api
