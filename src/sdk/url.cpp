// Parsing of tcp:// and ssl:// URLs.
#include "sdk/url.hpp"

#include <charconv>

#include "gridhub/device/errc.hpp"

namespace gridhub::device::detail {

boost::system::result<Endpoint> parse_url(std::string_view url) {
  Endpoint e;
  if (url.starts_with("tcp://")) {
    url.remove_prefix(6);
  } else if (url.starts_with("ssl://")) {
    e.tls = true;
    url.remove_prefix(6);
  } else {
    return make_error_code(errc::invalid_url);
  }
  std::string_view host, port;
  if (url.starts_with('[')) {  // [v6]:port
    auto close = url.find(']');
    if (close == std::string_view::npos || close + 1 >= url.size() || url[close + 1] != ':')
      return make_error_code(errc::invalid_url);
    host = url.substr(1, close - 1);
    port = url.substr(close + 2);
  } else {
    auto colon = url.rfind(':');
    if (colon == std::string_view::npos) return make_error_code(errc::invalid_url);
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return make_error_code(errc::invalid_url);
  }
  if (host.empty() || host.find('/') != std::string_view::npos) return make_error_code(errc::invalid_url);
  if (!port.empty() && port.back() == '/') port.remove_suffix(1);  // tcp://h:1883/ as some configs write
  unsigned n = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || n == 0 || n > 65535)
    return make_error_code(errc::invalid_url);
  e.host = std::string(host);
  e.port = std::to_string(n);
  return e;
}

}  // namespace gridhub::device::detail
