// One synchronous HTTP/1.1 POST (Boost.Beast) is all provisioning needs here; the hot path is api_caller.
#include "commands/provision.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace gridhub::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;

bool read_admin(const std::string& path, AdminCredential& admin, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(ss.str(), ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* org = o ? o->if_contains("orgId") : nullptr;
  const json::value* token = o ? o->if_contains("token") : nullptr;
  if (!org || !token || !org->is_string() || !token->is_string()) {
    error = "cannot read {orgId, token} from " + path;
    return false;
  }
  admin.org_id = org->get_string();
  admin.token = token->get_string();
  return true;
}

bool create_product(const std::string& host, uint16_t port, const AdminCredential& admin, const std::string& model_id,
                    const std::string& name, std::string& product_key, std::string& error) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (!ec) asio::connect(socket, endpoints, ec);
  if (ec) {
    error = "connect to the API: " + ec.message();
    return false;
  }
  const std::string target = "/connect-service/v2.1/products?action=create&orgId=" + admin.org_id;
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::authorization, "Bearer " + admin.token);
  req.set(http::field::content_type, "application/json");
  req.body() = json::serialize(json::object{
      {"productName", name}, {"modelId", model_id}, {"dataFormat", "Json"}, {"productType", "Device"}});
  req.prepare_payload();
  http::write(socket, req, ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  if (!ec) http::read(socket, buffer, res, ec);
  if (ec) {
    error = "POST " + target + ": " + ec.message();
    return false;
  }
  json::value v = json::parse(res.body(), ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* code = o ? o->if_contains("code") : nullptr;
  const json::value* data = o ? o->if_contains("data") : nullptr;
  if (data && data->is_object() && data->as_object().contains("productKey")) data = &data->as_object().at("productKey");
  if (res.result() != http::status::ok || !code || !code->is_int64() || code->get_int64() != 0 || !data ||
      !data->is_string()) {
    error = "POST " + target + " -> HTTP " + std::to_string(res.result_int()) + ": " + res.body().substr(0, 300);
    return false;
  }
  product_key = data->get_string();
  return true;
}

}  // namespace gridhub::bench
