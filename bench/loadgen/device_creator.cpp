// A minimal synchronous HTTP/1.1 client on Beast (keep-alive, reconnect on a closed connection) and the two
// calls provisioning needs: products?action=create and devices?action=create.
#include "loadgen/device_creator.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace gridhub::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using boost::system::error_code;

namespace {

struct Admin {
  std::string org_id, token;
};

bool read_admin(const std::string& path, Admin& admin, std::string& error) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  error_code ec;
  json::value v = json::parse(ss.str(), ec);
  const json::object* o = ec ? nullptr : v.if_object();
  if (!o || !o->contains("orgId") || !o->contains("token") || !o->at("orgId").is_string() ||
      !o->at("token").is_string()) {
    error = "cannot read {orgId, token} from " + path;
    return false;
  }
  admin.org_id = o->at("orgId").get_string();
  admin.token = o->at("token").get_string();
  return true;
}

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port, std::string token)
      : host_(std::move(host)), port_(port), token_(std::move(token)), socket_(io_) {}

  // POSTs `body` to `target`; on success `data` is the envelope's "data" (code 0 required).
  bool post(const std::string& target, const std::string& body, json::value& data, std::string& error) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      error_code ec;
      if (!socket_.is_open()) {
        asio::ip::tcp::resolver resolver(io_);
        auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
        if (!ec) asio::connect(socket_, endpoints, ec);
        if (ec) {
          error = "connect to the API: " + ec.message();
          socket_.close(ec);
          return false;
        }
      }
      http::request<http::string_body> req{http::verb::post, target, 11};
      req.set(http::field::host, host_);
      req.set(http::field::authorization, "Bearer " + token_);
      req.set(http::field::content_type, "application/json");
      req.keep_alive(true);
      req.body() = body;
      req.prepare_payload();
      http::write(socket_, req, ec);
      boost::beast::flat_buffer buffer;
      http::response<http::string_body> res;
      if (!ec) http::read(socket_, buffer, res, ec);
      if (ec) {  // the server may have closed an idle keep-alive connection: reconnect once
        error = "HTTP " + target + ": " + ec.message();
        socket_.close(ec);
        continue;
      }
      if (!res.keep_alive()) socket_.close(ec);
      json::value v = json::parse(res.body(), ec);
      const json::object* o = ec ? nullptr : v.if_object();
      const json::value* code = o ? o->if_contains("code") : nullptr;
      if (res.result() != http::status::ok || !code || !code->is_number() || code->to_number<int64_t>(ec) != 0) {
        error = "POST " + target + " -> HTTP " + std::to_string(res.result_int()) + ": " + res.body();
        return false;
      }
      data = o->contains("data") ? o->at("data") : json::value();
      return true;
    }
    return false;
  }

 private:
  std::string host_;
  uint16_t port_;
  std::string token_;
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
};

std::string string_field(const json::value& v, const char* key) {
  const json::object* o = v.if_object();
  const json::value* f = o ? o->if_contains(key) : nullptr;
  return f && f->is_string() ? std::string(f->get_string()) : std::string();
}

}  // namespace

bool create_devices(const Options& options, std::vector<DeviceCredentials>& out, std::string& error) {
  Admin admin;
  if (!read_admin(options.admin_file, admin, error)) return false;
  std::string product_key = options.product_key;
  if (product_key.empty()) {
    if (options.model_id.empty()) {
      error = "--create-devices needs --product-key or --model-id";
      return false;
    }
    HttpClient client(options.api_host, options.api_port, admin.token);
    json::value data;
    const std::string body = json::serialize(json::object{{"productName", options.product_name},
                                                          {"modelId", options.model_id},
                                                          {"dataFormat", "Json"},
                                                          {"productType", "Device"}});
    if (!client.post("/connect-service/v2.1/products?action=create&orgId=" + admin.org_id, body, data, error))
      return false;
    product_key = data.is_string() ? std::string(data.get_string()) : string_field(data, "productKey");
    if (product_key.empty()) {
      error = "products?action=create returned no productKey: " + json::serialize(data);
      return false;
    }
  }

  const std::size_t n = options.create_devices;
  out.assign(n, DeviceCredentials{});
  std::mutex mutex;
  std::string first_error;
  const unsigned threads = std::max(1u, options.api_connections);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      HttpClient client(options.api_host, options.api_port, admin.token);
      const std::string target = "/connect-service/v2.1/devices?action=create&orgId=" + admin.org_id;
      for (std::size_t i = t; i < n; i += threads) {
        const std::string key = options.device_prefix + std::to_string(i + 1);
        const std::string body = json::serialize(json::object{
            {"productKey", product_key}, {"deviceName", key}, {"deviceKey", key}, {"timezone", "+00:00"}});
        json::value data;
        std::string err;
        if (!client.post(target, body, data, err)) {
          std::lock_guard lock(mutex);
          if (first_error.empty()) first_error = err;
          return;
        }
        DeviceCredentials d{string_field(data, "productKey"), string_field(data, "deviceKey"),
                            string_field(data, "deviceSecret")};
        if (d.product_key.empty()) d.product_key = product_key;
        if (d.device_key.empty()) d.device_key = key;
        if (d.device_secret.empty()) {
          std::lock_guard lock(mutex);
          if (first_error.empty()) first_error = "devices?action=create returned no deviceSecret for " + key;
          return;
        }
        out[i] = std::move(d);
      }
    });
  }
  for (auto& th : pool) th.join();
  if (!first_error.empty()) {
    error = first_error;
    return false;
  }
  return true;
}

}  // namespace gridhub::bench
