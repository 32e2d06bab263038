// Envelopes, request ids and the error -> (HTTP status, EnOS code) table.
#include "api/envelope.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <random>

#include "model/errc.hpp"
#include "registry/errc.hpp"
#include "tsdb/errc.hpp"

namespace gridhub::api {

namespace {

ErrorStatus map_api(errc e) {
  switch (e) {
    case errc::unauthorized: return {401, kCodeUnauthorized};
    case errc::forbidden: return {403, kCodeNoPermission};
    case errc::no_permission: return {403, kCodeNoPermission};
    case errc::too_many_attempts: return {429, kCodeTooManyRequests};
    case errc::not_found: return {404, kCodeNotFound};
    case errc::invalid_param:
    case errc::unknown_action: return {400, kCodeInvalidParam};
    case errc::method_not_allowed: return {405, kCodeMethodNotAllowed};
    case errc::body_too_large: return {413, kCodeInvalidParam};
    case errc::header_too_large: return {431, kCodeInvalidParam};
    case errc::model_in_use: return {409, kCodeInvalidParam};
    case errc::internal: return {500, kCodeInternal};
  }
  return {500, kCodeInternal};
}

ErrorStatus map_registry(registry::errc e, Subject subject) {
  using registry::errc;
  if (subject == Subject::StorageGroup &&
      (e == errc::already_exists || e == errc::in_use || e == errc::limit_exceeded))
    return {400, kCodeInvalidParam};
  switch (e) {
    case errc::not_found:
    case errc::org_not_found:
    case errc::product_not_found: return {404, kCodeNotFound};
    case errc::model_not_found: return {404, kCodeModelNotFound};
    case errc::already_exists:
      return subject == Subject::Device ? ErrorStatus{409, kCodeDeviceKeyExists} : ErrorStatus{409, kCodeInvalidParam};
    case errc::in_use:
      return subject == Subject::Product ? ErrorStatus{409, kCodeProductHasDevices}
                                         : ErrorStatus{409, kCodeInvalidParam};
    case errc::limit_exceeded:
      return subject == Subject::Device ? ErrorStatus{409, kCodeTooManyDevices} : ErrorStatus{409, kCodeInvalidParam};
    case errc::invalid_argument:
    case errc::inheritance_cycle: return {400, kCodeInvalidParam};
    case errc::key_generation_failed: return {500, kCodeKeyGenerationFailed};
    case errc::schema_too_new:
    case errc::storage_error: return {500, kCodeInternal};
  }
  return {500, kCodeInternal};
}

// Every model error reachable from the API comes from a document the caller sent (an import, an API-format
// model, a device attribute value): the caller's fault.
ErrorStatus map_model(model::errc) { return {400, kCodeInvalidParam}; }

// A message quotes what the caller sent (a method, a percent-decoded action or id), which may not be UTF-8;
// boost::json writes string bytes as they are, so each ill-formed sequence becomes U+FFFD to keep the answer
// valid JSON (found by fuzzing: docs/reliability.md).
std::string well_formed_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    bool ok = n != 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n >= 3) {  // no overlong forms, no surrogates, nothing above U+10FFFF
      const auto c = static_cast<unsigned char>(s[i + 1]);
      ok = !(b == 0xE0 && c < 0xA0) && !(b == 0xED && c > 0x9F) && !(b == 0xF0 && c < 0x90) && !(b == 0xF4 && c > 0x8F);
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

std::string envelope(int code, std::string_view msg, boost::json::value* data, const boost::json::object* pagination) {
  boost::json::object o;
  o.reserve(5);
  o.emplace("code", code);
  o.emplace("msg", well_formed_utf8(msg));
  o.emplace("requestId", new_request_id());
  if (data) o.emplace("data", std::move(*data));
  if (pagination) o.emplace("pagination", *pagination);
  return boost::json::serialize(o);
}

}  // namespace

ErrorStatus map_error(const boost::system::error_code& ec, Subject subject) {
  if (ec.category() == api_category()) return map_api(static_cast<errc>(ec.value()));
  if (ec.category() == registry::registry_category()) return map_registry(static_cast<registry::errc>(ec.value()), subject);
  if (ec.category() == model::model_category()) return map_model(static_cast<model::errc>(ec.value()));
  return {500, kCodeInternal};
}

std::string new_request_id() {
  // Request ids only correlate logs; a per-thread PRNG seeded from the OS is enough and never blocks.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t hi = rng(), lo = rng();
  unsigned char b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<unsigned char>(hi >> (8 * i));
    b[8 + i] = static_cast<unsigned char>(lo >> (8 * i));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return std::string(text, 36);
}

ApiResponse ok(boost::json::value data) { return {200, envelope(kCodeOk, "OK", &data, nullptr)}; }

ApiResponse service_answer(int code, std::string_view msg, boost::json::value data) {
  return {200, envelope(code, msg, &data, nullptr)};
}

ApiResponse ok_page(boost::json::value data, int page_no, int page_size, int64_t total_size) {
  boost::json::object pagination{{"pageNo", page_no}, {"pageSize", page_size}, {"totalSize", total_size}};
  return {200, envelope(kCodeOk, "OK", &data, &pagination)};
}

ApiResponse error(const boost::system::error_code& ec, Subject subject, std::string_view message) {
  const ErrorStatus s = map_error(ec, subject);
  const std::string fallback = message.empty() ? ec.message() : std::string();
  boost::json::value data;  // null: the key is there on errors too, as EnOS answers
  return {s.http_status, envelope(s.code, message.empty() ? std::string_view(fallback) : message, &data, nullptr)};
}

// ---- EnOS application credentials ----

ApiResponse token_service_ok(std::string_view access_token, int64_t expire_s) {
  boost::json::object data;
  data.emplace("accessToken", access_token);
  data.emplace("expire", expire_s);
  boost::json::object o;
  o.reserve(4);
  o.emplace("status", 0);
  o.emplace("msg", "Success");
  o.emplace("business", "0");
  o.emplace("data", std::move(data));
  return {200, boost::json::serialize(o)};
}

ApiResponse token_service_error(unsigned http_status, int code, std::string_view message) {
  boost::json::object o;
  o.emplace("status", code);
  o.emplace("msg", well_formed_utf8(message));
  return {http_status, boost::json::serialize(o)};
}

ApiResponse apim_refusal(int code, std::string_view message, unsigned http_status) {
  boost::json::object o;
  o.reserve(4);
  o.emplace("code", code);
  o.emplace("status", code);
  o.emplace("msg", well_formed_utf8(message));
  o.emplace("requestId", new_request_id());
  return {http_status, boost::json::serialize(o)};
}

// ---- TSDB data service v2.1 ----

namespace {

std::string tsdb_envelope(int code, std::string_view msg, boost::json::value data) {
  boost::json::object o;
  o.reserve(5);
  o.emplace("code", code);
  o.emplace("msg", well_formed_utf8(msg));
  o.emplace("submsg", "");
  o.emplace("requestId", new_request_id());
  o.emplace("data", std::move(data));
  return boost::json::serialize(o);
}

}  // namespace

ErrorStatus map_tsdb_error(const std::error_code& ec) {
  if (ec.category() == std::error_code(make_error_code(errc::internal)).category()) {
    const auto e = static_cast<errc>(ec.value());
    if (e == errc::forbidden) return {403, kCodeTsdbAssetUnauthorized};
    const ErrorStatus s = map_api(e);
    return {s.http_status, s.http_status >= 500 ? kCodeTsdbInternal : kCodeTsdbInvalidParam};
  }
  if (ec == tsdb::errc::bad_query) return {400, kCodeTsdbInvalidParam};
  return {500, kCodeTsdbInternal};
}

ApiResponse ok_tsdb(boost::json::value data) { return {200, tsdb_envelope(kCodeOk, "OK", std::move(data))}; }

ApiResponse tsdb_error(const std::error_code& ec, std::string_view message) {
  const ErrorStatus s = map_tsdb_error(ec);
  const std::string fallback = message.empty() ? ec.message() : std::string();
  return {s.http_status, tsdb_envelope(s.code, message.empty() ? std::string_view(fallback) : message, nullptr)};
}

}  // namespace gridhub::api
