// Bearer-token authentication and the one-OU rule.
#include "api/auth.hpp"

#include <boost/beast/core/string.hpp>

#include "api/errc.hpp"
#include "api/limits.hpp"

namespace gridhub::api {

boost::system::result<registry::ApiCredential> authenticate(ApiContext& ctx, std::string_view authorization,
                                                            std::string& message) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.empty()) {
    message = "missing Authorization: Bearer <token>";
    return make_error_code(errc::unauthorized);
  }
  // RFC 6750: the scheme is case-insensitive.
  if (authorization.size() <= kScheme.size() || !boost::beast::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
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
  auto cred = ctx.registry.authenticate(token);
  if (!cred) {
    message = "invalid token";
    return make_error_code(errc::unauthorized);
  }
  return std::move(*cred);
}

boost::system::result<std::string> resolve_org(const registry::ApiCredential& caller, const Query& query) {
  const std::string* org = query.find("orgId");
  if (!org || org->empty()) return caller.org_id;
  if (*org != caller.org_id) return make_error_code(errc::forbidden);
  return *org;
}

}  // namespace gridhub::api
