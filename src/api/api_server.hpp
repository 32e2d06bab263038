// The provisioning API's public entry point: the EnOS-shaped REST API (model, connection and measure-point
// services) served over HTTP on the hub's io threads. handle_request (router.hpp) is the same without a socket.
#pragma once
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "api/context.hpp"
#include "api/http_server.hpp"
#include "api/router.hpp"

namespace gridhub::api {

struct ApiOptions {
  std::string bind = "0.0.0.0";
  uint16_t http_port = 8080;  // 0 = any free port
};

// start() and port() from the owning thread; stop() from any thread. The loops are run by the caller.
class ApiServer {
 public:
  ApiServer(std::vector<boost::asio::io_context*> loops, registry::Registry& registry, tsdb::TimeSeriesStore& store,
            hub::Hub& hub, registry::EventLog& events, ApiOptions options);
  ~ApiServer();

  std::error_code start();  // bind + accept on every loop
  void stop();              // stop accepting, close sessions (posted to their loops)
  uint16_t port() const;
  ApiContext& context() { return *ctx_; }

 private:
  std::unique_ptr<ApiContext> ctx_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace gridhub::api
