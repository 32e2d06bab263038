// Authentication of every non-public call: bearer tokens (API tokens, console sessions) and EnOS application
// calls signed with the apim-* headers; and the one-OU rule.
#include "api/auth.hpp"

#include <boost/beast/core/string.hpp>

#include "api/apim_digest.hpp"
#include "api/apim_signature.hpp"
#include "api/envelope.hpp"
#include "api/errc.hpp"
#include "api/limits.hpp"

namespace gridhub::api {

namespace {

boost::system::result<registry::ApiCredential> bearer(ApiContext& ctx, std::string_view authorization,
                                                      std::string& message) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.empty()) {
    message = "missing Authorization: Bearer <token>";
    return make_error_code(errc::unauthorized);
  }
  // RFC 6750: the scheme is case-insensitive.
  if (authorization.size() <= kScheme.size() ||
      !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    message = "Authorization must be \"Bearer <token>\"";
    return make_error_code(errc::unauthorized);
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.size() > kMaxTokenLength) {
    message = "invalid token";
    return make_error_code(errc::unauthorized);
  }
  auto cred = ctx.registry.authenticate(token, ctx.now_ms());
  if (!cred) {
    message = "invalid token";
    return make_error_code(errc::unauthorized);
  }
  return std::move(*cred);
}

// An EnOS application call. Checks go from the cheapest to the one with a side effect: headers, timestamp,
// token, signature, and last the replay cache (only signatures that verified are remembered, so nobody can
// fill it with guesses). No refusal echoes a header's value.
std::optional<ApiResponse> application(ApiContext& ctx, const ApiRequest& req,
                                       registry::ApiCredential& caller) {
  if (req.apim_access_token.empty()) return apim_refusal(kApimEmptyParam, "missing header apim-accesstoken");
  if (req.apim_timestamp.empty()) return apim_refusal(kApimEmptyParam, "missing header apim-timestamp");
  if (req.apim_signature.empty()) return apim_refusal(kApimEmptyParam, "missing header apim-signature");
  const int64_t now = ctx.now_ms();
  auto ts = parse_timestamp_ms(req.apim_timestamp);
  if (!ts) return apim_refusal(kApimBadParam, "apim-timestamp must be epoch milliseconds");
  if (!timestamp_fresh(*ts, now))
    return apim_refusal(kApimBadParam, "apim-timestamp is more than " +
                                           std::to_string(kApimTimestampSkewMs / 1000) +
                                           " s away from the server's clock");
  const std::string app_key = ApimTokens::app_key_of(req.apim_access_token);
  auto app = app_key.empty() ? std::nullopt : ctx.registry.find_app(app_key);
  if (!app || !ctx.apim_tokens.valid(req.apim_access_token, *app, now))
    return apim_refusal(kApimTokenExpired,
                        "access token expired or invalid: get a new one from the token service");
  auto data = params_data(req.target, req.body);
  if (!data) return apim_refusal(kApimBadParam, "invalid request target");
  const std::string expected =
      request_signature(req.apim_access_token, *data, req.apim_timestamp, app->app_secret);
  const std::string given = ascii_lower(req.apim_signature);
  if (expected.empty() || !equal_constant_time(given, expected))
    return apim_refusal(kApimBadSignature, "bad apim-signature");
  switch (ctx.apim_signatures.remember(expected, now)) {
    case ReplayCache::Result::Fresh:
      break;
    case ReplayCache::Result::Replayed:
      return apim_refusal(kApimReplayed, "replayed apim-signature");
    case ReplayCache::Result::Full:
      return apim_refusal(kApimInternal, "too many signed calls to check for replays: try again later", 429);
  }
  caller.org_id = app->org_id;
  caller.role = app->access == "full" ? "full" : "read";
  caller.name = app->app_key;
  return std::nullopt;
}

}  // namespace

std::optional<ApiResponse> authenticate(ApiContext& ctx, const ApiRequest& req, const Query&,
                                        registry::ApiCredential& caller) {
  // Any apim-* header makes it an application call, so that a half-signed call is told what it lacks instead
  // of being judged by an Authorization header it may also carry.
  if (!req.apim_access_token.empty() || !req.apim_timestamp.empty() || !req.apim_signature.empty())
    return application(ctx, req, caller);
  std::string message;
  auto cred = bearer(ctx, req.authorization, message);
  if (!cred) return error(cred.error(), Subject::None, message);
  caller = std::move(*cred);
  return std::nullopt;
}

boost::system::result<std::string> resolve_org(const registry::ApiCredential& caller, const Query& query) {
  const std::string* org = query.find("orgId");
  if (!org || org->empty()) return caller.org_id;
  if (*org != caller.org_id) return make_error_code(errc::forbidden);
  return *org;
}

}  // namespace gridhub::api
