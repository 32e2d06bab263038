// Who is calling and for which OU: `Authorization: Bearer <token>` checked against the registry's credentials,
// and the call's orgId, which can only be the token's own OU.
#pragma once
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "api/api_call.hpp"
#include "api/context.hpp"

namespace gridhub::api {

// errc::unauthorized (with `message` saying why) for a missing header, another scheme, or an unknown token.
boost::system::result<registry::ApiCredential> authenticate(ApiContext& ctx, std::string_view authorization,
                                                            std::string& message);

// The query's orgId when it is the caller's OU (errc::forbidden otherwise); the caller's OU when absent.
boost::system::result<std::string> resolve_org(const registry::ApiCredential& caller, const Query& query);

}  // namespace gridhub::api
