// Listener start-up and shutdown: per-loop acceptors on one port, the accept loop, closing sessions.
#include "api/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "api/http_session.hpp"
#include "net/listen.hpp"

namespace gridhub::api {

namespace asio = boost::asio;
using asio::ip::tcp;

struct HttpServer::Loop {
  Loop(asio::io_context& io, ApiContext& ctx, std::shared_ptr<asio::ssl::context> tls)
      : acceptor(io), retry(io), sessions(std::make_shared<SessionSet>(ctx)), tls(std::move(tls)) {}
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // after an accept error such as EMFILE
  std::shared_ptr<SessionSet> sessions;
  std::shared_ptr<asio::ssl::context> tls;  // null: plain HTTP
  std::atomic<bool> stopped{false};
};

HttpServer::HttpServer(std::vector<asio::io_context*> loops, ApiContext& ctx, std::string bind, uint16_t port,
                       std::shared_ptr<asio::ssl::context> tls)
    : io_(std::move(loops)), ctx_(ctx), bind_(std::move(bind)), port_(port), tls_(std::move(tls)) {}

HttpServer::~HttpServer() { stop(); }

std::error_code HttpServer::start() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(bind_, ec);
  if (ec) return std::make_error_code(std::errc::invalid_argument);
  uint16_t port = port_;
  for (auto* io : io_) {
    auto loop = std::make_shared<Loop>(*io, ctx_, tls_);
    if (auto e = net::listen_shared(loop->acceptor, tcp::endpoint(address, port))) return e;
    port = loop->acceptor.local_endpoint().port();  // port 0: the others join the port the first one got
    loops_.push_back(std::move(loop));
  }
  port_ = port;
  for (auto& loop : loops_) do_accept(loop);
  return {};
}

void HttpServer::do_accept(const std::shared_ptr<Loop>& loop) {
  loop->acceptor.async_accept([loop](boost::system::error_code ec, tcp::socket socket) {
    if (loop->stopped) return;
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors and the like: try again shortly instead of spinning.
      spdlog::warn("HTTP accept: {}", ec.message());
      loop->retry.expires_after(std::chrono::milliseconds(100));
      loop->retry.async_wait([loop](boost::system::error_code tec) {
        if (!tec && !loop->stopped) do_accept(loop);
      });
      return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small JSON answers must not wait for Nagle
    std::make_shared<HttpSession>(std::move(socket), loop->sessions, loop->tls.get())->start();
    do_accept(loop);
  });
}

void HttpServer::stop() {
  if (stopped_.exchange(true)) return;
  for (auto& loop : loops_) {
    loop->stopped = true;
    asio::post(loop->acceptor.get_executor(), [loop] {
      boost::system::error_code ec;
      loop->acceptor.close(ec);
      loop->retry.cancel();
      // close() ends each session's operations; their handlers erase them from the set later, but walk a copy.
      std::vector<HttpSession*> sessions(loop->sessions->live.begin(), loop->sessions->live.end());
      for (auto* s : sessions) s->close();
    });
  }
}

}  // namespace gridhub::api
