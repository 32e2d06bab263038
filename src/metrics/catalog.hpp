// Gridhub's own metrics, one object each in the process-wide registry, updated where the event happens
// (docs/operations.md lists them with their meaning). An update is one relaxed atomic add.
#pragma once
#include <cstddef>
#include <string>

#include "metrics/counter.hpp"
#include "metrics/histogram.hpp"
#include "metrics/labelled_counter.hpp"

namespace gridhub::metrics {

// --- devices (src/hub) ---
extern Gauge mqtt_connections_open;        // gridhub_mqtt_connections_open
extern Counter mqtt_connections_accepted;  // gridhub_mqtt_connections_accepted_total
extern Counter device_logins;              // gridhub_device_logins_total: CONNACK accepted
// gridhub_device_login_failures_total{reason}: the values are LoginFailure's, in its order.
enum class LoginFailure : std::size_t { BadCredentials, NotAuthorized, Certificate, Throttled, Protocol, Other };
extern LabelledCounter device_login_failures;
inline void login_failed(LoginFailure reason) noexcept { device_login_failures.inc(static_cast<std::size_t>(reason)); }
extern Counter measurepoint_posts;  // gridhub_measurepoint_posts_total: messages on .../measurepoint/post[/batch]
extern CodeCounter device_replies;  // gridhub_device_replies_total{code}: replies the hub sent to devices
extern Histogram command_latency_seconds;  // gridhub_command_latency_seconds: command sent -> device's reply

// --- the time-series store (src/tsdb) ---
extern Counter store_samples_written;      // gridhub_store_samples_written_total
extern Histogram store_wal_fsync_seconds;  // gridhub_store_wal_fsync_seconds

// --- the API (src/api) ---
// gridhub_http_requests_total{class="1xx".."5xx"}: responses by status class.
extern LabelledCounter http_responses;
void count_http_response(unsigned status) noexcept;  // a status outside 100..599 is not counted
extern Gauge live_sessions;  // gridhub_live_sessions: console live-stream WebSockets open

// Every metric of the process (the ones above, and the process's memory, descriptors and uptime read from
// /proc/self now) as Prometheus text.
std::string scrape();

}  // namespace gridhub::metrics
