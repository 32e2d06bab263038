// The definitions of Gridhub's metrics: names, help texts, labels and buckets. The order here is the order of a
// scrape.
#include "metrics/catalog.hpp"

#include <chrono>

#include "metrics/process_stats.hpp"

namespace gridhub::metrics {

Gauge mqtt_connections_open{"gridhub_mqtt_connections_open", "MQTT connections open now (TCP and TLS)."};
Counter mqtt_connections_accepted{"gridhub_mqtt_connections_accepted_total",
                                  "MQTT connections accepted since the server started."};
Counter device_logins{"gridhub_device_logins_total", "Device logins accepted (CONNACK 0)."};
LabelledCounter device_login_failures{
    "gridhub_device_login_failures_total",
    "Device logins refused, by reason: bad_credentials (unknown device or wrong signature, CONNACK 4), "
    "not_authorized (disabled device and the like, CONNACK 5), certificate (TLS client certificate refused), "
    "throttled (too many failures from the device or the address), protocol (not MQTT 3.1.1), other.",
    "reason",
    {"bad_credentials", "not_authorized", "certificate", "throttled", "protocol", "other"}};
Counter measurepoint_posts{"gridhub_measurepoint_posts_total",
                           "MQTT messages received on measure-point post topics (post and post/batch)."};
CodeCounter device_replies{"gridhub_device_replies_total",
                           "Replies sent to devices, by EnOS return code (200 = success).", "code", 64};
Histogram command_latency_seconds{"gridhub_command_latency_seconds",
                                  "Commands (service invocations, measure-point sets): from the send to the "
                                  "device's reply, in seconds (millisecond resolution).",
                                  command_seconds_buckets()};
Counter store_samples_written{"gridhub_store_samples_written_total",
                              "Samples the time-series store made durable (WAL written, synced per durability)."};
Histogram store_wal_fsync_seconds{"gridhub_store_wal_fsync_seconds", "Duration of WAL fdatasync calls, in seconds.",
                                  fsync_seconds_buckets()};
LabelledCounter http_responses{"gridhub_http_requests_total", "HTTP responses sent, by status class.", "class",
                               {"1xx", "2xx", "3xx", "4xx", "5xx"}};
Gauge live_sessions{"gridhub_live_sessions", "Console live-stream WebSocket sessions open now."};

namespace {

const auto started = std::chrono::steady_clock::now();

GaugeFunction resident_memory{"gridhub_process_resident_memory_bytes", "Resident memory of the process, in bytes.",
                              [] { return static_cast<double>(resident_memory_bytes()); }};
GaugeFunction fds{"gridhub_process_open_fds", "File descriptors the process has open.",
                  [] { return static_cast<double>(open_fds()); }};
GaugeFunction uptime{"gridhub_uptime_seconds", "Seconds since the process started.", [] {
                       return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                     }};

}  // namespace

void count_http_response(unsigned status) noexcept {
  if (status >= 100 && status <= 599) http_responses.inc(status / 100 - 1);
}

std::string scrape() { return default_registry().render(); }

}  // namespace gridhub::metrics
