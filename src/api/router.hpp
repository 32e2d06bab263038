// One HTTP request in, one JSON envelope out, without any socket: authentication, orgId, path + action lookup
// and the call of a plain handler function. The HTTP session and the unit tests both call handle_request.
#pragma once
#include <functional>
#include <string>

namespace gridhub::api {

struct ApiContext;

struct ApiRequest {
  std::string method;         // "GET", "POST"... as received
  std::string target;         // origin form: "/connect-service/v2.1/devices?action=get&assetId=..."
  std::string authorization;  // the Authorization header ("" when absent)
  std::string body;
  // EnOS application calls (spec enos-platform.md §4.2): the apim-accesstoken, apim-timestamp and
  // apim-signature headers ("" when absent).
  std::string apim_access_token, apim_timestamp, apim_signature;
  std::string remote_address;  // the peer's IP address as text (rate limits of failed logins)
  std::string host;            // the Host header ("" when absent): the environment information's default host
};

struct ApiResponse {
  unsigned status = 200;
  std::string body;  // the JSON envelope ({"status":"ok"} for /healthz)
  std::string content_type = "application/json";  // /metrics: Prometheus text
};

using ResponseCallback = std::function<void(ApiResponse)>;

// Never throws and never crashes on any input: every refusal is an HTTP status with the JSON envelope.
// Thread-safe (handlers only use the thread-safe services of ApiContext). `done` is called exactly once:
// before handle_request_async returns for most routes, later (on another thread) for the asynchronous ones
// (an immediate invokeService waits for the device; password hashing runs off the io threads).
void handle_request_async(ApiContext& ctx, ApiRequest req, ResponseCallback done);

// The same, waiting for the response. For tests and tools: never call it on an io thread.
ApiResponse handle_request(ApiContext& ctx, const ApiRequest& req);

}  // namespace gridhub::api
