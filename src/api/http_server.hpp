// The HTTP listener: one acceptor per io_context on a shared port (SO_REUSEPORT, like the hub), each
// connection an HttpSession on the loop that accepted it.
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace gridhub::api {

struct ApiContext;

// start() and port() from the owning thread; stop() from any thread.
class HttpServer {
 public:
  // `tls`: serve HTTPS with it (every connection starts with a TLS handshake); null: plain HTTP.
  HttpServer(std::vector<boost::asio::io_context*> loops, ApiContext& ctx, std::string bind, uint16_t port,
             std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds every loop's acceptor (port 0: any free port, shared by all loops) and starts accepting.
  std::error_code start();
  // Stops accepting and closes every session, each on its own loop (posted). Idempotent.
  void stop();
  uint16_t port() const { return port_; }
  bool tls() const { return tls_ != nullptr; }

 private:
  struct Loop;
  static void do_accept(const std::shared_ptr<Loop>& loop);

  std::vector<boost::asio::io_context*> io_;
  ApiContext& ctx_;
  std::string bind_;
  uint16_t port_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  // Shared with pending accepts and sessions, which may outlive this object at shutdown.
  std::vector<std::shared_ptr<Loop>> loops_;
  std::atomic<bool> stopped_{false};
};

}  // namespace gridhub::api
