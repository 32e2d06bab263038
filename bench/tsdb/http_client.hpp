// One kept-alive HTTP/1.1 connection (Boost.Beast, synchronous, error codes only) for talking to
// VictoriaMetrics: imports, queries, /metrics.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace gridhub::bench {

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

// Not thread-safe: one per thread.
class HttpConnection {
 public:
  HttpConnection(std::string host, uint16_t port);

  // Sends one request and reads its reply (bodies up to 1 GiB). Connects on first use; a GET is retried once
  // on a fresh connection after a network error (the server may have closed the kept-alive one), a POST is
  // not. False with a message on a network error; any status is a reply.
  bool get(std::string_view target, HttpReply& reply, std::string& error);
  bool post(std::string_view target, std::string body, std::string_view content_type, HttpReply& reply,
            std::string& error);

 private:
  bool exchange(bool is_post, std::string_view target, std::string body, std::string_view content_type,
                HttpReply& reply, std::string& error);
  bool connect(std::string& error);

  std::string host_;
  uint16_t port_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// Percent-encodes a query-string value (RFC 3986 unreserved characters pass as they are).
std::string url_encode(std::string_view s);

}  // namespace gridhub::bench
