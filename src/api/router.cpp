// The request pipeline: body bound, target parsing (Boost.URL), /healthz and /metrics, one table from
// (path, action) to a handler, authentication, orgId and the route's access level, with 404 / 400 / 405 for
// unknown paths, actions and methods.
#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <exception>
#include <future>
#include <memory>

#include "api/auth.hpp"
#include "api/envelope.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"
#include "metrics/catalog.hpp"
#include "metrics/text_format.hpp"
#include "registry/errc.hpp"

namespace gridhub::api {

namespace {

// Who may call a route: anyone (the token service, console login), any authenticated caller, callers with
// write access (roles system, admin, full), or the system credential only.
enum class Access : uint8_t { Public, Read, Write, System };

struct Route {
  std::string_view path;
  std::string_view action;
  std::string_view method;  // EnOS: GET for reads, POST for everything else
  Access access;
  Handler handler;             // exactly one of handler and async is set
  AsyncHandler async = nullptr;
};

constexpr std::string_view kModels = "/model-service/v2.1/thing-models";
constexpr std::string_view kProducts = "/connect-service/v2.1/products";
constexpr std::string_view kDevices = "/connect-service/v2.1/devices";
constexpr std::string_view kMeasurepoints = "/connect-service/v2.1/measurepoints";
constexpr std::string_view kSystem = "/system/v2.1/stats";
constexpr std::string_view kEnvironment = "/system/v2.1/environment";
constexpr std::string_view kStorageGroups = "/tsdb-policy/v2.1/storage-groups";
constexpr std::string_view kPolicies = "/tsdb-policy/v2.1/policies";
constexpr std::string_view kCommands = "/connect-service/v2.1/commands";
constexpr std::string_view kEvents = "/connect-service/v2.1/events";
constexpr std::string_view kDeviceTopos = "/connect-service/v2.1/device-topos";
constexpr std::string_view kCertificates = "/connect-service/v2.1/certificates";
constexpr std::string_view kSessions = "/iam-service/v2.1/sessions";
constexpr std::string_view kUsers = "/iam-service/v2.1/users";
constexpr std::string_view kApps = "/iam-service/v2.1/apps";
constexpr std::string_view kOrgs = "/iam-service/v2.1/orgs";

constexpr Route kRoutes[] = {
    {kModels, "import", "POST", Access::Write, model_import},
    {kModels, "create", "POST", Access::Write, model_create},
    {kModels, "clone", "POST", Access::Write, model_clone},
    {kModels, "get", "GET", Access::Read, model_get},
    {kModels, "export", "GET", Access::Read, model_export},
    {kModels, "search", "POST", Access::Read, model_search},
    {kModels, "update", "POST", Access::Write, model_update},
    {kModels, "delete", "POST", Access::Write, model_delete},
    {kModels, "publish", "POST", Access::Write, model_publish},
    {kModels, "discardDraft", "POST", Access::Write, model_discard_draft},
    {kProducts, "create", "POST", Access::Write, product_create},
    {kProducts, "get", "GET", Access::Read, product_get},
    {kProducts, "search", "POST", Access::Read, product_search},
    {kProducts, "update", "POST", Access::Write, product_update},
    {kProducts, "delete", "POST", Access::Write, product_delete},
    {kDevices, "create", "POST", Access::Write, device_create},
    {kDevices, "get", "GET", Access::Read, device_get},
    {kDevices, "search", "POST", Access::Read, device_search},
    {kDevices, "update", "POST", Access::Write, device_update},
    {kDevices, "delete", "POST", Access::Write, device_delete},
    {kDevices, "enable", "POST", Access::Write, device_enable},
    {kDevices, "disable", "POST", Access::Write, device_disable},
    {kMeasurepoints, "queryLatest", "POST", Access::Read, measurepoint_query_latest},
    {kStorageGroups, "create", "POST", Access::Write, storage_group_create},
    {kStorageGroups, "get", "GET", Access::Read, storage_group_get},
    {kStorageGroups, "search", "POST", Access::Read, storage_group_search},
    {kStorageGroups, "update", "POST", Access::Write, storage_group_update},
    {kStorageGroups, "delete", "POST", Access::Write, storage_group_delete},
    {kPolicies, "get", "GET", Access::Read, storage_policy_get},
    {kPolicies, "update", "POST", Access::Write, storage_policy_update},
    {kPolicies, "metadata", "GET", Access::Read, storage_policy_metadata},
    // EnOS's TSDB data service has no action= (except latest?action=delete): the path is the call.
    {"/tsdb-service/v2.1/ai", "", "POST", Access::Read, tsdb_ai},
    {"/tsdb-service/v2.1/ai-normalized", "", "POST", Access::Read, tsdb_ai_normalized},
    {"/tsdb-service/v2.1/di", "", "POST", Access::Read, tsdb_di},
    {"/tsdb-service/v2.1/electric-power", "", "POST", Access::Read, tsdb_pi},
    {"/tsdb-service/v2.1/generic", "", "POST", Access::Read, tsdb_generic},
    {"/tsdb-service/v2.1/raw", "", "POST", Access::Read, tsdb_raw},
    {"/tsdb-service/v2.1/latest", "", "POST", Access::Read, tsdb_latest},
    {"/tsdb-service/v2.1/latest", "delete", "POST", Access::Write, tsdb_latest_delete},
    {"/tsdb-service/v2.1/data/tsdb-delete", "", "POST", Access::Write, tsdb_data_delete},
    {kCommands, "invokeService", "POST", Access::Write, nullptr, command_invoke_service},
    {kCommands, "setMeasurepoint", "POST", Access::Write, nullptr, command_set_measurepoint},
    {kCommands, "get", "GET", Access::Read, command_get},
    {kCommands, "search", "POST", Access::Read, command_search},
    {kCommands, "cancel", "POST", Access::Write, command_cancel},
    {kCommands, "sendRaw", "POST", Access::Write, nullptr, command_send_raw},
    {kEvents, "search", "POST", Access::Read, event_search},
    {kEvents, "get", "GET", Access::Read, event_get},
    {kDeviceTopos, "addSubDevice", "POST", Access::Write, topology_add_sub_devices},
    {kDeviceTopos, "removeSubDevice", "POST", Access::Write, topology_remove_sub_devices},
    {kDeviceTopos, "searchSubDevice", "POST", Access::Read, topology_search_sub_devices},
    {kDeviceTopos, "getGateway", "GET", Access::Read, topology_get_gateway},
    {kCertificates, "apply", "POST", Access::Write, certificate_apply},
    {kCertificates, "renew", "POST", Access::Write, certificate_renew},
    {kCertificates, "revoke", "POST", Access::Write, certificate_revoke},
    {kCertificates, "list", "GET", Access::Read, certificate_list},
    // EnOS's token service takes no action= (the path is the call) and no credential.
    {"/apim-token-service/v2.0/token/get", "", "POST", Access::Public, nullptr, token_get},
    {"/apim-token-service/v2.0/token/refresh", "", "POST", Access::Public, token_refresh},
    {kSessions, "login", "POST", Access::Public, nullptr, session_login},
    {kSessions, "logout", "POST", Access::Read, session_logout},
    {kSessions, "get", "GET", Access::Read, session_get},
    {kUsers, "create", "POST", Access::Write, nullptr, user_create},
    {kUsers, "search", "POST", Access::Read, user_search},
    {kUsers, "update", "POST", Access::Write, nullptr, user_update},
    {kUsers, "delete", "POST", Access::Write, user_delete},
    {kApps, "create", "POST", Access::Write, app_create},
    {kApps, "search", "POST", Access::Read, app_search},
    {kApps, "delete", "POST", Access::Write, app_delete},
    {kOrgs, "create", "POST", Access::System, org_create},
    {kOrgs, "get", "GET", Access::Read, org_get},
    {kSystem, "get", "GET", Access::Read, system_stats},
    {kEnvironment, "get", "GET", Access::Read, system_environment},
};

// 200 {"status":"ok"} when devices can connect (the hub is not stopping), the store accepts writes and the
// registry answers a query; otherwise 503 {"status":"unavailable","failing":{part: why}} naming each part
// that is not usable (mqtt, store, registry).
ApiResponse health(ApiContext& ctx) {
  boost::json::object failing;
  if (ctx.hub.stopped()) failing["mqtt"] = "the MQTT listener is stopped";
  if (auto ec = ctx.store.health()) failing["store"] = "the store refuses writes: " + ec.message();
  // A primary-key lookup of an id no OU has: a readable registry answers "not found".
  if (auto org = ctx.registry.get_org(""); !org && org.error() != registry::errc::not_found)
    failing["registry"] = "the registry cannot be read: " + org.error().message();
  if (failing.empty()) return {200, R"({"status":"ok"})"};
  return {503, boost::json::serialize(boost::json::object{{"status", "unavailable"}, {"failing", std::move(failing)}})};
}

// Answers through `done` (exactly once) and returns; an asynchronous route answers later.
void dispatch(ApiContext& ctx, const ApiRequest& req, ResponseCallback& done) {
  // The HTTP session enforces this while reading; callers without a socket get the same answer.
  if (req.body.size() > kMaxBodyBytes)
    return done(error(errc::body_too_large, "request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes"));
  auto target = boost::urls::parse_origin_form(req.target);
  if (!target) return done(error(errc::invalid_param, "invalid request target"));
  const std::string_view path = target->encoded_path();

  if (path == "/healthz") {
    if (req.method != "GET") return done(error(errc::method_not_allowed, "/healthz answers GET only"));
    return done(health(ctx));
  }

  Query query;
  for (auto param : target->params()) query.add(std::string(param.key), std::string(param.value));
  // Prometheus text (docs/operations.md): any valid credential may read it (totals over every OU, naming no
  // device), or anyone when the operator made it public (http.metrics_public).
  if (path == "/metrics") {
    if (!ctx.metrics_public) {
      registry::ApiCredential caller;
      if (auto refused = authenticate(ctx, req, query, caller)) return done(std::move(*refused));
    }
    if (req.method != "GET") return done(error(errc::method_not_allowed, "/metrics answers GET only"));
    return done({200, metrics::scrape(), std::string(metrics::kTextContentType)});
  }
  const std::string_view action = query.get("action");
  const Route* route = nullptr;
  bool path_known = false;
  for (const Route& r : kRoutes) {
    if (r.path != path) continue;
    path_known = true;
    if (r.action != action) continue;
    route = &r;
    break;
  }
  // Only the public routes answer a caller without credentials; the others (and unknown paths) authenticate
  // first, so that an anonymous caller learns nothing about them.
  registry::ApiCredential caller;
  std::string org;
  if (!route || route->access != Access::Public) {
    if (auto refused = authenticate(ctx, req, query, caller)) return done(std::move(*refused));
  }
  if (!route) {
    if (!path_known) return done(error(errc::not_found, "unknown path " + std::string(path)));
    if (action.empty()) return done(error(errc::invalid_param, "action is required"));
    return done(error(errc::unknown_action, "unknown action " + std::string(action)));
  }
  if (route->access != Access::Public) {
    auto resolved = resolve_org(caller, query);
    if (!resolved)
      return done(error(resolved.error(), Subject::None,
                        "orgId " + std::string(query.get("orgId")) + " is not the OU of this credential"));
    org = std::move(*resolved);
    if ((route->access == Access::Write && !caller.can_write()) ||
        (route->access == Access::System && !caller.is_system()))
      return done(error(errc::no_permission, "this credential may not call action=" + std::string(action)));
  }
  if (route->method != req.method)
    return done(error(errc::method_not_allowed,
                      "action=" + std::string(action) + " takes " + std::string(route->method) + ", not " + req.method));
  ApiCall call{req, query, caller, std::move(org)};
  if (route->async) return route->async(ctx, call, std::move(done));
  done(route->handler(ctx, call));
}

// Handlers use error_code overloads throughout; this net only keeps a bug (or bad_alloc) from taking the io
// thread down with it. `done` is shared so that a throw after an asynchronous handler took it still answers
// once.
void guarded_dispatch(ApiContext& ctx, const ApiRequest& req, ResponseCallback done) {
  auto answered = std::make_shared<std::atomic<bool>>(false);
  ResponseCallback once = [answered, done = std::move(done)](ApiResponse r) {
    if (!answered->exchange(true)) done(std::move(r));
  };
  ResponseCallback fallback = once;
  try {
    return dispatch(ctx, req, once);
  } catch (const std::exception& e) {
    spdlog::error("api: {} {}: unexpected exception: {}", req.method, req.target.substr(0, 200), e.what());
  } catch (...) {
    spdlog::error("api: {} {}: unexpected exception", req.method, req.target.substr(0, 200));
  }
  fallback(error(errc::internal, "internal error"));
}

}  // namespace

void handle_request_async(ApiContext& ctx, ApiRequest req, ResponseCallback done) {
  // The request must outlive an asynchronous handler only until it has copied what it needs (routes.hpp), so
  // it can live on this frame.
  guarded_dispatch(ctx, req, std::move(done));
}

ApiResponse handle_request(ApiContext& ctx, const ApiRequest& req) {
  std::promise<ApiResponse> promise;
  auto future = promise.get_future();
  guarded_dispatch(ctx, req, [&promise](ApiResponse r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace gridhub::api
