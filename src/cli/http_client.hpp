// A small synchronous HTTP client for the admin CLI (Beast): one request, one JSON response.
#pragma once
#include <string>

namespace gridhub::cli {

struct HttpResult {
  unsigned status = 0;   // 0 = no response (connection failed)
  std::string body;
  std::string error;     // transport error text when status == 0
};

// `url` is "http://host:port"; `target` the path and query. Sends `Authorization: Bearer <token>`.
HttpResult http_request(const std::string& url, const std::string& method, const std::string& target,
                        const std::string& token, const std::string& body);

}  // namespace gridhub::cli
