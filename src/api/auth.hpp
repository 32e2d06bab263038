// Who is calling and for which OU. Three kinds of credential: `Authorization: Bearer <token>` with an API token
// (admin.json, an OU's admin token) or a console session, and EnOS application calls signed with the apim-*
// headers (spec enos-platform.md §4.2). The call's orgId can only be the credential's own OU.
#pragma once
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_call.hpp"
#include "api/context.hpp"

namespace gridhub::api {

// nullopt and `caller` filled when the request carries a valid credential; otherwise the whole refusal
// (401 with the EnOS code: 401 for bearer tokens, the apim codes 1001 replayed, 1003 bad signature,
// 1004 stale timestamp, 1202 missing header, 1203 expired token for application calls; 429 with 1005 when the
// replay cache is full). Any apim-* header makes the call an application call; applications get the role
// "full" or "read" of their registration, in their OU.
std::optional<ApiResponse> authenticate(ApiContext& ctx, const ApiRequest& req, const Query& query,
                                        registry::ApiCredential& caller);

// The query's orgId when it is the caller's OU (errc::forbidden otherwise); the caller's OU when absent.
boost::system::result<std::string> resolve_org(const registry::ApiCredential& caller, const Query& query);

}  // namespace gridhub::api
