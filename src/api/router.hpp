// One HTTP request in, one JSON envelope out, without any socket: authentication, orgId, path + action lookup
// and the call of a plain handler function. The HTTP session and the unit tests both call handle_request.
#pragma once
#include <string>

namespace gridhub::api {

struct ApiContext;

struct ApiRequest {
  std::string method;         // "GET", "POST"... as received
  std::string target;         // origin form: "/connect-service/v2.1/devices?action=get&assetId=..."
  std::string authorization;  // the Authorization header ("" when absent)
  std::string body;
};

struct ApiResponse {
  unsigned status = 200;
  std::string body;  // the JSON envelope ({"status":"ok"} for /healthz)
};

// Never throws and never crashes on any input: every refusal is an HTTP status with the JSON envelope.
// Thread-safe (handlers only use the thread-safe services of ApiContext).
ApiResponse handle_request(ApiContext& ctx, const ApiRequest& req);

}  // namespace gridhub::api
