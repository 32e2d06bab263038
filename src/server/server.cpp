// Start-up and shutdown, top to bottom (Redis's server.c in miniature).
#include "server/server.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <condition_variable>
#include <mutex>
#include <filesystem>
#include <thread>

#include "api/api_server.hpp"
#include "api/routes.hpp"
#include "hub/hub.hpp"
#include "registry/event_log.hpp"
#include "registry/sqlite_registry.hpp"
#include "server/bootstrap.hpp"
#include "server/embedded_console.hpp"
#include "server/json_log_formatter.hpp"
#include "server/retention.hpp"
#include "server/tls_setup.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::server {

namespace asio = boost::asio;

namespace {

bool parse_durability(const std::string& s, tsdb::Durability& out) {
  if (s == "none") out = tsdb::Durability::None;
  else if (s == "flush") out = tsdb::Durability::Flush;
  else if (s == "fsync") out = tsdb::Durability::Fsync;
  else return false;
  return true;
}

// Many device connections need many descriptors: take the hard limit.
void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// How a device reaches the TLS listener and what it trusts (stdout, with the demo banner or alone).
void print_tls(const ServerTls& tls, uint16_t tls_port) {
  if (!tls.mqtt || tls.ca_file.empty()) return;
  std::printf(
      "TLS: devices trust the local CA %s\n"
      "  e.g. mosquitto_pub --cafile %s -h localhost -p %u ...\n"
      "  (biDirectionalAuth products also need --cert/--key: a certificate from certificates?action=apply)\n",
      tls.ca_file.c_str(), tls.ca_file.c_str(), tls_port);
  std::fflush(stdout);
}

void print_demo(const Config& config, const AdminInfo& admin, const DemoInfo& demo, uint16_t mqtt_port,
                uint16_t http_port, uint16_t tls_port, bool https) {
  const std::string host = config.bind == "0.0.0.0" ? "127.0.0.1" : config.bind;
  const std::string tls_line =
      tls_port ? "  MQTT over TLS    ssl://" + host + ":" + std::to_string(tls_port) + "\n" : std::string();
  std::printf(
      "\nGridhub is running with the smart-battery lab.\n"
      "  MQTT (devices)   tcp://%s:%u\n"
      "%s"
      "  HTTP (API)       %s://%s:%u\n"
      "  orgId            %s\n"
      "  productKey       %s\n"
      "  deviceKey        %s\n"
      "  deviceSecret     %s\n"
      "  assetId          %s\n"
      "  admin credential %s (Authorization: Bearer <token>)\n"
      "  web console      %s://%s:%u/  user %s, password %s\n"
      "  demo details     %s/demo.json\n\n",
      host.c_str(), mqtt_port, tls_line.c_str(), https ? "https" : "http", host.c_str(), http_port,
      admin.org_id.c_str(), demo.product_key.c_str(),
      demo.device_key.c_str(), demo.device_secret.c_str(), demo.asset_id.c_str(), admin.admin_file.c_str(),
      https ? "https" : "http", host.c_str(), http_port, demo.console_user.c_str(),
      demo.console_password.empty() ? "(not shown: this user was set up by someone else)"
                                    : demo.console_password.c_str(),
      config.data_dir.c_str());
  std::fflush(stdout);
}

}  // namespace

int run_server(const Config& config) {
  // Logs go to stderr; stdout carries only what the operator asked for (the demo banner).
  spdlog::set_default_logger(spdlog::stderr_color_mt("gridhub"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (config.log_format == "json") spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  raise_fd_limit();
  std::error_code fs_ec;
  std::filesystem::create_directories(config.data_dir, fs_ec);
  if (fs_ec) {
    spdlog::critical("cannot create data dir {}: {}", config.data_dir, fs_ec.message());
    return 1;
  }

  auto opened = registry::open_sqlite_registry(config.data_dir + "/registry.db");
  if (!opened) {
    spdlog::critical("cannot open the registry: {}", opened.error().message());
    return 1;
  }
  std::unique_ptr<registry::Registry> registry = std::move(*opened);

  tsdb::StoreOptions store_options;
  if (!parse_durability(config.durability, store_options.durability)) {
    spdlog::critical("durability must be none, flush or fsync (got '{}')", config.durability);
    return 1;
  }
  std::unique_ptr<tsdb::TimeSeriesStore> store;
  if (auto ec = tsdb::open_store(config.data_dir + "/tsdb", store_options, store)) {
    spdlog::critical("cannot open the time-series store: {}", ec.message());
    return 1;
  }

  auto events_opened = registry::open_sqlite_event_log(config.data_dir + "/events.db");
  if (!events_opened) {
    spdlog::critical("cannot open the event log: {}", events_opened.error().message());
    return 1;
  }
  std::unique_ptr<registry::EventLog> events = std::move(*events_opened);

  AdminInfo admin;
  std::string error;
  if (!ensure_admin(*registry, config.data_dir, admin, error)) {
    spdlog::critical("{}", error);
    return 1;
  }
  DemoInfo demo;
  if (config.demo && !provision_demo(*registry, admin.org_id, config.data_dir, demo, error)) {
    spdlog::critical("{}", error);
    return 1;
  }

  load_retention(*registry, *store);

  ServerTls tls;
  if (!setup_tls(config, tls, error)) {
    spdlog::critical("TLS: {}", error);
    return 1;
  }

  // The console's dev directory must hold a console: a typo should not look like a broken front end.
  std::string console_dir = config.console_dir;
  while (console_dir.size() > 1 && console_dir.back() == '/') console_dir.pop_back();
  if (!console_dir.empty() && !std::filesystem::is_regular_file(console_dir + "/index.html", fs_ec)) {
    spdlog::critical("--console-dir {}: no index.html there (build one with node console/build.mjs {} --dev)",
                     console_dir, console_dir);
    return 1;
  }
  if (!config.public_host.empty() && !api::is_valid_host(config.public_host)) {
    spdlog::critical("http.public_host '{}' is not a host name or an IP address", config.public_host);
    return 1;
  }

  const unsigned n = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::io_context*> loops;
  for (unsigned i = 0; i < n; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    loops.push_back(contexts.back().get());
  }

  hub::HubOptions hub_options;
  hub_options.bind = config.bind;
  hub_options.mqtt_port = config.mqtt_port;
  hub_options.tls_port = config.tls_port;
  hub_options.tls_context = tls.mqtt;
  hub_options.max_packet_size = config.max_packet_size;
  hub_options.connack_delay = std::chrono::milliseconds(config.connack_delay_ms);
  hub_options.commands.delivery_delay = std::chrono::milliseconds(config.command_delay_ms);
  hub_options.max_sub_devices = config.max_sub_devices;
  hub_options.device_login_limit.free_failures = static_cast<int>(config.login_failures_per_device);
  hub_options.address_login_limit.free_failures = static_cast<int>(config.login_failures_per_address);
  hub::Hub hub(loops, *registry, *store, *events, hub_options);
  if (auto ec = hub.start()) {
    spdlog::critical("MQTT listener on {}:{}: {}", config.bind, config.mqtt_port, ec.message());
    return 1;
  }
  api::ApiOptions api_options;
  api_options.bind = config.bind;
  api_options.http_port = config.http_port;
  api::ApiServer api(loops, *registry, *store, hub, *events, api_options);
  // HTTPS: the API's context behind a TLS listener of our own (ApiServer's plain listener is not started).
  std::unique_ptr<api::HttpServer> https;
  if (tls.http)
    https = std::make_unique<api::HttpServer>(loops, api.context(), config.bind, config.http_port, tls.http);
  if (auto ec = https ? https->start() : api.start()) {
    spdlog::critical("HTTP listener on {}:{}: {}", config.bind, config.http_port, ec.message());
    return 1;
  }
  const uint16_t http_port = https ? https->port() : api.port();
  // Set before the loops run; read-only afterwards.
  api::ApiContext& api_ctx = api.context();
  api_ctx.console.dir = console_dir;
  if (console_dir.empty()) api_ctx.console.embedded = embedded_console_assets();
  api_ctx.environment.public_host = config.public_host;
  api_ctx.environment.listen_host = config.bind == "0.0.0.0" || config.bind == "::" ? "127.0.0.1" : config.bind;
  api_ctx.environment.mqtt_port = hub.mqtt_port();
  api_ctx.environment.mqtt_tls_port = hub.tls_port();
  api_ctx.environment.http_port = http_port;
  api_ctx.environment.https = https != nullptr;
  api_ctx.metrics_public = config.metrics_public;
  if (!console_dir.empty()) spdlog::info("console served from {} (read per request)", console_dir);
  else if (api_ctx.console.embedded.empty()) spdlog::info("console not built into this binary (GRIDHUB_CONSOLE=OFF)");
  spdlog::info("HTTP listening on {}:{}{}", config.bind, http_port, https ? " (HTTPS)" : "");
  if (!tls.ca_file.empty())
    spdlog::info("TLS certificate {} (local CA {}: devices trust it with --cafile)", tls.cert_file, tls.ca_file);
  if (config.demo) print_demo(config, admin, demo, hub.mqtt_port(), http_port, hub.tls_port(), https != nullptr);
  print_tls(tls, hub.tls_port());
  // Retention drops whole day partitions, so a sweep every few minutes is as precise as it can be.
  RetentionSweeper retention(*store, *events, std::chrono::days(config.event_retention_days),
                             std::chrono::seconds(config.retention_sweep_s));

  // Shutdown: stop accepting, close every connection, then drain the loops and make the data durable.
  asio::signal_set signals(*loops[0], SIGINT, SIGTERM);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto* io : loops) guards.push_back(asio::make_work_guard(*io));
  struct {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
  } stopped;
  std::thread watchdog;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    hub.stop();
    api.stop();
    if (https) https->stop();
    guards.clear();  // loops end once the closing sessions have finished
    // A peer that never finishes closing must not hold the process: force the loops down after a grace period.
    watchdog = std::thread([&loops, &stopped] {
      std::unique_lock lock(stopped.mutex);
      if (!stopped.cv.wait_for(lock, std::chrono::seconds(5), [&] { return stopped.done; })) {
        spdlog::warn("connections still closing after 5 s: stopping anyway");
        for (auto* io : loops) io->stop();
      }
    });
  });

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([io = loops[i]] { io->run(); });
  loops[0]->run();
  for (auto& t : threads) t.join();
  {
    std::lock_guard lock(stopped.mutex);
    stopped.done = true;
  }
  stopped.cv.notify_all();
  if (watchdog.joinable()) watchdog.join();

  if (auto ec = store->flush()) spdlog::error("store flush: {}", ec.message());
  registry->flush();
  spdlog::info("stopped");
  return 0;
}

}  // namespace gridhub::server
