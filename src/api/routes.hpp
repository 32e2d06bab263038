// Every route handler (one table in router.cpp maps path + action to them). Each is a plain function of the
// context and the checked call: it never sees a socket and returns the whole response.
#pragma once
#include <string>
#include <string_view>

#include "api/api_call.hpp"
#include "api/context.hpp"
#include "api/router.hpp"

namespace gridhub::api {

using Handler = ApiResponse (*)(ApiContext&, const ApiCall&);
// An asynchronous route: copies what it needs from the call before returning and calls `done` exactly once,
// from any thread.
using AsyncHandler = void (*)(ApiContext&, const ApiCall&, ResponseCallback done);

// model_routes.cpp: /model-service/v2.1/thing-models
ApiResponse model_import(ApiContext&, const ApiCall&);
ApiResponse model_create(ApiContext&, const ApiCall&);
ApiResponse model_clone(ApiContext&, const ApiCall&);
ApiResponse model_get(ApiContext&, const ApiCall&);
ApiResponse model_export(ApiContext&, const ApiCall&);
ApiResponse model_search(ApiContext&, const ApiCall&);
ApiResponse model_update(ApiContext&, const ApiCall&);
ApiResponse model_delete(ApiContext&, const ApiCall&);
// update?draft=true writes the draft; publish moves it to the published model; discardDraft drops it.
ApiResponse model_publish(ApiContext&, const ApiCall&);
ApiResponse model_discard_draft(ApiContext&, const ApiCall&);

// product_routes.cpp: /connect-service/v2.1/products
ApiResponse product_create(ApiContext&, const ApiCall&);
ApiResponse product_get(ApiContext&, const ApiCall&);
ApiResponse product_search(ApiContext&, const ApiCall&);
ApiResponse product_update(ApiContext&, const ApiCall&);
ApiResponse product_delete(ApiContext&, const ApiCall&);

// device_routes.cpp: /connect-service/v2.1/devices
ApiResponse device_create(ApiContext&, const ApiCall&);
ApiResponse device_get(ApiContext&, const ApiCall&);
ApiResponse device_search(ApiContext&, const ApiCall&);
ApiResponse device_update(ApiContext&, const ApiCall&);
ApiResponse device_delete(ApiContext&, const ApiCall&);
ApiResponse device_enable(ApiContext&, const ApiCall&);
ApiResponse device_disable(ApiContext&, const ApiCall&);

// measurepoint_routes.cpp: /connect-service/v2.1/measurepoints
ApiResponse measurepoint_query_latest(ApiContext&, const ApiCall&);

// storage_policy_routes.cpp: /tsdb-policy/v2.1/storage-groups and /tsdb-policy/v2.1/policies
ApiResponse storage_group_create(ApiContext&, const ApiCall&);
ApiResponse storage_group_get(ApiContext&, const ApiCall&);
ApiResponse storage_group_search(ApiContext&, const ApiCall&);
ApiResponse storage_group_update(ApiContext&, const ApiCall&);
ApiResponse storage_group_delete(ApiContext&, const ApiCall&);
ApiResponse storage_policy_get(ApiContext&, const ApiCall&);
ApiResponse storage_policy_update(ApiContext&, const ApiCall&);
ApiResponse storage_policy_metadata(ApiContext&, const ApiCall&);

// tsdb_data_routes.cpp: /tsdb-service/v2.1/... (no action= except latest?action=delete)
ApiResponse tsdb_ai(ApiContext&, const ApiCall&);
ApiResponse tsdb_ai_normalized(ApiContext&, const ApiCall&);
ApiResponse tsdb_di(ApiContext&, const ApiCall&);
ApiResponse tsdb_pi(ApiContext&, const ApiCall&);
ApiResponse tsdb_generic(ApiContext&, const ApiCall&);
ApiResponse tsdb_raw(ApiContext&, const ApiCall&);
ApiResponse tsdb_latest(ApiContext&, const ApiCall&);
ApiResponse tsdb_latest_delete(ApiContext&, const ApiCall&);
ApiResponse tsdb_data_delete(ApiContext&, const ApiCall&);

// command_routes.cpp: /connect-service/v2.1/commands
void command_invoke_service(ApiContext&, const ApiCall&, ResponseCallback);
void command_set_measurepoint(ApiContext&, const ApiCall&, ResponseCallback);
ApiResponse command_get(ApiContext&, const ApiCall&);
ApiResponse command_search(ApiContext&, const ApiCall&);
ApiResponse command_cancel(ApiContext&, const ApiCall&);
void command_send_raw(ApiContext&, const ApiCall&, ResponseCallback);

// event_routes.cpp: /connect-service/v2.1/events
ApiResponse event_search(ApiContext&, const ApiCall&);
ApiResponse event_get(ApiContext&, const ApiCall&);

// topology_routes.cpp: /connect-service/v2.1/device-topos (a gateway's sub-devices)
ApiResponse topology_add_sub_devices(ApiContext&, const ApiCall&);
ApiResponse topology_remove_sub_devices(ApiContext&, const ApiCall&);
ApiResponse topology_search_sub_devices(ApiContext&, const ApiCall&);
ApiResponse topology_get_gateway(ApiContext&, const ApiCall&);

// certificate_routes.cpp: /connect-service/v2.1/certificates (device certificates issued by the OU's CA)
ApiResponse certificate_apply(ApiContext&, const ApiCall&);
ApiResponse certificate_renew(ApiContext&, const ApiCall&);
ApiResponse certificate_revoke(ApiContext&, const ApiCall&);
ApiResponse certificate_list(ApiContext&, const ApiCall&);

// apim_token_service.cpp: /apim-token-service/v2.0/token/get and /refresh (public: the EnOS token flow)
void token_get(ApiContext&, const ApiCall&, ResponseCallback);
ApiResponse token_refresh(ApiContext&, const ApiCall&);

// access_routes.cpp: who may use the API. /iam-service/v2.1/sessions (login is public, logout, get),
// /iam-service/v2.1/users, /iam-service/v2.1/apps, /iam-service/v2.1/orgs (create: system role only)
void session_login(ApiContext&, const ApiCall&, ResponseCallback);
ApiResponse session_logout(ApiContext&, const ApiCall&);
ApiResponse session_get(ApiContext&, const ApiCall&);
void user_create(ApiContext&, const ApiCall&, ResponseCallback);
ApiResponse user_search(ApiContext&, const ApiCall&);
void user_update(ApiContext&, const ApiCall&, ResponseCallback);
ApiResponse user_delete(ApiContext&, const ApiCall&);
ApiResponse app_create(ApiContext&, const ApiCall&);
ApiResponse app_search(ApiContext&, const ApiCall&);
ApiResponse app_delete(ApiContext&, const ApiCall&);
ApiResponse org_create(ApiContext&, const ApiCall&);
ApiResponse org_get(ApiContext&, const ApiCall&);

// system_routes.cpp: /system/v2.1/stats (Gridhub's own: counters an operator watches) and
// /system/v2.1/environment (what a device should use: EnOS's Help > Environment Information)
ApiResponse system_stats(ApiContext&, const ApiCall&);
ApiResponse system_environment(ApiContext&, const ApiCall&);
// A host name (RFC 1123 labels), an IPv4 literal, or an IPv6 literal (bare or in brackets).
bool is_valid_host(std::string_view host);
// The host part of a Host header value ("10.0.0.5:8080" -> "10.0.0.5", "[::1]:80" -> "[::1]"), or "" when the
// value is not a valid host with an optional port.
std::string host_of_header(std::string_view host_header);

}  // namespace gridhub::api
