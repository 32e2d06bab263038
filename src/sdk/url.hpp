// The client URL: tcp://host:port or ssl://host:port (the EnOS SDKs' form; a bare host:port is refused).
#pragma once
#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace gridhub::device::detail {

struct Endpoint {
  bool tls = false;
  std::string host;  // name, IPv4, or IPv6 without brackets
  std::string port;  // decimal 1..65535
};

// Errors: errc::invalid_url.
boost::system::result<Endpoint> parse_url(std::string_view url);

}  // namespace gridhub::device::detail
