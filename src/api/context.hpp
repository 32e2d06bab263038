// What every API handler may use: the registry, the store, the hub, the clock, the compiled-model cache, and
// the state of who may use the API (application tokens, replay caches, failed-login throttles).
#pragma once
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "api/apim_replay.hpp"
#include "api/apim_token.hpp"
#include "api/console_assets.hpp"
#include "api/limits.hpp"
#include "api/model_cache.hpp"
#include "hub/hub.hpp"
#include "net/failure_limiter.hpp"
#include "registry/event_log.hpp"
#include "registry/registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::api {

inline int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What a device should use to reach this server (GET /system/v2.1/environment): set by the server once its
// listeners are bound, before the io threads run; read-only afterwards.
struct EnvironmentInfo {
  std::string public_host;                // http.public_host; "" = the host of the request's Host header
  std::string listen_host = "127.0.0.1";  // when the Host header is absent or not a host name / IP literal
  uint16_t mqtt_port = 0;
  uint16_t mqtt_tls_port = 0;             // 0 = no MQTT/TLS listener
  uint16_t http_port = 0;
  bool https = false;                     // the API (and so the live stream) is served over TLS
};

// Shared by every io thread: the references are thread-safe services, the cache locks itself, and now_ms must
// be callable from any thread.
struct ApiContext {
  ApiContext(registry::Registry& r, tsdb::TimeSeriesStore& s, hub::Hub& h, registry::EventLog& e)
      : registry(r), store(s), hub(h), events(e) {}
  ApiContext(const ApiContext&) = delete;
  ApiContext& operator=(const ApiContext&) = delete;
  ~ApiContext() { workers.join(); }

  registry::Registry& registry;
  tsdb::TimeSeriesStore& store;
  hub::Hub& hub;
  registry::EventLog& events;
  // For work that must not run on an io thread (Argon2id password hashing, blocking store calls): post here
  // and answer through the route's ResponseCallback.
  boost::asio::thread_pool workers{2};
  // Time is passed in (tests fix it); epoch milliseconds.
  std::function<int64_t()> now_ms = system_now_ms;
  ModelCache models;
  // The web console's files (http_session.cpp answers its paths) and the environment information; both set
  // before the io threads run.
  ConsoleSource console;
  EnvironmentInfo environment;
  // GET /metrics answers without a credential (config http.metrics_public, --metrics-public); set before the
  // io threads run.
  bool metrics_public = false;

  // --- who may use the API (auth.cpp, apim_token_service.cpp, access_routes.cpp; docs/api_access.md) ---
  ApimTokens apim_tokens;
  // Signatures of accepted application calls, and encryptions of accepted token-service calls (apim 1001).
  ReplayCache apim_signatures{2 * kApimTimestampSkewMs, kMaxApimReplayEntries};
  ReplayCache apim_encryptions{2 * kApimTimestampSkewMs, kMaxApimEncryptionEntries};
  // Failed API logins (session login, token/get, token/refresh), per source address (one client guessing many
  // names) and per username / appKey (many addresses guessing one). A blocked key is refused before any hash.
  net::FailureLimiter failed_logins_by_address{net::FailureLimiterOptions{
      kLoginFreeFailures, kLoginFailureWindow, kLoginFirstBlock, kLoginMaxBlock, kLoginMaxTrackedKeys}};
  net::FailureLimiter failed_logins_by_name{net::FailureLimiterOptions{
      kLoginFreeFailures, kLoginFailureWindow, kLoginFirstBlock, kLoginMaxBlock, kLoginMaxTrackedKeys}};
  // Password checks (Argon2id) queued or running on `workers`; bounded by kMaxQueuedPasswordChecks.
  std::atomic<std::size_t> password_checks{0};
};

}  // namespace gridhub::api
