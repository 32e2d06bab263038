// TLS at start-up: configured certificate or the local CA, then one context per listener.
#include "server/tls_setup.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <vector>

#include "net/tls_context.hpp"
#include "pki/pki.hpp"

namespace gridhub::server {

namespace {

// The names a local client may use for this machine: the server certificate covers them all.
std::vector<std::string> local_hosts() {
  std::vector<std::string> hosts{"localhost", "127.0.0.1"};
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) == 0 && name[0] && hosts[0] != name) hosts.emplace_back(name);
  return hosts;
}

}  // namespace

bool setup_tls(const Config& config, ServerTls& tls, std::string& error) {
  if (!config.mqtt_tls && !config.http_tls) return true;
  net::TlsServerOptions options;
  if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      error = "tls.cert and tls.key go together: give both or neither";
      return false;
    }
    options.cert_file = config.tls_cert;
    options.key_file = config.tls_key;
  } else {
    const auto dir = std::filesystem::path(config.data_dir) / "tls";
    std::string why;
    auto files = pki::ensure_local_tls(dir, local_hosts(), why);
    if (!files) {
      if (config.http_tls) {
        error = "cannot create the local TLS certificate in " + dir.string() + ": " + why;
        return false;
      }
      spdlog::warn("MQTT/TLS disabled: cannot create the local TLS certificate in {}: {}", dir.string(), why);
      return true;
    }
    if (files->created) spdlog::info("created a local CA and server certificate in {}", dir.string());
    options.cert_file = files->server_cert.string();
    options.key_file = files->server_key.string();
    tls.ca_file = files->ca_cert.string();
  }
  tls.cert_file = options.cert_file;
  if (config.http_tls) {
    tls.http = net::make_tls_server_context(options, error);
    if (!tls.http) return false;
  }
  if (config.mqtt_tls) {
    options.request_client_certificate = true;  // biDirectionalAuth devices log in with one
    tls.mqtt = net::make_tls_server_context(options, error);
    if (!tls.mqtt) return false;
  }
  return true;
}

}  // namespace gridhub::server
