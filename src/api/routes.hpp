// Every route handler (one table in router.cpp maps path + action to them). Each is a plain function of the
// context and the checked call: it never sees a socket and returns the whole response.
#pragma once
#include "api/api_call.hpp"
#include "api/context.hpp"
#include "api/router.hpp"

namespace gridhub::api {

using Handler = ApiResponse (*)(ApiContext&, const ApiCall&);

// model_routes.cpp: /model-service/v2.1/thing-models
ApiResponse model_import(ApiContext&, const ApiCall&);
ApiResponse model_create(ApiContext&, const ApiCall&);
ApiResponse model_clone(ApiContext&, const ApiCall&);
ApiResponse model_get(ApiContext&, const ApiCall&);
ApiResponse model_export(ApiContext&, const ApiCall&);
ApiResponse model_search(ApiContext&, const ApiCall&);
ApiResponse model_update(ApiContext&, const ApiCall&);
ApiResponse model_delete(ApiContext&, const ApiCall&);

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

// system_routes.cpp: /system/v2.1/stats (Gridhub's own: counters an operator watches)
ApiResponse system_stats(ApiContext&, const ApiCall&);

}  // namespace gridhub::api
