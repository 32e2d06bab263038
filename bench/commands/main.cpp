// gridhub_command_bench: the round trip of a synchronous service invocation (issue 4, "Performance"):
// POST commands?action=invokeService → hub → device (MQTT, no SUBSCRIBE) → _reply → hub → HTTP answer.
// Provisions its devices through the API, logs them in, runs the sequential and the parallel phase and
// prints one JSON line. bench/commands/run.sh starts the server and turns the line into docs/benchmarks.md.
#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands/fleet.hpp"
#include "commands/options.hpp"
#include "commands/phases.hpp"
#include "commands/provision.hpp"
#include "loadgen/device_creator.hpp"
#include "loadgen/json_line.hpp"
#include "loadgen/options.hpp"
#include "loadgen/proc_stat.hpp"

using namespace gridhub::bench;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

bool validate(const CommandBenchOptions& o, std::string& error) {
  if (o.mqtt_port == 0 || o.api_port == 0) error = "--mqtt-port and --api-port are required";
  else if (o.admin_file.empty()) error = "--admin-file is required";
  else if (o.model_id.empty() == o.product_key.empty()) error = "give exactly one of --model-id and --product-key";
  else if (o.devices < 1 || o.devices > 10'000) error = "--devices must be 1..10000 (one product holds 10,000)";
  else if (o.connections > 10'000) error = "--connections must be 0..10000";
  else if (o.timeout_s < 1 || o.timeout_s > 60) error = "--timeout must be 1..60 (the API's own range)";
  else if (o.call_deadline_s <= o.timeout_s) error = "--call-deadline must exceed --timeout";
  else if (o.sequential_calls > 10'000'000) error = "--sequential-calls must be at most 10000000";
  else if (!(o.duration_s > 0) || o.duration_s > 3600) error = "--duration must be in (0, 3600] seconds";
  else if (!(o.warmup_s >= 0) || o.warmup_s > 600) error = "--warmup must be 0..600 seconds";
  else if (o.threads < 1 || o.threads > 64) error = "--threads must be 1..64";
  // Device keys are <prefix><n>, n up to 10000: the API takes 4..64 characters of letters, digits, _ - . :
  else if (o.device_prefix.size() < 3 || o.device_prefix.size() > 59 ||
           o.device_prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") !=
               std::string::npos)
    error = "--device-prefix must be 3..59 characters of letters, digits, _ - . :";
  if (!error.empty()) return false;
  boost::system::error_code ec;
  json::parse(o.input_data, ec);
  if (ec) error = "--input-data is not JSON";
  json::parse(o.expected_output, ec);
  if (ec) error = "--output is not JSON";
  return error.empty();
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

json::object phase_json(const PhaseResult& r) {
  json::object failures;
  for (const auto& [kind, n] : r.calls.failures) failures[kind] = n;
  const auto& l = r.latency;
  json::object o{
      {"devices", r.devices},
      {"connections", r.connections},
      {"calls", r.calls.ok + r.calls.failed},
      {"ok", r.calls.ok},
      {"failed", r.calls.failed},
      {"ok_total", r.calls.ok_total},
      {"failed_total", r.calls.failed_total},
      {"failures", std::move(failures)},
      {"first_failure", r.calls.first_failure},
      {"reconnects", r.calls.reconnects},
      {"gave_up", r.gave_up},
      {"measured_s", round3(r.measured_s)},
      {"calls_per_s", std::round(r.calls_per_s)},
      {"latency_ms",
       {{"count", l.count}, {"min", round3(l.min_ms)}, {"p50", round3(l.p50_ms)}, {"p90", round3(l.p90_ms)},
        {"p99", round3(l.p99_ms)}, {"p999", round3(l.p999_ms)}, {"max", round3(l.max_ms)},
        {"mean", round3(l.mean_ms)}}},
  };
  json::object cpu{{"wall_s", round3(r.cpu.wall_s)},
                   {"bench_cores", round3(r.cpu.bench_cores)},
                   {"other_cores", round3(r.cpu.other_cores)}};
  if (r.cpu.server_seen) {
    cpu["server_cores"] = round3(r.cpu.server_cores);
    const uint64_t calls = r.calls.ok + r.calls.failed;
    if (calls) cpu["server_us_per_call"] = std::round(r.cpu.server_cpu_s * 1e6 / static_cast<double>(calls) * 10) / 10;
  }
  o["cpu"] = std::move(cpu);
  if (r.server_rss) o["server_rss_bytes"] = *r.server_rss;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  CommandBenchOptions o;
  CLI::App app{"Gridhub command round-trip benchmark (invokeService -> device -> reply -> API answer): one JSON line"};
  app.add_option("--host", o.host, "server address")->capture_default_str();
  app.add_option("--mqtt-port", o.mqtt_port, "the hub's MQTT port")->required();
  app.add_option("--api-port", o.api_port, "the API's HTTP port")->required();
  app.add_option("--server-pid", o.server_pid, "read the server's CPU and RSS from /proc");
  app.add_option("--admin-file", o.admin_file, "DATA_DIR/admin.json (orgId and bearer token)")->required();
  app.add_option("--model-id", o.model_id, "create a product of this model for the bench devices");
  app.add_option("--product-key", o.product_key, "or put them in this existing product");
  app.add_option("--device-prefix", o.device_prefix, "device keys are <prefix><n>")->capture_default_str();
  app.add_option("--service-id", o.service_id, "the service invoked")->capture_default_str();
  app.add_option("--input-data", o.input_data, "inputData of each call (JSON)")->capture_default_str();
  app.add_option("--output", o.expected_output, "what the devices answer and outputData must equal (JSON)")
      ->capture_default_str();
  app.add_option("--timeout", o.timeout_s, "the API's timeout= in seconds (1..60)")->capture_default_str();
  app.add_option("--call-deadline", o.call_deadline_s, "client-side limit per call, seconds")->capture_default_str();
  app.add_option("--sequential-calls", o.sequential_calls, "phase (a): timed calls (0 = skip the phase)")
      ->capture_default_str();
  app.add_option("--sequential-warmup", o.sequential_warmup, "phase (a): calls before the timed ones")
      ->capture_default_str();
  app.add_option("--devices", o.devices, "devices created and logged in; phase (b) uses all of them")
      ->capture_default_str();
  app.add_option("--connections", o.connections, "phase (b): concurrent HTTP connections (0 = skip the phase)")
      ->capture_default_str();
  app.add_option("--duration", o.duration_s, "phase (b): measured seconds")->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "phase (b): seconds before the measured window")->capture_default_str();
  app.add_option("--threads", o.threads, "io threads in this process")->capture_default_str();
  app.add_option("--label", o.label, "copied into the result line");
  CLI11_PARSE(app, argc, argv);

  std::string error;
  if (!validate(o, error)) {
    std::fprintf(stderr, "command-bench: %s\n", error.c_str());
    return 2;
  }
  AdminCredential admin;
  if (!read_admin(o.admin_file, admin, error)) {
    std::fprintf(stderr, "command-bench: %s\n", error.c_str());
    return 2;
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(o.host, ec);
  if (ec) {
    std::fprintf(stderr, "command-bench: --host must be an IP address: %s\n", o.host.c_str());
    return 2;
  }

  // Provisioning through the API: a product of its own (named after the device prefix, so that another run
  // against the same server only needs another prefix), then the devices as gridhub_loadgen creates them.
  std::fprintf(stderr, "command-bench: creating %zu devices through the API\n", o.devices);
  const auto t_create = Clock::now();
  std::string product_key = o.product_key;
  if (product_key.empty() &&
      !create_product(o.host, o.api_port, admin, o.model_id, "command-bench " + o.device_prefix, product_key, error)) {
    std::fprintf(stderr, "command-bench: provisioning failed: %s\n", error.c_str());
    return 2;
  }
  Options create;
  create.api_host = o.host;
  create.api_port = o.api_port;
  create.admin_file = o.admin_file;
  create.product_key = product_key;
  create.device_prefix = o.device_prefix;
  create.create_devices = o.devices;
  create.api_connections = 4;
  std::vector<DeviceCredentials> devices;
  if (!create_devices(create, devices, error)) {
    std::fprintf(stderr, "command-bench: provisioning failed: %s\n", error.c_str());
    return 2;
  }
  const double create_s = std::chrono::duration<double>(Clock::now() - t_create).count();

  std::vector<std::string> targets;
  for (const auto& d : devices)
    targets.push_back("/connect-service/v2.1/commands?action=invokeService&orgId=" + admin.org_id +
                      "&productKey=" + d.product_key + "&deviceKey=" + d.device_key + "&serviceId=" + o.service_id +
                      "&timeout=" + std::to_string(o.timeout_s));
  CallerSetup base;
  base.server = asio::ip::tcp::endpoint(address, o.api_port);
  base.host_header = o.host + ":" + std::to_string(o.api_port);
  base.token = admin.token;
  base.body = R"({"inputData":)" + o.input_data + "}";
  base.expected_output = json::parse(o.expected_output);
  base.deadline = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.call_deadline_s));

  DeviceBehaviour behaviour;
  behaviour.output_json = json::serialize(base.expected_output);

  IoThreads threads(o.threads);
  DeviceFleet fleet(threads, asio::ip::tcp::endpoint(address, o.mqtt_port), devices, behaviour);
  PhaseRunner runner(threads, base, targets, o.server_pid);

  std::fprintf(stderr, "command-bench: logging in %zu devices over MQTT\n", o.devices);
  const auto t_login = Clock::now();
  if (!fleet.connect_all(std::chrono::seconds(60), error)) {
    std::fprintf(stderr, "command-bench: login failed: %s\n", error.c_str());
    threads.stop();
    return 2;
  }
  const double login_s = std::chrono::duration<double>(Clock::now() - t_login).count();
  std::optional<uint64_t> rss_after_login;
  if (o.server_pid > 0) rss_after_login = process_rss_bytes(o.server_pid);

  json::object line{{"label", o.label},
                    {"service", o.service_id},
                    {"timeout_s", o.timeout_s},
                    {"threads", o.threads},
                    {"provision", {{"devices", o.devices}, {"seconds", round3(create_s)}}},
                    {"login", {{"devices", o.devices}, {"seconds", round3(login_s)}}}};
  if (rss_after_login) line["server_rss_after_login_bytes"] = *rss_after_login;

  uint64_t ok_total = 0, failed_total = 0;
  bool gave_up = false;
  if (o.sequential_calls > 0) {
    std::fprintf(stderr, "command-bench: (a) sequential: %zu warm-up + %zu timed calls, one device, one connection\n",
                 o.sequential_warmup, o.sequential_calls);
    PhaseResult a = runner.sequential(o.sequential_warmup, o.sequential_calls);
    ok_total += a.calls.ok_total;
    failed_total += a.calls.failed_total;
    gave_up |= a.gave_up;
    std::fprintf(stderr, "command-bench:     ok %llu, failed %llu, p50 %.3f ms, p99 %.3f ms\n",
                 static_cast<unsigned long long>(a.calls.ok), static_cast<unsigned long long>(a.calls.failed),
                 a.latency.p50_ms, a.latency.p99_ms);
    line["sequential"] = phase_json(a);
    line["sequential"].as_object()["warmup_calls"] = o.sequential_warmup;
  }
  if (o.connections > 0 && !gave_up) {
    std::fprintf(stderr, "command-bench: (b) parallel: %zu devices, %zu connections, %.0f s + %.0f s warm-up\n",
                 o.devices, o.connections, o.duration_s, o.warmup_s);
    PhaseResult b = runner.parallel(o.devices, o.connections, o.warmup_s, o.duration_s);
    ok_total += b.calls.ok_total;
    failed_total += b.calls.failed_total;
    gave_up |= b.gave_up;
    std::fprintf(stderr, "command-bench:     %.0f calls/s, ok %llu, failed %llu, p50 %.3f ms, p99 %.3f ms\n",
                 b.calls_per_s, static_cast<unsigned long long>(b.calls.ok),
                 static_cast<unsigned long long>(b.calls.failed), b.latency.p50_ms, b.latency.p99_ms);
    line["parallel"] = phase_json(b);
    line["parallel"].as_object()["warmup_s"] = o.warmup_s;
  }

  const DeviceStats ds = fleet.close_all();
  threads.stop();
  line["device_side"] = {{"logins", ds.logins},         {"commands_answered", ds.commands},
                         {"other_topics", ds.other_topics}, {"unparsable", ds.unparsable},
                         {"protocol_errors", ds.protocol_errors}, {"disconnects", ds.disconnects},
                         {"pubacks", ds.pubacks}};
  // Every successful call is a device's answer: more successes than answers would mean the API invented one.
  json::array problems;
  if (ok_total > ds.commands)
    problems.emplace_back("the API reported " + std::to_string(ok_total) + " successful calls but the devices answered " +
                          std::to_string(ds.commands));
  if (ds.disconnects) problems.emplace_back(std::to_string(ds.disconnects) + " device connections were closed by the hub");
  if (ds.protocol_errors) problems.emplace_back(std::to_string(ds.protocol_errors) + " MQTT protocol errors");
  if (ds.other_topics || ds.unparsable)
    problems.emplace_back(std::to_string(ds.other_topics + ds.unparsable) + " downstream messages were not service invocations with an id");
  if (failed_total) problems.emplace_back(std::to_string(failed_total) + " calls failed");
  if (gave_up) problems.emplace_back("a caller gave up after repeated failures (phase cut short)");
  const bool ok = problems.empty();
  line["problems"] = std::move(problems);
  line["ok"] = ok;
  std::cout << to_json_line(line) << std::endl;
  if (!ok) {
    std::fprintf(stderr, "command-bench: FAILURES: %s\n", json::serialize(line["problems"]).c_str());
    return 1;
  }
  return 0;
}
