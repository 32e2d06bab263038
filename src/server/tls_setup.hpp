// Which certificate the server's TLS listeners use: the configured files, or a local CA and server
// certificate created in <data_dir>/tls (pki::ensure_local_tls), and the OpenSSL contexts built from them.
#pragma once
#include <memory>
#include <string>

#include "server/config.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gridhub::server {

struct ServerTls {
  std::shared_ptr<boost::asio::ssl::context> mqtt;  // asks devices for a client certificate; null: no MQTT/TLS
  std::shared_ptr<boost::asio::ssl::context> http;  // null: plain HTTP
  std::string cert_file;  // the server certificate in use
  std::string ca_file;    // the local CA devices should trust ("" when the certificate was configured)
};

// Fails (false + error) when configured files are missing or do not load, or when HTTPS is asked for and no
// certificate can be had. When only the default MQTT/TLS listener is on and the local certificate cannot be
// created, logs a warning and leaves tls.mqtt null: plain MQTT and HTTP still serve.
bool setup_tls(const Config& config, ServerTls& tls, std::string& error);

}  // namespace gridhub::server
