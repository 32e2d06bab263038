// Blocking HTTP/1.1 request with Beast, used only by the CLI.
#include "cli/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace gridhub::cli {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

HttpResult http_request(const std::string& url, const std::string& method, const std::string& target,
                        const std::string& token, const std::string& body) {
  HttpResult result;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http") {
    result.error = "bad URL '" + url + "' (expected http://host:port)";
    return result;
  }
  const std::string host = parsed->host();
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host, port, ec);
  if (!ec) stream.connect(endpoints, ec);
  if (ec) {
    result.error = "cannot reach " + url + ": " + ec.message();
    return result;
  }
  http::request<http::string_body> req{method == "GET" ? http::verb::get : http::verb::post, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "gridhub-cli");
  req.set(http::field::content_type, "application/json");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buffer, res, ec);
  if (ec) {
    result.error = "request failed: " + ec.message();
    return result;
  }
  result.status = res.result_int();
  result.body = std::move(res.body());
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return result;
}

}  // namespace gridhub::cli
