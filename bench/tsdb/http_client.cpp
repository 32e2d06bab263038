// A GET that finds its kept-alive connection closed is retried once on a fresh one; a POST never is (an
// import the server did take must not be sent twice: VictoriaMetrics would keep both copies).
#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/http.hpp>

namespace gridhub::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpConnection::HttpConnection(std::string host, uint16_t port)
    : host_(std::move(host)), port_(port), socket_(io_) {}

bool HttpConnection::connect(std::string& error) {
  boost::system::error_code ec;
  socket_.close(ec);
  buffer_.clear();
  const auto address = asio::ip::make_address(host_, ec);
  if (ec) {
    error = "bad address " + host_ + ": " + ec.message();
    return false;
  }
  socket_.connect(asio::ip::tcp::endpoint(address, port_), ec);
  if (ec) {
    error = "connect " + host_ + ":" + std::to_string(port_) + ": " + ec.message();
    return false;
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  return true;
}

bool HttpConnection::get(std::string_view target, HttpReply& reply, std::string& error) {
  return exchange(false, target, {}, {}, reply, error);
}

bool HttpConnection::post(std::string_view target, std::string body, std::string_view content_type,
                          HttpReply& reply, std::string& error) {
  return exchange(true, target, std::move(body), content_type, reply, error);
}

bool HttpConnection::exchange(bool is_post, std::string_view target, std::string body,
                              std::string_view content_type, HttpReply& reply, std::string& error) {
  const int attempts = is_post ? 1 : 2;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (!socket_.is_open() && !connect(error)) return false;
    http::request<http::string_body> req{is_post ? http::verb::post : http::verb::get, target, 11};
    req.set(http::field::host, host_);
    req.keep_alive(true);
    if (is_post) {
      req.set(http::field::content_type, content_type);
      req.body() = std::move(body);
      req.prepare_payload();
    }
    boost::system::error_code ec;
    http::write(socket_, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    if (!ec) http::read(socket_, buffer_, parser, ec);
    if (ec) {
      error = std::string(is_post ? "POST " : "GET ") + std::string(target.substr(0, 80)) + ": " + ec.message();
      socket_.close(ec);
      continue;
    }
    auto res = parser.release();
    reply.status = res.result_int();
    reply.body = std::move(res.body());
    if (!res.keep_alive()) socket_.close(ec);
    return true;
  }
  return false;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace gridhub::bench
