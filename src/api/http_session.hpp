// One HTTP/1.1 connection in Beast's shape: a fresh parser per request (body and header limits), a 30 s
// timeout, keep-alive, Expect: 100-continue, and at most kMaxQueuedResponses responses waiting to be written
// before it stops reading (backpressure). Requests are answered asynchronously (handle_request_async): the
// next request is read only once the current one is answered, so responses leave in request order. Over HTTPS
// the same session runs on a TLS stream over the TCP stream, after a handshake under the same timeout.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_set>

#include "api/router.hpp"

namespace boost::asio::ssl {
class context;
template <typename Stream>
class stream;
}  // namespace boost::asio::ssl

namespace gridhub::api {

struct ApiContext;
class HttpSession;
class LiveStream;

// What the sessions of one io thread share with the listener. Touched only on that thread; sessions hold it
// so it outlives them even when the server object is gone first.
struct SessionSet {
  explicit SessionSet(ApiContext& c) : ctx(c) {}
  ApiContext& ctx;
  std::unordered_set<HttpSession*> live;
};

// Lives on one io_context (its thread) for its whole life; kept alive by its pending operations.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `tls`: HTTPS (the session starts with the server handshake); null: plain HTTP.
  HttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionSet> set,
              boost::asio::ssl::context* tls = nullptr);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();
  // Closes the socket; pending operations end with operation_aborted and the session goes away. After an
  // upgrade to the live stream, closes that stream (the server's stop path reaches it through here).
  // REQUIRES: called on the session's io thread.
  void close();

 private:
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  // Calls f(stream) with the stream requests and responses travel on: the TLS stream or the TCP stream.
  template <class F>
  void with_stream(F&& f);
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read_header(boost::beast::error_code ec, std::size_t n);
  void do_read_body();
  void on_read(boost::beast::error_code ec, std::size_t n);
  // The router's answer to the request being handled, back on this session's thread.
  void on_answer(ApiResponse answer, unsigned version, bool keep_alive);
  // A console file (console_assets.hpp): served here, not by the router, since it is no JSON API call and
  // needs the request's headers and its own response headers.
  void answer_console(const boost::beast::http::request<boost::beast::http::string_body>& req);
  // Answers a request the parser refused (too large, malformed) and closes after the answer.
  void refuse(boost::beast::error_code ec);
  void queue(Response res);
  void do_write();
  void on_write(bool close, boost::beast::error_code ec, std::size_t n);
  // After the last response: half-closed, drains what the peer still sends, then closes.
  void do_linger();
  // GET kLivePath with a WebSocket upgrade: the stream goes to a LiveSession, which keeps this one alive (over
  // TLS it runs on this session's TCP stream).
  void upgrade_to_live(boost::beast::http::request<boost::beast::http::string_body> req);

  using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream&>;
  boost::beast::tcp_stream stream_;  // the TCP connection; its timer bounds every read and write (TLS too)
  std::unique_ptr<TlsStream> tls_;   // HTTPS only
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::deque<Response> queue_;  // front() is being written
  std::shared_ptr<SessionSet> set_;
  std::size_t lingered_ = 0;
  bool reading_ = false;
  bool awaiting_ = false;  // a request is with the router (perhaps waiting on a device): read no further
  bool closing_ = false;  // a response that closes the connection is queued: read no more
  // Holds a 100 Continue interim response while it is written (never at the same time as a queued one).
  std::optional<boost::beast::http::response<boost::beast::http::empty_body>> continue_;
  std::weak_ptr<LiveStream> live_;  // after an upgrade: the stream now owns the socket
  bool upgraded_ = false;
};

}  // namespace gridhub::api
