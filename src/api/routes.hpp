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

// system_routes.cpp: /system/v2.1/stats (Gridhub's own: counters an operator watches)
ApiResponse system_stats(ApiContext&, const ApiCall&);

}  // namespace gridhub::api
