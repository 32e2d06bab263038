// gridhub_loadgen: logs in N devices over T threads and posts the lab's measure-point message, or holds the
// connections idle, or (--relay) drives a peer broker, or (--reconnect-storm) holds them and logs every one in
// again when the server restarts; prints one JSON line of results. See docs/benchmarks.md.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "loadgen/device_creator.hpp"
#include "loadgen/device_list.hpp"
#include "loadgen/options.hpp"
#include "loadgen/proc_stat.hpp"
#include "loadgen/report.hpp"
#include "loadgen/worker.hpp"

namespace asio = boost::asio;
using namespace gridhub::bench;

namespace {

// Every connection is a descriptor: take the hard limit (20,000 here).
void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// "127.0.0.2-127.0.0.20" (IPv4 range) or "a,b,c"; empty = let the kernel choose.
bool parse_bind_addresses(const std::string& spec, std::vector<asio::ip::address>& out, std::string& error) {
  if (spec.empty()) {
    out.push_back(asio::ip::address());
    return true;
  }
  std::stringstream items(spec);
  std::string item;
  while (std::getline(items, item, ',')) {
    boost::system::error_code ec;
    if (auto dash = item.find('-'); dash != std::string::npos) {
      auto lo = asio::ip::make_address_v4(item.substr(0, dash), ec);
      auto hi = ec ? lo : asio::ip::make_address_v4(item.substr(dash + 1), ec);
      if (ec || lo.to_uint() > hi.to_uint()) {
        error = "bad address range '" + item + "'";
        return false;
      }
      for (uint32_t a = lo.to_uint(); a <= hi.to_uint(); ++a) out.push_back(asio::ip::address_v4(a));
    } else {
      auto a = asio::ip::make_address(item, ec);
      if (ec) {
        error = "bad address '" + item + "'";
        return false;
      }
      out.push_back(a);
    }
  }
  return !out.empty();
}

void sleep_until(Clock::time_point t) { std::this_thread::sleep_until(t); }

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU seconds of the server and of this process, sampled together.
struct CpuSample {
  std::optional<double> server, self, machine;
};
CpuSample sample_cpu(int server_pid) {
  return {server_pid ? process_cpu_seconds(server_pid) : std::nullopt, process_cpu_seconds(0),
          machine_busy_seconds()};
}

// Storm: tells run.sh the set is held (it then kills and restarts the server), waits for the drop and for every
// connection that was logged in to log in again.
void wait_for_storm(const Options& options, const SharedProgress& progress, RunTimes& times) {
  const std::size_t held = progress.connected_ok.load(std::memory_order_acquire);
  std::fprintf(stderr, "gridhub_loadgen: held %zu\n", held);
  std::fflush(stderr);
  times.storm_held = held;
  if (held == 0) {  // nothing to restore: do not make the caller wait for the timeout
    times.storm_timed_out = true;
    return;
  }
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.storm_timeout_s);
  while (progress.dropped.load(std::memory_order_acquire) == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  while (progress.back.load(std::memory_order_acquire) < held && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  times.storm_timed_out = progress.back.load() < held;
  std::fprintf(stderr, "gridhub_loadgen: storm: %zu dropped, %zu back%s\n", progress.dropped.load(),
               progress.back.load(), times.storm_timed_out ? " (timeout)" : "");
}

int run_create(const Options& options) {
  std::vector<DeviceCredentials> devices;
  std::string error;
  const auto t0 = Clock::now();
  if (!create_devices(options, devices, error)) {
    std::fprintf(stderr, "gridhub_loadgen: %s\n", error.c_str());
    return 1;
  }
  std::ofstream out(options.out_file);
  for (const auto& d : devices) out << device_json_line(d) << '\n';
  if (!out) {
    std::fprintf(stderr, "gridhub_loadgen: cannot write %s\n", options.out_file.c_str());
    return 1;
  }
  std::fprintf(stderr, "gridhub_loadgen: created %zu devices in %.1f s -> %s\n", devices.size(),
               seconds(Clock::now() - t0), options.out_file.c_str());
  return 0;
}

int run_load(Options& options) {
  std::vector<DeviceCredentials> devices;
  std::vector<asio::ip::address> binds;
  std::string error;
  if (!load_devices(options.devices_file, devices, error) ||
      !parse_bind_addresses(options.bind_addresses, binds, error)) {
    std::fprintf(stderr, "gridhub_loadgen: %s\n", error.c_str());
    return 2;
  }
  const std::size_t n = options.connections ? options.connections : devices.size();
  if (n > devices.size()) {
    // One connection per device: a second login of the same device would take the first one over.
    std::fprintf(stderr, "gridhub_loadgen: %zu connections but only %zu devices\n", n, devices.size());
    return 2;
  }
  options.threads = std::max(1u, options.threads);
  options.inflight = std::max(1u, options.inflight);
  raise_fd_limit();

  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec) {
    std::fprintf(stderr, "gridhub_loadgen: --host must be an IP address\n");
    return 2;
  }
  const asio::ip::tcp::endpoint server(address, options.port);
  SharedProgress progress;
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned t = 0; t < options.threads; ++t) workers.push_back(std::make_unique<Worker>(options, server, progress));
  for (std::size_t i = 0; i < n; ++i)
    workers[i % workers.size()]->add_device(devices[i], binds[i % binds.size()], 0x5eed0000 + i);
  if (options.relay)
    workers[0]->add_subscriber(DeviceCredentials{"bench", "relay-subscriber", "-"}, binds[0]);

  RunTimes times;
  times.connections = n;
  const bool holds = options.idle || options.reconnect_storm;
  if (holds && options.server_pid) times.server_rss_before = process_rss_bytes(options.server_pid);

  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
  auto finish = [&] {
    for (auto& w : workers) w->finish();
    for (auto& th : threads) th.join();
  };

  if (options.relay) {
    workers[0]->start_subscriber();
    const auto deadline = Clock::now() + std::chrono::duration<double>(options.connect_timeout_s);
    while (!progress.subscribed.load(std::memory_order_acquire) && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!progress.subscribed.load()) {
      std::fprintf(stderr, "gridhub_loadgen: the relay subscriber got no SUBACK\n");
      finish();
      return 1;
    }
  }

  // Connect phase.
  const auto connect_start = Clock::now();
  for (auto& w : workers) w->start_connecting();
  const auto deadline = connect_start + std::chrono::duration<double>(options.connect_timeout_s);
  while (progress.connects_finished.load(std::memory_order_acquire) < n && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::size_t finished = progress.connects_finished.load();
  std::fprintf(stderr, "gridhub_loadgen: %zu/%zu connections finished in %.2f s%s\n", finished, n,
               seconds(Clock::now() - connect_start), finished < n ? " (timeout)" : "");
  std::fprintf(stderr, "gridhub_loadgen: connected\n");  // run.sh may wait for this line

  const auto window = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.duration_s));
  CpuSample cpu0, cpu1;
  Clock::time_point w0, w1;
  if (holds) {
    w0 = Clock::now();
    cpu0 = sample_cpu(options.server_pid);
    sleep_until(w0 + window);
    w1 = Clock::now();
    cpu1 = sample_cpu(options.server_pid);
    if (options.server_pid) times.server_rss_after = process_rss_bytes(options.server_pid);
    if (options.reconnect_storm) wait_for_storm(options, progress, times);
  } else {
    const auto start = Clock::now() + std::chrono::milliseconds(20);
    w0 = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.warmup_s));
    w1 = w0 + window;
    const double per_connection = options.rate / static_cast<double>(n);
    for (auto& w : workers) w->start_load(w0, w1, per_connection * static_cast<double>(w->device_count()));
    sleep_until(w0);
    cpu0 = sample_cpu(options.server_pid);
    sleep_until(w1);
    cpu1 = sample_cpu(options.server_pid);
    for (auto& w : workers) w->stop_load();
    // Drain: give outstanding requests (and, relaying, the subscriber) time to complete.
    const auto drain_end = Clock::now() + std::chrono::duration<double>(options.drain_s);
    while (Clock::now() < drain_end) {
      const bool replies_done = progress.outstanding.load(std::memory_order_relaxed) <= 0;
      const bool relay_done = !options.relay || progress.delivered.load() >= progress.sent.load();
      if (replies_done && relay_done) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  finish();

  RunStats total;
  for (auto& w : workers) total.merge(w->stats());
  if (total.connacks_ok > 0 && total.last_connack > total.first_connect)
    times.connect_seconds = seconds(total.last_connack - total.first_connect);
  times.window_seconds = seconds(w1 - w0);
  if (cpu0.server && cpu1.server) times.server_cpu_cores = (*cpu1.server - *cpu0.server) / times.window_seconds;
  if (cpu0.self && cpu1.self) times.loadgen_cpu_cores = (*cpu1.self - *cpu0.self) / times.window_seconds;
  if (cpu0.machine && cpu1.machine) times.machine_cpu_cores = (*cpu1.machine - *cpu0.machine) / times.window_seconds;
  std::printf("%s\n", result_line(options, total, times).c_str());
  std::fflush(stdout);
  if (options.reconnect_storm && times.storm_timed_out) return 1;
  return total.connacks_ok == n ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"gridhub_loadgen: MQTT load generator for Gridhub (EnOS device protocol) and peer brokers"};
  app.add_option("--host", o.host, "server IP address")->capture_default_str();
  app.add_option("--port", o.port, "server MQTT port")->capture_default_str();
  app.add_option("--devices-file", o.devices_file, "JSON lines or a JSON array of {productKey,deviceKey,deviceSecret}");
  app.add_option("--connections", o.connections, "connections, one per device (0 = every device in the file)");
  app.add_option("--threads", o.threads, "threads, each with its own io_context")->capture_default_str();
  app.add_option("--inflight", o.inflight, "requests awaiting their reply per connection")->capture_default_str();
  app.add_option("--duration", o.duration_s, "measured seconds (idle: seconds to hold)")->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "seconds of load before the measured window")->capture_default_str();
  app.add_option("--drain", o.drain_s, "seconds to wait for outstanding replies at the end")->capture_default_str();
  app.add_option("--rate", o.rate, "target total posts/s, spread evenly over connections (0 = closed loop)")
      ->capture_default_str();
  app.add_option("--bind-addresses", o.bind_addresses, "local addresses used round-robin, e.g. 127.0.0.2-127.0.0.20");
  app.add_flag("--idle", o.idle, "connect and hold only (server memory per connection)");
  app.add_option("--qos", o.qos, "QoS of the posts")->check(CLI::Range(0, 1))->capture_default_str();
  app.add_option("--keepalive", o.keepalive_s, "CONNECT keepalive seconds (pings at half of it)")->capture_default_str();
  app.add_option("--connect-concurrency", o.connect_concurrency, "connection attempts in flight")->capture_default_str();
  app.add_option("--connect-timeout", o.connect_timeout_s, "seconds allowed for the connect phase")->capture_default_str();
  app.add_flag("--relay", o.relay, "peer broker: ack = PUBACK; one subscriber counts what it receives");
  app.add_flag("--reconnect-storm", o.reconnect_storm,
               "hold like --idle, print 'held', then re-login every connection the server drops (restart)");
  app.add_option("--storm-timeout", o.storm_timeout_s, "storm: seconds from 'held' to wait for drop and re-logins")
      ->capture_default_str();
  app.add_option("--relay-filter", o.relay_filter, "the relay subscriber's filter")->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "sample this process's CPU (and RSS when idle) from /proc");
  app.add_option("--label", o.label, "copied into the result line");
  app.add_option("--create-devices", o.create_devices, "provisioning mode: create N devices through the REST API");
  app.add_option("--api-host", o.api_host, "REST API host")->capture_default_str();
  app.add_option("--api-port", o.api_port, "REST API port")->capture_default_str();
  app.add_option("--admin-file", o.admin_file, "DATA_DIR/admin.json with {orgId, token}");
  app.add_option("--product-key", o.product_key, "create the devices in this product");
  app.add_option("--model-id", o.model_id, "or first create a product of this thing model");
  app.add_option("--product-name", o.product_name, "the name of that product (unique)")->capture_default_str();
  app.add_option("--device-prefix", o.device_prefix, "device keys are <prefix><n>")->capture_default_str();
  app.add_option("--api-connections", o.api_connections, "parallel HTTP connections")->capture_default_str();
  app.add_option("--out", o.out_file, "devices file to write (JSON lines)");
  CLI11_PARSE(app, argc, argv);

  if (o.create_devices > 0) {
    if (o.admin_file.empty() || o.out_file.empty()) {
      std::fprintf(stderr, "gridhub_loadgen: --create-devices needs --admin-file and --out\n");
      return 2;
    }
    return run_create(o);
  }
  if (o.reconnect_storm && (o.idle || o.relay)) {
    std::fprintf(stderr, "gridhub_loadgen: --reconnect-storm holds idle connections: not with --idle or --relay\n");
    return 2;
  }
  if (o.devices_file.empty()) {
    std::fprintf(stderr, "gridhub_loadgen: --devices-file is required (or --create-devices)\n");
    return 2;
  }
  return run_load(o);
}
