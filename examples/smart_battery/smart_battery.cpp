// The smart-battery lab program (shared/seed/smart-battery-lab, step 8) on the Gridhub C++ device SDK: posts
// the battery's measure points every `interval` seconds and answers high_frequency_report_service by taking
// the new interval; any other service is answered 220 "unknown service:", as in the lab.
//
//   smart_battery --url tcp://127.0.0.1:11883 --product-key PK --device-key DK --device-secret SECRET
//                 [--interval SECONDS] [--count N] [--sign-method sha256|sha1|md5] [--offline-dir DIR]
//   smart_battery --demo-file data/demo.json [--url ...]
#include <gridhub/device.hpp>

#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "battery_model.hpp"

namespace device = gridhub::device;
namespace json = boost::json;

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int64_t> g_interval_ms{1000};

void on_signal(int) { g_stop = true; }

int usage(const char* why) {
  std::fprintf(stderr,
               "smart_battery: %s\n"
               "usage: smart_battery --url tcp://HOST:PORT --product-key PK --device-key DK --device-secret S\n"
               "                     [--interval SECONDS] [--count N] [--sign-method sha256|sha1|md5]\n"
               "                     [--offline-dir DIR] [--wait SECONDS] [--product-secret S (dynamic activation)]\n"
               "                     [--ca-file PEM [--cert-file PEM --key-file PEM]]   (ssl:// URLs)\n"
               "       smart_battery --demo-file DIR/demo.json [--url ...]   (keys from `gridhub serve --demo`)\n",
               why);
  return 2;
}

// Reads productKey / deviceKey / deviceSecret from the demo.json `gridhub serve --demo` writes.
bool read_demo_file(const std::string& path, device::Options& o, std::string& error) {
  std::ifstream in(path);
  if (!in) return error = "cannot read " + path, false;
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return error = path + " is not a JSON object", false;
  auto field = [&](const char* k, std::string& out) {
    const auto* f = v.get_object().if_contains(k);
    if (!f || !f->is_string()) return false;
    out = f->get_string();
    return true;
  };
  if (!field("productKey", o.product_key) || !field("deviceKey", o.device_key) ||
      !field("deviceSecret", o.device_secret))
    return error = path + " lacks productKey, deviceKey or deviceSecret", false;
  return true;
}

// The points as JSON with the shortest digits that read back as the same double (Boost.JSON would print
// 4.557862863440052E1).
std::string points_text(const json::object& points) {
  std::string out = "{";
  for (const auto& [k, v] : points) {
    if (out.size() > 1) out += ", ";
    out += json::serialize(json::string(k));
    out += ": ";
    if (v.is_double()) {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
      out.append(buf, ec == std::errc() ? end : buf);
    } else {
      out += json::serialize(v);
    }
  }
  return out + "}";
}

void sleep_interval() {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(g_interval_ms.load());
  while (!g_stop && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::optional<device::Reply> service_command_handler(const device::Command& cmd) {
  std::cout << "receive service invocation command: " << cmd.service_id << " " << json::serialize(cmd.params)
            << std::endl;
  if (cmd.service_id == "high_frequency_report_service") {
    const auto* interval = cmd.params.is_object() ? cmd.params.get_object().if_contains("interval") : nullptr;
    if (!interval || !interval->is_number())
      return device::Reply().set_code(460).set_message("interval must be a number");
    boost::system::error_code ec;
    const double seconds = interval->to_number<double>(ec);
    if (ec || seconds <= 0 || seconds > 86400)
      return device::Reply().set_code(460).set_message("interval out of range");
    g_interval_ms = static_cast<int64_t>(seconds * 1000);
    return device::Reply().add_output_data("result", 0).set_code(200);
  }
  return device::Reply().set_message("unknown service:").set_code(220);
}

}  // namespace

int main(int argc, char** argv) {
  device::Options options;
  options.url = "tcp://127.0.0.1:11883";
  std::string demo_file;
  int64_t count = -1;  // posts before exiting; -1 = forever
  double wait_s = 0;   // how long to keep trying when the hub is not up yet
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") return usage("the lab's smart battery on the Gridhub device SDK"), 0;
    if (!(v = value())) return usage(("missing value after " + a).c_str());
    if (a == "--url") {
      options.url = v;
    } else if (a == "--product-key") {
      options.product_key = v;
    } else if (a == "--device-key") {
      options.device_key = v;
    } else if (a == "--device-secret") {
      options.device_secret = v;
    } else if (a == "--ca-file") {  // ssl:// URLs: the CA that signed the hub's certificate
      options.tls.ca_file = v;
    } else if (a == "--cert-file") {  // mutual TLS (biDirectionalAuth products)
      options.tls.cert_file = v;
    } else if (a == "--key-file") {
      options.tls.key_file = v;
    } else if (a == "--product-secret") {
      options.product_secret = v;  // dynamic activation: the hub sends the device secret after the first login
      options.login_mode = device::LoginMode::dynamic_activation;
    } else if (a == "--demo-file") {
      demo_file = v;
    } else if (a == "--interval") {
      char* end = nullptr;
      double s = std::strtod(v, &end);
      if (*end != '\0' || !(s > 0 && s <= 86400)) return usage("--interval must be in (0, 86400] seconds");
      g_interval_ms = static_cast<int64_t>(s * 1000);
    } else if (a == "--wait") {
      wait_s = std::strtod(v, nullptr);
    } else if (a == "--count") {
      count = std::strtoll(v, nullptr, 10);
    } else if (a == "--sign-method") {
      std::string m = v;
      if (m == "sha256") options.sign_method = device::SignMethod::sha256;
      else if (m == "sha1") options.sign_method = device::SignMethod::sha1;
      else if (m == "md5") options.sign_method = device::SignMethod::md5;
      else return usage("--sign-method is sha256, sha1 or md5");
    } else if (a == "--offline-dir") {
      options.offline_buffer.directory = v;
    } else {
      return usage(("unknown option " + a).c_str());
    }
  }
  if (!demo_file.empty()) {
    std::string error;
    if (!read_demo_file(demo_file, options, error)) return usage(error.c_str());
  }
  if (options.product_key.empty() || options.device_key.empty() ||
      (options.device_secret.empty() && options.product_secret.empty()))
    return usage("--product-key, --device-key and --device-secret (or --product-secret, or --demo-file) are required");

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  device::Client client(options);
  client.on_connect([] { std::cout << "connect success" << std::endl; });
  client.on_disconnect([](boost::system::error_code ec) {
    std::cout << "connect lost" << (ec ? ": " + ec.message() : std::string()) << std::endl;
  });
  client.on_device_activated([](const std::string& secret) {
    // A real device stores it (the SDK uses it for the logins of this run).
    std::cout << "device activated, device secret: " << secret << std::endl;
  });
  client.on_connect_failed(
      [](boost::system::error_code ec) { std::cout << "connect failed: " << ec.message() << std::endl; });
  // Registered before connecting (the lab does it in on_connect; earlier means no command meets a 1101).
  client.set_command_handler(device::CommandClass::service_invocation, service_command_handler);

  auto ec = client.connect();
  // The hub may still be starting (`make run`): the client keeps retrying a network failure by itself.
  const bool refused = ec == device::errc::bad_credentials || ec == device::errc::not_authorized ||
                       ec == device::errc::invalid_url || ec == device::errc::invalid_argument;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_s);
       ec && !refused && !g_stop && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(std::chrono::milliseconds(100)))
    if (client.is_connected()) ec = {};
  if (ec) {
    std::cerr << "smart_battery: cannot connect to " << options.url << ": " << ec.message() << std::endl;
    return 1;
  }
  std::cout << "waiting commands from cloud" << std::endl;

  smart_battery::BatteryModel model;
  for (int64_t n = 0; !g_stop && (count < 0 || n < count); ++n) {
    const auto s = model.next(n);
    device::MeasurepointPost post;
    post.add_measurepoint("cycle_number", s.cycle_number)
        .add_measurepoint("temp", s.temp)
        .add_measurepoint("voltage", s.voltage)
        .add_measurepoint("current", s.current)
        .add_measurepoint("accumulating_power", s.accumulating_power)
        .set_timestamp(device::now_ms());
    const auto request = post.build();
    auto r = client.publish(request);
    const std::string points = points_text(request.params.at("measurepoints").as_object());
    // The lab's line, plus the post's time (what the history API shows for it).
    const auto time = request.params.at("time").as_int64();
    if (r)
      std::cout << "measurepoint post response code: " << r->code << ", " << points << " at " << time << std::endl;
    else
      std::cout << "measurepoint post: " << r.error().message() << ", " << points << " at " << time << std::endl;
    if (count < 0 || n + 1 < count) sleep_interval();
  }
  client.close();
  return 0;
}
