// TLS flags of `gridhub serve`.
#include "server/tls_flags.hpp"

namespace gridhub::server {

void add_tls_flags(CLI::App& serve, Config& config) {
  serve.add_option("--tls-port", config.tls_port, "MQTT over TLS port (0 = any)")->capture_default_str();
  serve.add_flag("!--no-mqtt-tls", config.mqtt_tls, "no MQTT/TLS listener");
  serve.add_flag("--https", config.http_tls, "serve the API over HTTPS (same port, same certificate)");
  serve.add_option("--tls-cert", config.tls_cert,
                   "server certificate PEM (default: a local CA's, created in <data-dir>/tls)");
  serve.add_option("--tls-key", config.tls_key, "server private key PEM");
}

}  // namespace gridhub::server
