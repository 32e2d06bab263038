// `gridhub simulate`: N devices of a product replay a CSV day (looping daily) at real time or faster, all on
// one device-SDK Runtime (one io thread by default), so one process drives thousands of devices.
#include "cli/simulate.hpp"

#include <gridhub/device.hpp>

#include <algorithm>
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/http_client.hpp"
#include "cli/simulate_csv.hpp"
#include "json/parse.hpp"

namespace gridhub::cli {

namespace {

namespace json = boost::json;
namespace dev = gridhub::device;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::string csv = "../shared/seed-data/enos_simulator_sample_AESC_DEMO_Easy.csv";
  std::string url = "tcp://127.0.0.1:11883";
  std::string devices_file;
  std::string api = "http://127.0.0.1:8080";
  std::string admin_file = "data/admin.json";
  std::string product_key;
  unsigned count = 1;
  bool create = false;
  double speed = 1.0;
  double duration = 0;  // seconds, 0 = until interrupted
  unsigned threads = 1;
  unsigned connect_rate = 500;
  std::string start;  // H:MM:SS of the day to start at; empty = now (local time)
  double report = 10;
  std::string sign_method = "sha256";
  bool offline_buffer = false;
  bool selected = false;
};

Settings& settings() {
  static Settings s;
  return s;
}

std::atomic<bool> g_interrupted{false};
void on_signal(int) { g_interrupted = true; }

bool read_text(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

struct Credentials {
  std::string product_key, device_key, device_secret;
};

// A JSON array of {productKey, deviceKey, deviceSecret}, or one such object (demo.json).
bool credentials_from_file(const std::string& path, std::vector<Credentials>& out, std::string& error) {
  std::string text;
  if (!read_text(path, text)) return error = "cannot read " + path, false;
  boost::system::error_code ec;
  auto v = gridhub::json::parse(text, ec);
  if (ec) return error = path + ": " + ec.message(), false;
  json::array items;
  if (v.is_array())
    items = v.get_array();
  else if (v.is_object())
    items.push_back(v);
  for (const auto& item : items) {
    const auto* o = item.if_object();
    auto field = [&](const char* k) -> std::string {
      const auto* f = o ? o->if_contains(k) : nullptr;
      return f && f->is_string() ? std::string(f->get_string()) : std::string();
    };
    Credentials c{field("productKey"), field("deviceKey"), field("deviceSecret")};
    if (c.product_key.empty() || c.device_key.empty() || c.device_secret.empty())
      return error = path + ": every entry needs productKey, deviceKey and deviceSecret", false;
    out.push_back(std::move(c));
  }
  if (out.empty()) return error = path + " lists no device", false;
  return true;
}

// Through the API with admin.json's credential: the product's devices (created up to --count with --create),
// each one's secret read with devices?action=get.
bool credentials_from_api(std::vector<Credentials>& out, std::string& error) {
  const auto& s = settings();
  std::string text;
  if (!read_text(s.admin_file, text)) return error = "cannot read " + s.admin_file + " (use --admin-file)", false;
  boost::system::error_code ec;
  auto admin = gridhub::json::parse(text, ec);
  if (ec || !admin.is_object() || !admin.get_object().contains("token"))
    return error = s.admin_file + " has no token", false;
  const std::string token(admin.at("token").as_string());
  std::string org;
  if (const auto* o = admin.get_object().if_contains("orgId"); o && o->is_string())
    org = "&orgId=" + boost::urls::encode(o->get_string(), boost::urls::unreserved_chars);
  const std::string pk = boost::urls::encode(s.product_key, boost::urls::unreserved_chars);
  auto call = [&](const std::string& method, const std::string& query, const std::string& body,
                  json::value& data) -> bool {
    auto r = http_request(s.api, method, "/connect-service/v2.1/devices?" + query + org, token, body);
    if (r.status == 0) return error = r.error, false;
    auto answer = gridhub::json::parse(r.body, ec);
    if (ec || !answer.is_object() || !answer.get_object().contains("code") || answer.at("code") != 0)
      return error = "API: " + r.body, false;
    data = answer.at("data");
    return true;
  };
  std::vector<std::string> keys;
  for (int page = 1; keys.size() < s.count; ++page) {
    json::value data;
    json::object body{{"productKey", s.product_key}, {"pagination", json::object{{"pageNo", page}, {"pageSize", 200}}}};
    if (!call("POST", "action=search", json::serialize(body), data)) return false;
    if (!data.is_array() || data.get_array().empty()) break;
    for (const auto& d : data.get_array())
      if (keys.size() < s.count) keys.emplace_back(d.at("deviceKey").as_string());
    if (data.get_array().size() < 200) break;
  }
  while (keys.size() < s.count && s.create) {
    json::value data;
    json::object body{{"productKey", s.product_key},
                      {"deviceName", "sim-" + std::to_string(keys.size() + 1)},
                      {"timezone", "+08:00"}};
    if (!call("POST", "action=create", json::serialize(body), data)) return false;
    out.push_back({s.product_key, std::string(data.at("deviceKey").as_string()),
                   std::string(data.at("deviceSecret").as_string())});
    keys.emplace_back();  // counted; its secret is already known
  }
  for (const auto& dk : keys) {
    if (dk.empty()) continue;
    json::value data;
    if (!call("GET", "action=get&productKey=" + pk + "&deviceKey=" + boost::urls::encode(dk, boost::urls::unreserved_chars),
              "", data))
      return false;
    const auto* secret = data.is_object() ? data.get_object().if_contains("deviceSecret") : nullptr;
    if (!secret || !secret->is_string()) return error = "the API did not return the secret of " + dk, false;
    out.push_back({s.product_key, dk, std::string(secret->get_string())});
  }
  if (out.size() < s.count)
    return error = "product " + s.product_key + " has " + std::to_string(out.size()) + " devices, " +
                   std::to_string(s.count) + " asked (add --create)",
           false;
  return true;
}

int seconds_of_day_now() {
  std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  return local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec;
}

// Counters shared by every device's callbacks (io threads) and the reporter.
struct Tally {
  std::atomic<uint64_t> sent{0}, ok{0}, refused{0}, failed{0}, skipped{0}, connected{0}, connect_failed{0};
  std::mutex mu;
  std::vector<double> latencies_ms;  // since the last report
  std::vector<double> all_latencies_ms;
  void latency(double ms) {
    std::lock_guard lock(mu);
    latencies_ms.push_back(ms);
  }
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// One simulated device: its client and where it is in the day.
struct SimDevice {
  std::unique_ptr<dev::Client> client;
  double offset_s = 0;      // its clock runs this much sim time behind, to spread the fleet's posts
  std::size_t next_row = 0;
  double next_at = 0;       // sim seconds (from the start day's midnight) of next_row
  bool connecting = false;
};

int run() {
  auto& s = settings();
  SimulationDay day;
  {
    std::string text, error;
    if (!read_text(s.csv, text)) return std::cerr << "gridhub simulate: cannot read " << s.csv << "\n", 2;
    if (!parse_simulation_csv(text, day, error)) return std::cerr << "gridhub simulate: " << s.csv << ": " << error << "\n", 2;
  }
  std::vector<Credentials> creds;
  {
    std::string error;
    bool ok = !s.devices_file.empty() ? credentials_from_file(s.devices_file, creds, error)
                                      : (s.product_key.empty() ? (error = "give --devices-file or --product-key", false)
                                                               : credentials_from_api(creds, error));
    if (!ok) return std::cerr << "gridhub simulate: " << error << "\n", 2;
  }
  int start_of_day = seconds_of_day_now();
  if (!s.start.empty()) {
    SimulationDay probe;
    std::string error;
    if (!parse_simulation_csv("timeOfDay,x\n" + s.start + ",0\n", probe, error))
      return std::cerr << "gridhub simulate: --start must be H:MM:SS\n", 2;
    start_of_day = probe.rows[0].seconds_of_day;
  }
  dev::SignMethod method = s.sign_method == "sha1" ? dev::SignMethod::sha1
                           : s.sign_method == "md5" ? dev::SignMethod::md5
                                                    : dev::SignMethod::sha256;

  Tally tally;  // before the Runtime: callbacks may use it until the Runtime is gone
  dev::Runtime runtime(s.threads);
  std::vector<SimDevice> devices(creds.size());
  // Spread the fleet over the typical gap between rows, so N devices do not all post in the same instant.
  const double gap = day.rows.size() > 1 ? 86400.0 / static_cast<double>(day.rows.size()) : 60.0;
  for (std::size_t k = 0; k < creds.size(); ++k) {
    dev::Options o;
    o.url = s.url;
    o.product_key = creds[k].product_key;
    o.device_key = creds[k].device_key;
    o.device_secret = creds[k].device_secret;
    o.sign_method = method;
    o.offline_buffer.enabled = s.offline_buffer;
    o.subscribe_reply_topics = false;  // the hub delivers replies without it: one packet less per device
    o.reconnect_min = std::chrono::seconds(1);
    o.reconnect_max = std::chrono::seconds(30);
    devices[k].client = std::make_unique<dev::Client>(runtime, o);
    devices[k].offset_s = gap * static_cast<double>(k) / static_cast<double>(creds.size());
    // The first row to post: the one at or after the start time (wrapping to the next day).
    auto it = std::lower_bound(day.rows.begin(), day.rows.end(), start_of_day,
                               [](const SimulationRow& r, int t) { return r.seconds_of_day < t; });
    devices[k].next_row = it == day.rows.end() ? 0 : static_cast<std::size_t>(it - day.rows.begin());
    devices[k].next_at = (it == day.rows.end() ? 86400.0 : 0.0) + day.rows[devices[k].next_row].seconds_of_day;
  }
  std::cerr << "gridhub simulate: " << devices.size() << " devices, " << day.rows.size() << " rows x "
            << day.points.size() << " points, speed x" << s.speed << ", " << runtime.threads() << " io thread(s)\n";

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const auto wall_start = Clock::now();
  std::size_t to_connect = 0;
  auto last_report = wall_start;
  uint64_t last_sent = 0;
  constexpr auto kTick = std::chrono::milliseconds(20);
  // The driver thread only decides what is due; the posts run on the Runtime's io threads (publish_async).
  while (!g_interrupted) {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - wall_start).count();
    if (s.duration > 0 && elapsed >= s.duration) break;
    // Connect at most connect_rate devices a second.
    const auto allowed = std::min<std::size_t>(devices.size(), static_cast<std::size_t>(elapsed * s.connect_rate) + 1);
    for (; to_connect < allowed; ++to_connect) {
      auto& d = devices[to_connect];
      d.connecting = true;
      d.client->connect_async([&tally](boost::system::error_code ec) {
        if (ec)
          ++tally.connect_failed;
        else
          ++tally.connected;
      });
    }
    const double sim_now = start_of_day + elapsed * s.speed;
    for (std::size_t k = 0; k < to_connect; ++k) {
      auto& d = devices[k];
      // At most one row per device per tick: after a stall the device catches up gradually, not in a burst.
      if (sim_now - d.offset_s < d.next_at) continue;
      const auto& row = day.rows[d.next_row];
      const double day_base = d.next_at - row.seconds_of_day;
      d.next_row = (d.next_row + 1) % day.rows.size();
      d.next_at = (d.next_row == 0 ? day_base + 86400.0 : day_base) + day.rows[d.next_row].seconds_of_day;
      // A device not (yet, or no longer) connected skips the row, as a real one without a buffer would.
      if (!d.client->is_connected()) {
        ++tally.skipped;
        continue;
      }
      dev::MeasurepointPost post;
      for (std::size_t i = 0; i < day.points.size(); ++i)
        if (!row.values[i].is_null()) post.add_measurepoint(day.points[i], row.values[i]);
      post.set_timestamp(dev::now_ms());
      const auto sent_at = Clock::now();
      ++tally.sent;
      d.client->publish_async(post.build(), [&tally, sent_at](boost::system::result<dev::Response> r) {
        if (!r) {
          ++tally.failed;
          return;
        }
        r->ok() ? ++tally.ok : ++tally.refused;
        tally.latency(std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count());
      });
    }
    if (std::chrono::duration<double>(now - last_report).count() >= s.report) {
      std::vector<double> lat;
      {
        std::lock_guard lock(tally.mu);
        lat.swap(tally.latencies_ms);
        tally.all_latencies_ms.insert(tally.all_latencies_ms.end(), lat.begin(), lat.end());
      }
      const double dt = std::chrono::duration<double>(now - last_report).count();
      const uint64_t sent = tally.sent;
      std::cerr << "t=" << static_cast<int>(elapsed) << "s connected=" << tally.connected
                << " sent=" << sent << " ok=" << tally.ok << " refused=" << tally.refused << " failed=" << tally.failed
                << " rate=" << static_cast<uint64_t>((sent - last_sent) / dt) << "/s p50=" << percentile(lat, 0.5)
                << "ms p99=" << percentile(lat, 0.99) << "ms\n";
      last_sent = sent;
      last_report = now;
    }
    std::this_thread::sleep_until(now + kTick);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - wall_start).count();
  // Let replies in flight arrive (bounded), then close every device.
  for (int i = 0; i < 100 && tally.ok + tally.refused + tally.failed < tally.sent; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  devices.clear();
  std::vector<double> lat;
  {
    std::lock_guard lock(tally.mu);
    lat = tally.all_latencies_ms;
    lat.insert(lat.end(), tally.latencies_ms.begin(), tally.latencies_ms.end());
  }
  json::object summary{{"devices", creds.size()},
                       {"connected", tally.connected.load()},
                       {"connectFailed", tally.connect_failed.load()},
                       {"sent", tally.sent.load()},
                       {"ok", tally.ok.load()},
                       {"refused", tally.refused.load()},
                       {"failed", tally.failed.load()},
                       {"skipped", tally.skipped.load()},
                       {"seconds", elapsed},
                       {"postsPerSecond", elapsed > 0 ? static_cast<double>(tally.ok.load()) / elapsed : 0.0},
                       {"p50Ms", percentile(lat, 0.5)},
                       {"p99Ms", percentile(lat, 0.99)}};
  std::cout << json::serialize(summary) << std::endl;
  return tally.connected == 0 ? 1 : 0;
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto& s = settings();
  auto* cmd = app.add_subcommand("simulate", "devices replaying a CSV day of measure points (also a load generator)");
  cmd->add_option("--csv", s.csv, "timeOfDay (H:MM:SS) plus one column per measure point")->capture_default_str();
  cmd->add_option("--url", s.url, "MQTT URL of the hub (tcp:// or ssl://)")->capture_default_str();
  cmd->add_option("--devices-file", s.devices_file,
                  "JSON array of {productKey, deviceKey, deviceSecret} (or demo.json) instead of the API");
  cmd->add_option("--product-key", s.product_key, "simulate devices of this product (credentials from the API)");
  cmd->add_option("--count", s.count, "how many devices of the product")->capture_default_str()->check(CLI::Range(1u, 1'000'000u));
  cmd->add_flag("--create", s.create, "register devices when the product has fewer than --count");
  cmd->add_option("--api", s.api, "API address")->capture_default_str();
  cmd->add_option("--admin-file", s.admin_file, "admin credential written by `gridhub serve`")->capture_default_str();
  cmd->add_option("--speed", s.speed, "simulated seconds per real second (1 = real time, 60 = a minute a second)")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1'000'000.0));
  cmd->add_option("--duration", s.duration, "seconds to run (0 = until Ctrl-C)")->capture_default_str()->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--start", s.start, "time of day to start the replay at, H:MM:SS (default: now)");
  cmd->add_option("--threads", s.threads, "io threads for all devices")->capture_default_str()->check(CLI::Range(1u, 256u));
  cmd->add_option("--connect-rate", s.connect_rate, "new connections per second")->capture_default_str()->check(CLI::Range(1u, 1'000'000u));
  cmd->add_option("--report", s.report, "seconds between progress lines (stderr)")->capture_default_str()->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--sign-method", s.sign_method, "sha256 | sha1 | md5")->capture_default_str()->check(CLI::IsMember({"sha256", "sha1", "md5"}));
  cmd->add_flag("--offline-buffer", s.offline_buffer, "keep posts made while disconnected and resume them");
  cmd->callback([] { settings().selected = true; });
}

int run_simulate() { return settings().selected ? run() : -1; }

}  // namespace gridhub::cli
