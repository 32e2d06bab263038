// Rates are per second of the measured window; latencies in milliseconds with microsecond resolution (relay
// delivery latency: millisecond resolution, it comes from the message's epoch-ms "time").
#include "loadgen/report.hpp"

#include "loadgen/json_line.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>

namespace gridhub::bench {

namespace json = boost::json;

namespace {

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

json::object latency_ms(const LatencyHistogram& h, double unit_to_ms) {
  auto at = [&](double q) { return round3(static_cast<double>(h.percentile(q)) * unit_to_ms); };
  return json::object{{"count", h.count()}, {"p50", at(0.50)}, {"p90", at(0.90)}, {"p99", at(0.99)},
                      {"max", round3(static_cast<double>(h.max()) * unit_to_ms)},
                      {"mean", round3(h.mean() * unit_to_ms)}};
}

json::object by_code(const std::map<int, uint64_t>& m) {
  json::object o;
  for (auto [code, n] : m) o[std::to_string(code)] = n;
  return o;
}

}  // namespace

std::string result_line(const Options& options, const RunStats& s, const RunTimes& t) {
  const double window = t.window_seconds > 0 ? t.window_seconds : 1;
  json::object r;
  r["label"] = options.label;
  r["mode"] = options.idle ? "idle" : options.relay ? "relay" : options.reconnect_storm ? "storm" : "load";
  r["connections"] = t.connections;
  r["threads"] = options.threads;
  r["inflight"] = options.inflight;
  r["qos"] = options.qos;
  r["rate_target"] = options.rate;
  r["window_s"] = round3(t.window_seconds);
  r["connect"] = json::object{
      {"attempted", s.connect_attempts},
      {"ok", s.connacks_ok},
      {"failed", s.connect_failed},
      {"refused", by_code(s.connack_refused)},
      {"seconds", round3(t.connect_seconds)},
      {"per_s", t.connect_seconds > 0 ? std::round(static_cast<double>(s.connacks_ok) / t.connect_seconds) : 0.0},
      {"latency_ms", latency_ms(s.connect_latency_us, 1e-3)}};
  if (options.reconnect_storm) {
    // Epoch milliseconds (null: not seen): run.sh knows when it restarted the server and subtracts.
    auto epoch = [](int64_t t) -> json::value {
      if (t == INT64_MAX || t == INT64_MIN) return nullptr;
      return t;
    };
    const bool all_back = !t.storm_timed_out && s.storm_back >= t.storm_held;
    r["storm"] = json::object{
        {"held", t.storm_held},
        {"dropped", s.storm_dropped},
        {"back", s.storm_back},
        {"all_back", all_back},
        {"attempts", s.storm_attempts},
        {"failed_attempts", s.storm_failed},
        {"refused", by_code(s.storm_refused)},
        {"first_drop_epoch_ms", epoch(s.first_drop_ms)},
        {"last_drop_epoch_ms", epoch(s.last_drop_ms)},
        {"first_back_epoch_ms", epoch(s.first_back_ms)},
        {"last_back_epoch_ms", epoch(s.last_back_ms)},
        {"reconnect_ms", latency_ms(s.storm_reconnect_ms, 1.0)}};
  }
  if (!options.idle && !options.reconnect_storm) {
    r["posts"] = json::object{{"sent", s.posts_sent},
                              {"acked", s.acked},
                              {"sent_per_s", std::round(static_cast<double>(s.posts_sent) / window)},
                              {"acked_per_s", std::round(static_cast<double>(s.acked) / window)},
                              {"errors", by_code(s.error_codes)},
                              {"sent_total", s.posts_sent_total},
                              {"acked_total", s.acked_total},
                              {"unanswered", s.unanswered},
                              {"unmatched", s.unmatched_replies},
                              {"unparsable", s.unparsable_replies},
                              {"skipped", s.skipped},
                              {"pubacks", s.pubacks}};
    r["latency_ms"] = latency_ms(s.latency_us, 1e-3);
  }
  if (options.relay) {
    r["relay"] = json::object{
        {"subscribed", s.subscribed > 0},
        {"delivered", s.delivered},
        {"delivered_per_s", std::round(static_cast<double>(s.delivered) / window)},
        {"delivered_total", s.delivered_total},
        {"lost_total", s.posts_sent_total > s.delivered_total ? s.posts_sent_total - s.delivered_total : 0},
        {"delivery_latency_ms", latency_ms(s.delivery_latency_ms, 1.0)}};
  }
  r["disconnects"] = s.disconnects;
  r["protocol_errors"] = s.protocol_errors;
  json::object cpu;
  if (t.server_cpu_cores) cpu["server_cores"] = round3(*t.server_cpu_cores);
  if (t.loadgen_cpu_cores) cpu["loadgen_cores"] = round3(*t.loadgen_cpu_cores);
  if (t.machine_cpu_cores) {
    cpu["machine_cores"] = round3(*t.machine_cpu_cores);
    // What neither side used: other processes; a figure above ~0.1 makes the run suspect.
    if (t.server_cpu_cores && t.loadgen_cpu_cores)
      cpu["other_cores"] = round3(std::max(0.0, *t.machine_cpu_cores - *t.server_cpu_cores - *t.loadgen_cpu_cores));
  }
  r["cpu"] = std::move(cpu);
  if (t.server_rss_before && t.server_rss_after) {
    const double per = t.connections ? (static_cast<double>(*t.server_rss_after) -
                                        static_cast<double>(*t.server_rss_before)) /
                                           static_cast<double>(t.connections)
                                     : 0;
    r["server_rss"] = json::object{{"before_bytes", *t.server_rss_before},
                                   {"after_bytes", *t.server_rss_after},
                                   {"bytes_per_connection", std::round(per)}};
  }
  return to_json_line(r);
}

}  // namespace gridhub::bench
