// The HTTP session: read a request, hand it to handle_request_async, queue the answer, write in order.
#include "api/http_session.hpp"

#include <boost/beast/core/string.hpp>

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "api/console_assets.hpp"
#include "api/context.hpp"
#include "api/envelope.hpp"
#include "api/limits.hpp"
#include "api/live_session.hpp"
#include "api/router.hpp"
#include "metrics/catalog.hpp"

namespace gridhub::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

HttpSession::HttpSession(asio::ip::tcp::socket socket, std::shared_ptr<SessionSet> set, asio::ssl::context* tls)
    : stream_(std::move(socket)), set_(std::move(set)) {
  if (tls) tls_ = std::make_unique<TlsStream>(stream_, *tls);
  set_->live.insert(this);
}

HttpSession::~HttpSession() { set_->live.erase(this); }

template <class F>
void HttpSession::with_stream(F&& f) {
  if (tls_) f(*tls_);
  else f(stream_);
}

void HttpSession::start() {
  if (!tls_) return do_read();
  stream_.expires_after(kRequestTimeout);  // a client stalling in the handshake is closed like a slow request
  tls_->async_handshake(asio::ssl::stream_base::server,
                        beast::bind_front_handler(&HttpSession::on_handshake, shared_from_this()));
}

void HttpSession::on_handshake(beast::error_code ec) {
  if (ec) {
    spdlog::debug("HTTPS handshake failed: {}", ec.message());
    return close();
  }
  do_read();
}

void HttpSession::close() {
  if (upgraded_) {
    if (auto live = live_.lock()) live->close();
    return;  // the stream was handed over
  }
  closing_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.socket().close(ec);
}

void HttpSession::do_read() {
  if (closing_ || reading_ || awaiting_) return;
  // A fresh parser per request: limits apply to each message, and no state leaks between requests.
  parser_.emplace();
  parser_->body_limit(kMaxBodyBytes);
  parser_->header_limit(kMaxHeaderBytes);
  stream_.expires_after(kRequestTimeout);
  reading_ = true;
  with_stream([&](auto& s) {
    http::async_read_header(s, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_read_header, shared_from_this()));
  });
}

void HttpSession::on_read_header(beast::error_code ec, std::size_t) {
  if (ec) return on_read(ec, 0);
  // curl and others wait (1 s) for "100 Continue" before sending a body; answer it when no response is being
  // written, so the interim response cannot interleave with a queued one.
  const auto& req = parser_->get();
  if (!parser_->is_done() && queue_.empty() && boost::beast::iequals(req[http::field::expect], "100-continue")) {
    continue_.emplace(http::status::continue_, req.version());
    with_stream([&](auto& s) {
      http::async_write(s, *continue_, [self = shared_from_this()](beast::error_code wec, std::size_t) {
        self->continue_.reset();
        if (wec) return self->on_read(wec, 0);
        self->do_read_body();
      });
    });
    return;
  }
  do_read_body();
}

void HttpSession::do_read_body() {
  with_stream([&](auto& s) {
    http::async_read(s, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  });
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
        ec == asio::error::eof || ec == asio::error::connection_reset || closing_) {
      if (queue_.empty()) close();
      else closing_ = true;  // finish writing what was answered
      return;
    }
    // The parser refused the request (limits, syntax): answer it, then close.
    if (ec.category() == beast::error_code(http::error::body_limit).category()) return refuse(ec);
    if (queue_.empty()) close();
    else closing_ = true;
    return;
  }

  auto req = parser_->release();
  if (std::string_view target = req.target(); target.substr(0, target.find('?')) == kLivePath) {
    if (beast::websocket::is_upgrade(req)) return upgrade_to_live(std::move(req));
    awaiting_ = true;
    return on_answer(error(errc::invalid_param, "the live stream is a WebSocket: send an Upgrade request"),
                     req.version(), false);
  }
  if (std::string_view target = req.target(); is_console_path(target.substr(0, target.find('?')))) {
    return answer_console(req);
  }
  ApiRequest request;
  request.method.assign(req.method_string());
  request.target.assign(req.target());
  request.authorization.assign(req[http::field::authorization]);
  request.apim_access_token.assign(req["apim-accesstoken"]);
  request.apim_timestamp.assign(req["apim-timestamp"]);
  request.apim_signature.assign(req["apim-signature"]);
  request.host.assign(req[http::field::host]);
  beast::error_code peer_ec;
  const auto peer = stream_.socket().remote_endpoint(peer_ec);
  if (!peer_ec) request.remote_address = peer.address().to_string();
  request.body = std::move(req.body());
  const bool keep_alive = req.keep_alive() && (request.method == "GET" || request.method == "POST");
  const unsigned version = req.version();

  // The answer may come later from another thread (an immediate command waits up to 60 s for its device): no
  // timeout runs meanwhile, and nothing is canceled if the client goes away (the command goes on; its answer
  // is dropped when the write fails).
  awaiting_ = true;
  stream_.expires_never();
  handle_request_async(set_->ctx, std::move(request),
                       [self = shared_from_this(), version, keep_alive](ApiResponse answer) mutable {
                         // Inline when the router answers on this thread (most routes), posted otherwise.
                         asio::dispatch(self->stream_.get_executor(),
                                        [self, answer = std::move(answer), version, keep_alive]() mutable {
                                          self->on_answer(std::move(answer), version, keep_alive);
                                        });
                       });
}

void HttpSession::on_answer(ApiResponse answer, unsigned version, bool keep_alive) {
  awaiting_ = false;
  if (!stream_.socket().is_open()) return;  // closed meanwhile (server stopping)
  Response res{static_cast<http::status>(answer.status), version};
  res.set(http::field::server, "gridhub");
  res.set(http::field::content_type, answer.content_type);
  res.keep_alive(keep_alive);
  res.body() = std::move(answer.body);
  res.prepare_payload();
  queue(std::move(res));
  if (queue_.size() < kMaxQueuedResponses) do_read();
}

void HttpSession::answer_console(const http::request<http::string_body>& req) {
  const std::string_view target = req.target();
  ConsoleRequest request;
  request.method = req.method_string();
  request.path = target.substr(0, target.find('?'));
  request.accept_encoding = req[http::field::accept_encoding];
  request.if_none_match = req[http::field::if_none_match];
  ConsoleReply reply = serve_console(set_->ctx.console, request);
  Response res{static_cast<http::status>(reply.status), req.version()};
  res.set(http::field::server, "gridhub");
  res.set(http::field::content_type, reply.content_type);
  for (auto& [name, value] : reply.headers) res.set(name, value);
  res.keep_alive(req.keep_alive() && (request.method == "GET" || request.method == "HEAD"));
  if (reply.status == 304) {
    // No Content-Length: a 304's would have to be the full representation's (RFC 9110 §8.6).
  } else if (reply.omit_body) {
    res.content_length(reply.body.size());  // HEAD: the length a GET would send, and no body
  } else {
    res.body() = std::move(reply.body);
    res.prepare_payload();
  }
  queue(std::move(res));
  if (queue_.size() < kMaxQueuedResponses) do_read();
}

void HttpSession::refuse(beast::error_code ec) {
  ApiResponse answer;
  if (ec == http::error::body_limit)
    answer = error(errc::body_too_large, "request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  else if (ec == http::error::header_limit)
    answer = error(errc::header_too_large, "request header is larger than " + std::to_string(kMaxHeaderBytes) + " bytes");
  else
    answer = error(errc::invalid_param, "malformed HTTP request: " + ec.message());
  Response res{static_cast<http::status>(answer.status), 11};
  res.set(http::field::server, "gridhub");
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  res.body() = std::move(answer.body);
  res.prepare_payload();
  queue(std::move(res));
}

void HttpSession::queue(Response res) {
  metrics::count_http_response(res.result_int());
  if (!res.keep_alive()) closing_ = true;
  queue_.push_back(std::move(res));
  if (queue_.size() == 1 && !continue_) do_write();
}

void HttpSession::do_write() {
  stream_.expires_after(kRequestTimeout);
  const bool close_after = !queue_.front().keep_alive();
  with_stream([&](auto& s) {
    http::async_write(s, queue_.front(),
                      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close_after));
  });
}

void HttpSession::on_write(bool close_after, beast::error_code ec, std::size_t) {
  if (ec) {
    close();
    return;
  }
  queue_.pop_front();
  if (close_after) {
    closing_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    lingered_ = 0;
    stream_.expires_after(kLingerTimeout);
    return do_linger();
  }
  if (!queue_.empty()) return do_write();
  if (closing_) return close();
  do_read();  // resumes reading if the queue was full (no-op while a read is pending)
}

void HttpSession::do_linger() {
  // Closing with unread bytes makes the kernel send RST, which can destroy the answer in flight (a client still
  // sending a refused body would see "connection reset", not our 413). Read and drop until the peer closes.
  with_stream([&](auto& s) {
    s.async_read_some(buffer_.prepare(kLingerChunkBytes),
                      [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                        self->lingered_ += n;
                        if (ec || self->lingered_ > kMaxLingerBytes) return self->close();
                        self->do_linger();
                      });
  });
}

void HttpSession::upgrade_to_live(http::request<http::string_body> req) {
  // Pipelined responses still being written would interleave with the 101: refuse the upgrade then.
  if (!queue_.empty() || continue_) {
    awaiting_ = true;
    return on_answer(error(errc::invalid_param, "upgrade after pipelined requests"), req.version(), false);
  }
  upgraded_ = true;
  closing_ = true;
  std::shared_ptr<LiveStream> live;
  if (tls_)  // the TLS state moves; the TCP stream under it stays here, kept alive by the live session
    live = std::make_shared<LiveSession<TlsLiveStream>>(std::move(*tls_), set_->ctx, shared_from_this());
  else
    live = std::make_shared<LiveSession<beast::tcp_stream>>(std::move(stream_), set_->ctx, shared_from_this());
  live_ = live;
  live->start(std::move(req));
}

}  // namespace gridhub::api
