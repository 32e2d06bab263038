// ApiServer: the API context plus its HTTP listener.
#include "api/api_server.hpp"

namespace gridhub::api {

ApiServer::ApiServer(std::vector<boost::asio::io_context*> loops, registry::Registry& registry,
                     tsdb::TimeSeriesStore& store, hub::Hub& hub, registry::EventLog& events,
                     ApiOptions options)
    : ctx_(std::make_unique<ApiContext>(registry, store, hub, events)),
      http_(std::make_unique<HttpServer>(std::move(loops), *ctx_, std::move(options.bind), options.http_port)) {}

ApiServer::~ApiServer() = default;

std::error_code ApiServer::start() { return http_->start(); }
void ApiServer::stop() { http_->stop(); }
uint16_t ApiServer::port() const { return http_->port(); }

}  // namespace gridhub::api
