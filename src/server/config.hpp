// Server configuration: embedded defaults that run the demo, a TOML file, and command-line flags over both.
#pragma once
#include <cstdint>
#include <string>

namespace gridhub::server {

struct Config {
  std::string data_dir = "data";
  std::string bind = "0.0.0.0";
  uint16_t mqtt_port = 11883;
  uint16_t http_port = 8080;
  // TLS (docs/tls.md). Without cert and key files, `serve` creates a local CA and server certificate in
  // <data_dir>/tls and uses those.
  bool mqtt_tls = true;                 // the MQTT/TLS listener on tls_port
  uint16_t tls_port = 18883;            // 0 = any free port
  bool http_tls = false;                // serve the API over HTTPS (same port, same certificate)
  std::string tls_cert, tls_key;        // PEM files: server certificate (+ chain) and its key
  unsigned threads = 0;                 // io threads; 0 = one per core
  std::string durability = "fsync";     // none | flush | fsync: what a reply with code 200 promises
  std::string log_level = "info";       // trace debug info warn error
  std::string log_format = "text";      // text | json (one JSON object per line; docs/operations.md)
  bool metrics_public = false;          // GET /metrics without a credential
  std::size_t max_packet_size = 1024 * 1024;
  unsigned connack_delay_ms = 30;
  unsigned retention_sweep_s = 600;     // how often expired history partitions (and old events) are looked for
  unsigned event_retention_days = 90;   // device events older than this are deleted
  unsigned command_delay_ms = 1000;     // after CONNACK, before the first command (the SDKs' 1101 race)
  unsigned login_failures_per_device = 5;    // failed logins before a device is throttled (then 1 s, doubling)
  unsigned login_failures_per_address = 20;
  unsigned max_sub_devices = 200;  // sub-devices one gateway connection may have online at once  // the same per source address
  bool demo = false;                    // provision the smart-battery lab
  // The web console (docs/console.md): served from this directory, read per request, instead of the copy built
  // into the binary ("" = the built-in copy). For front-end work: `node console/build.mjs DIR --dev`.
  std::string console_dir;
  // The host devices and browsers should use (environment information); "" = the host the browser asked for.
  std::string public_host;
};

// Reads a TOML file into `config`: top-level `key = value` pairs and the sections [mqtt], [http], [tls], [store],
// [log] (`[mqtt] port = 11883` is the key "mqtt.port"). Strings are quoted, numbers bare, booleans true/false, `#`
// starts a comment. Returns false with `error` naming the line on a syntax error or an unknown key.
bool load_config_file(const std::string& path, Config& config, std::string& error);

}  // namespace gridhub::server
