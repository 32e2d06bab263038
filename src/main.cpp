// gridhub: `serve` runs the platform; model/product/device are admin commands that call its API.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "server/console_flags.hpp"
#include "server/operations_flags.hpp"
#include "server/tls_flags.hpp"
#include "server/config.hpp"
#include "server/server.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Gridhub: a self-hosted IoT platform that speaks the EnOS device protocol"};
  app.require_subcommand(1);

  gridhub::server::Config config;
  std::string config_file;
  auto* serve = app.add_subcommand("serve", "run the hub, the API and the stores");
  serve->add_option("--config", config_file, "TOML configuration file (flags override it)");
  serve->add_option("--data-dir", config.data_dir, "data directory")->capture_default_str();
  serve->add_option("--bind", config.bind, "address to listen on")->capture_default_str();
  serve->add_option("--mqtt-port", config.mqtt_port, "MQTT port (0 = any)")->capture_default_str();
  serve->add_option("--http-port", config.http_port, "HTTP port (0 = any)")->capture_default_str();
  serve->add_option("--threads", config.threads, "io threads (0 = one per core)")->capture_default_str();
  serve->add_option("--durability", config.durability, "none | flush | fsync")->capture_default_str();
  serve->add_option("--log-level", config.log_level, "trace debug info warn error")->capture_default_str();
  serve->add_option("--connack-delay-ms", config.connack_delay_ms, "delay before CONNACK (Python SDK race)")
      ->capture_default_str();
  serve->add_option("--retention-sweep-s", config.retention_sweep_s, "seconds between retention sweeps")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  serve->add_option("--event-retention-days", config.event_retention_days, "days device events are kept")
      ->capture_default_str()
      ->check(CLI::Range(1u, 36600u));
  serve->add_option("--command-delay-ms", config.command_delay_ms,
                    "after a device logs in, wait this long before sending it commands")
      ->capture_default_str();
  serve->add_option("--login-failures-per-device", config.login_failures_per_device,
                    "failed logins of one device before it is throttled")
      ->capture_default_str();
  serve->add_option("--login-failures-per-address", config.login_failures_per_address,
                    "failed logins from one address before it is throttled")
      ->capture_default_str();
  serve->add_option("--max-sub-devices", config.max_sub_devices,
                    "sub-devices one gateway connection may have logged in at once")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100000u));
  gridhub::server::add_tls_flags(*serve, config);
  gridhub::server::add_console_flags(*serve, config);
  gridhub::server::add_operations_flags(*serve, config);
  serve->add_flag("--demo", config.demo, "provision the smart-battery lab");
  gridhub::cli::add_commands(app);

  // The config file is read first and the flags parsed again over it, so that flags win.
  CLI11_PARSE(app, argc, argv);
  if (serve->parsed()) {
    if (!config_file.empty()) {
      gridhub::server::Config from_file;
      std::string error;
      if (!gridhub::server::load_config_file(config_file, from_file, error)) {
        std::fprintf(stderr, "gridhub: %s\n", error.c_str());
        return 2;
      }
      config = from_file;
      CLI11_PARSE(app, argc, argv);
    }
    return gridhub::server::run_server(config);
  }
  int rc = gridhub::cli::run_selected();
  return rc < 0 ? 2 : rc;
}
