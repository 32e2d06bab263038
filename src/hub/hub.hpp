// The IoT hub: MQTT listeners on every io thread, device sessions, presence. What the server and the API
// see of the device side.
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_set>
#include <vector>

#include "hub/device_directory.hpp"
#include "hub/limits.hpp"
#include "hub/registry_view.hpp"
#include "mqtt/limits.hpp"
#include "registry/registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::hub {

struct HubOptions {
  std::string bind = "0.0.0.0";
  uint16_t mqtt_port = 11883;                 // 0 = any free port (tests)
  std::size_t max_packet_size = mqtt::kDefaultMaxPacketSize;
  // The Python SDK waits for CONNACK on a condition it starts waiting on only after the socket is up; a CONNACK
  // that wins that race leaves connect() blocked for 10 s (spec §1.4). A short delay avoids it.
  std::chrono::milliseconds connack_delay{30};
};

// Counters, updated with relaxed atomics from every io thread.
struct HubStats {
  std::atomic<uint64_t> connections_accepted{0}, connections_open{0}, logins{0}, login_refused_credentials{0},
      login_refused_not_authorized{0}, login_refused_other{0}, takeovers{0}, protocol_errors{0},
      keepalive_timeouts{0}, connect_timeouts{0}, messages_in{0}, replies_out{0}, samples_stored{0};
};

class Session;

// What every session shares. Members are thread-safe or immutable.
struct HubContext {
  RegistryView& view;
  registry::Registry& registry;
  tsdb::TimeSeriesStore& store;
  DeviceDirectory directory;
  HubOptions options;
  HubStats stats;
};

class Hub {
 public:
  // `loops`: one io_context per core, each run by its own thread (owned by the caller).
  Hub(std::vector<boost::asio::io_context*> loops, registry::Registry& registry, tsdb::TimeSeriesStore& store,
      HubOptions options);
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Binds one acceptor per loop on the same port (SO_REUSEPORT) and starts accepting.
  std::error_code start();
  // Stops accepting and closes every session (posted to their loops). Thread-safe.
  void stop();

  uint16_t mqtt_port() const { return port_; }
  bool is_online(std::string_view pk, std::string_view dk) const;
  // Closes the device's connection if it has one (disabled or deleted device). Thread-safe.
  void kick(std::string_view pk, std::string_view dk);
  const HubStats& stats() const { return ctx_->stats; }
  std::size_t online_count() const { return ctx_->directory.size(); }
  RegistryView& view() { return view_; }

 private:
  struct Loop;
  void do_accept(Loop& loop);

  std::vector<boost::asio::io_context*> io_;
  RegistryView view_;
  std::shared_ptr<HubContext> ctx_;  // shared with sessions, which may outlive the hub at shutdown
  std::vector<std::unique_ptr<Loop>> loops_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace gridhub::hub
