// The EnOS token service: POST /apim-token-service/v2.0/token/get and /token/refresh (spec enos-platform.md
// §4.2). An application proves it holds its secret with encryption = SHA-256(appKey + timestamp + appSecret)
// and gets an access token for signed calls. Failed attempts are throttled per address and per appKey.
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <variant>

#include "api/apim_digest.hpp"
#include "api/apim_signature.hpp"
#include "api/envelope.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"

namespace gridhub::api {

namespace {

struct TokenRequest {
  std::string app_key, encryption, timestamp, access_token;
};

// The body's fields; a refusal (1202 empty, 1004 bad) otherwise. `timestamp` may be a JSON integer or a
// string; it is hashed as the decimal text the client hashed.
std::optional<ApiResponse> read_request(std::string_view body_text, bool refresh, TokenRequest& out) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(body_text, body, message)) return token_service_error(400, kApimBadParam, message);
  auto text = [&](std::string_view key, std::string& value) -> std::optional<ApiResponse> {
    const auto* v = body.if_contains(key);
    if (!v || v->is_null() || (v->is_string() && v->get_string().empty()))
      return token_service_error(400, kApimEmptyParam, std::string(key) + " is required");
    if (!v->is_string())
      return token_service_error(400, kApimBadParam, std::string(key) + " must be a string");
    if (v->get_string().size() > kMaxCredentialFieldBytes)
      return token_service_error(400, kApimBadParam, std::string(key) + " is too long");
    value = v->get_string();
    return std::nullopt;
  };
  if (auto r = text("appKey", out.app_key)) return r;
  if (auto r = text("encryption", out.encryption)) return r;
  const auto* ts = body.if_contains("timestamp");
  if (!ts || ts->is_null() || (ts->is_string() && ts->get_string().empty()))
    return token_service_error(400, kApimEmptyParam, "timestamp is required");
  if (ts->is_int64() && ts->get_int64() > 0)
    out.timestamp = std::to_string(ts->get_int64());
  else if (ts->is_uint64())
    out.timestamp = std::to_string(ts->get_uint64());
  else if (ts->is_string())
    out.timestamp = ts->get_string();
  else
    return token_service_error(400, kApimBadParam,
                               "timestamp must be epoch milliseconds (an integer or a string)");
  if (refresh)
    if (auto r = text("accessToken", out.access_token)) return r;
  return std::nullopt;
}

// Counts a failed attempt for both keys and says why, without echoing anything the client sent.
ApiResponse failed(ApiContext& ctx, const std::string& address_key, const std::string& app_key_key,
                   unsigned status, int code, std::string_view message) {
  const bool blocked_address = ctx.failed_logins_by_address.failed(address_key);
  const bool blocked_app = ctx.failed_logins_by_name.failed(app_key_key);
  if (blocked_address || blocked_app)
    spdlog::warn("api: token service: repeated failures for {} from {}: blocked for a while", app_key_key,
                 address_key);
  return token_service_error(status, code, message);
}

// get and refresh share everything up to the token: body, throttle, timestamp, app, encryption, replay.
// Returns the app, or the whole refusal.
std::variant<registry::App, ApiResponse> check(ApiContext& ctx, const ApiCall& call, bool refresh,
                                               TokenRequest& r) {
  if (auto refused = read_request(call.request.body, refresh, r)) return std::move(*refused);
  const std::string address_key = "addr:" + call.request.remote_address;
  const std::string app_key_key = "app:" + r.app_key;
  if (!ctx.failed_logins_by_address.allowed(address_key) || !ctx.failed_logins_by_name.allowed(app_key_key))
    return token_service_error(429, kCodeTooManyRequests, "too many failed attempts, try again later");
  const int64_t now = ctx.now_ms();
  auto ts = parse_timestamp_ms(r.timestamp);
  if (!ts) return token_service_error(400, kApimBadParam, "timestamp must be epoch milliseconds");
  if (!timestamp_fresh(*ts, now))
    return token_service_error(400, kApimBadParam,
                               "timestamp is more than " + std::to_string(kApimTimestampSkewMs / 1000) +
                                   " s away from the server's clock");
  auto app = ctx.registry.find_app(r.app_key);
  if (!app) return failed(ctx, address_key, app_key_key, 401, kApimUnknownAppKey, "unknown appKey");
  const std::string expected = token_encryption(app->app_key, r.timestamp, app->app_secret);
  if (expected.empty() || !equal_constant_time(ascii_lower(r.encryption), expected))
    return failed(ctx, address_key, app_key_key, 401, kApimBadSignature, "bad encryption");
  switch (ctx.apim_encryptions.remember(expected, now)) {
    case ReplayCache::Result::Fresh:
      break;
    case ReplayCache::Result::Replayed:
      return failed(ctx, address_key, app_key_key, 401, kApimReplayed,
                    "replayed encryption: use a new timestamp");
    case ReplayCache::Result::Full:
      return token_service_error(429, kApimInternal,
                                 "too many token requests to check for replays: try again later");
  }
  if (refresh && !ctx.apim_tokens.valid(r.access_token, *app, now))
    return failed(ctx, address_key, app_key_key, 401, kApimRefreshFailed,
                  "accessToken is not a valid token of this appKey");
  ctx.failed_logins_by_name.succeeded(app_key_key);
  return std::move(*app);
}

ApiResponse answer(const std::optional<IssuedToken>& t, int64_t now) {
  if (!t) return token_service_error(500, kApimInternal, "cannot make a token");
  // Whole seconds left, never rounding a live token down to 0.
  return token_service_ok(t->token, (t->expire_at - now + 999) / 1000);
}

}  // namespace

void token_get(ApiContext& ctx, const ApiCall& call, ResponseCallback done) {
  TokenRequest r;
  auto checked = check(ctx, call, false, r);
  if (auto* refused = std::get_if<ApiResponse>(&checked)) return done(std::move(*refused));
  const int64_t now = ctx.now_ms();
  done(answer(ctx.apim_tokens.current(std::get<registry::App>(checked), now), now));
}

ApiResponse token_refresh(ApiContext& ctx, const ApiCall& call) {
  TokenRequest r;
  auto checked = check(ctx, call, true, r);
  if (auto* refused = std::get_if<ApiResponse>(&checked)) return std::move(*refused);
  const int64_t now = ctx.now_ms();
  return answer(ctx.apim_tokens.renew(std::get<registry::App>(checked), now), now);
}

}  // namespace gridhub::api
