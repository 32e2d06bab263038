// The request pipeline: body bound, target parsing (Boost.URL), /healthz, authentication, orgId, then one
// table from (path, action) to a handler, with 404 / 400 / 405 for unknown paths, actions and methods.
#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>
#include <exception>

#include "api/auth.hpp"
#include "api/envelope.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"

namespace gridhub::api {

namespace {

struct Route {
  std::string_view path;
  std::string_view action;
  std::string_view method;  // EnOS: GET for reads, POST for everything else
  Handler handler;
};

constexpr std::string_view kModels = "/model-service/v2.1/thing-models";
constexpr std::string_view kProducts = "/connect-service/v2.1/products";
constexpr std::string_view kDevices = "/connect-service/v2.1/devices";
constexpr std::string_view kMeasurepoints = "/connect-service/v2.1/measurepoints";
constexpr std::string_view kSystem = "/system/v2.1/stats";
constexpr std::string_view kStorageGroups = "/tsdb-policy/v2.1/storage-groups";
constexpr std::string_view kPolicies = "/tsdb-policy/v2.1/policies";

constexpr Route kRoutes[] = {
    {kModels, "import", "POST", model_import},
    {kModels, "create", "POST", model_create},
    {kModels, "clone", "POST", model_clone},
    {kModels, "get", "GET", model_get},
    {kModels, "export", "GET", model_export},
    {kModels, "search", "POST", model_search},
    {kModels, "update", "POST", model_update},
    {kModels, "delete", "POST", model_delete},
    {kProducts, "create", "POST", product_create},
    {kProducts, "get", "GET", product_get},
    {kProducts, "search", "POST", product_search},
    {kProducts, "update", "POST", product_update},
    {kProducts, "delete", "POST", product_delete},
    {kDevices, "create", "POST", device_create},
    {kDevices, "get", "GET", device_get},
    {kDevices, "search", "POST", device_search},
    {kDevices, "update", "POST", device_update},
    {kDevices, "delete", "POST", device_delete},
    {kDevices, "enable", "POST", device_enable},
    {kDevices, "disable", "POST", device_disable},
    {kMeasurepoints, "queryLatest", "POST", measurepoint_query_latest},
    {kStorageGroups, "create", "POST", storage_group_create},
    {kStorageGroups, "get", "GET", storage_group_get},
    {kStorageGroups, "search", "POST", storage_group_search},
    {kStorageGroups, "update", "POST", storage_group_update},
    {kStorageGroups, "delete", "POST", storage_group_delete},
    {kPolicies, "get", "GET", storage_policy_get},
    {kPolicies, "update", "POST", storage_policy_update},
    {kPolicies, "metadata", "GET", storage_policy_metadata},
    // EnOS's TSDB data service has no action= (except latest?action=delete): the path is the call.
    {"/tsdb-service/v2.1/ai", "", "POST", tsdb_ai},
    {"/tsdb-service/v2.1/ai-normalized", "", "POST", tsdb_ai_normalized},
    {"/tsdb-service/v2.1/di", "", "POST", tsdb_di},
    {"/tsdb-service/v2.1/electric-power", "", "POST", tsdb_pi},
    {"/tsdb-service/v2.1/generic", "", "POST", tsdb_generic},
    {"/tsdb-service/v2.1/raw", "", "POST", tsdb_raw},
    {"/tsdb-service/v2.1/latest", "", "POST", tsdb_latest},
    {"/tsdb-service/v2.1/latest", "delete", "POST", tsdb_latest_delete},
    {"/tsdb-service/v2.1/data/tsdb-delete", "", "POST", tsdb_data_delete},
    {kSystem, "get", "GET", system_stats},
};

ApiResponse dispatch(ApiContext& ctx, const ApiRequest& req) {
  // The HTTP session enforces this while reading; callers without a socket get the same answer.
  if (req.body.size() > kMaxBodyBytes)
    return error(errc::body_too_large, "request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  auto target = boost::urls::parse_origin_form(req.target);
  if (!target) return error(errc::invalid_param, "invalid request target");
  const std::string_view path = target->encoded_path();

  if (path == "/healthz") {
    if (req.method != "GET") return error(errc::method_not_allowed, "/healthz answers GET only");
    return {200, R"({"status":"ok"})"};
  }

  std::string message;
  auto caller = authenticate(ctx, req.authorization, message);
  if (!caller) return error(caller.error(), Subject::None, message);

  Query query;
  for (auto param : target->params()) query.add(std::string(param.key), std::string(param.value));
  auto org = resolve_org(*caller, query);
  if (!org) return error(org.error(), Subject::None, "orgId " + std::string(query.get("orgId")) + " is not the OU of this token");

  bool path_known = false;
  const std::string_view action = query.get("action");
  for (const Route& r : kRoutes) {
    if (r.path != path) continue;
    path_known = true;
    if (r.action != action) continue;
    if (r.method != req.method)
      return error(errc::method_not_allowed,
                   "action=" + std::string(action) + " takes " + std::string(r.method) + ", not " + req.method);
    return r.handler(ctx, ApiCall{req, query, *caller, std::move(*org)});
  }
  if (!path_known) return error(errc::not_found, "unknown path " + std::string(path));
  if (action.empty()) return error(errc::invalid_param, "action is required");
  return error(errc::unknown_action, "unknown action " + std::string(action));
}

}  // namespace

ApiResponse handle_request(ApiContext& ctx, const ApiRequest& req) {
  // Handlers use error_code overloads throughout; this net only keeps a bug (or bad_alloc) from taking the
  // io thread down with it.
  try {
    return dispatch(ctx, req);
  } catch (const std::exception& e) {
    spdlog::error("api: {} {}: unexpected exception: {}", req.method, req.target.substr(0, 200), e.what());
  } catch (...) {
    spdlog::error("api: {} {}: unexpected exception", req.method, req.target.substr(0, 200));
  }
  return error(errc::internal, "internal error");
}

}  // namespace gridhub::api
