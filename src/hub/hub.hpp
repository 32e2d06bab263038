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

#include "hub/command_center.hpp"
#include "hub/device_directory.hpp"
#include "hub/limits.hpp"
#include "hub/live_feed.hpp"
#include "hub/raw_exchange.hpp"
#include "hub/registry_view.hpp"
#include "mqtt/limits.hpp"
#include "net/failure_limiter.hpp"
#include "registry/event_log.hpp"
#include "registry/registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gridhub::hub {

struct HubOptions {
  std::string bind = "0.0.0.0";
  uint16_t mqtt_port = 11883;                 // 0 = any free port (tests)
  // The TLS listener (spec §1.6), on every loop like the TCP one; none when tls_context is null.
  uint16_t tls_port = 18883;                  // 0 = any free port (tests)
  std::shared_ptr<boost::asio::ssl::context> tls_context;  // net::make_tls_server_context
  std::size_t max_packet_size = mqtt::kDefaultMaxPacketSize;
  // The Python SDK waits for CONNACK on a condition it starts waiting on only after the socket is up; a CONNACK
  // that wins that race leaves connect() blocked for 10 s (spec §1.4). A short delay avoids it.
  std::chrono::milliseconds connack_delay{30};
  CommandOptions commands;
  // Sub-devices one gateway connection may have logged in at once (spec §4.6: EnOS allows 200).
  std::size_t max_sub_devices = 200;
  // Failed logins: per device (productKey/deviceKey) and per source address.
  net::FailureLimiterOptions device_login_limit{5, std::chrono::seconds(60), std::chrono::seconds(1),
                                                std::chrono::seconds(30)};
  net::FailureLimiterOptions address_login_limit{20, std::chrono::seconds(60), std::chrono::seconds(1),
                                                 std::chrono::seconds(60)};
};

// Counters, updated with relaxed atomics from every io thread.
struct HubStats {
  std::atomic<uint64_t> connections_accepted{0}, connections_open{0}, logins{0}, login_refused_credentials{0},
      login_refused_not_authorized{0}, login_refused_other{0}, takeovers{0}, protocol_errors{0},
      login_refused_throttled{0}, keepalive_timeouts{0}, connect_timeouts{0}, messages_in{0}, replies_out{0},
      samples_stored{0}, events_stored{0}, sub_device_logins{0}, sub_device_logins_refused{0},
      // TLS: handshakes completed and failed (wrong CA, old protocol, plain MQTT on the TLS port...), and logins
      // refused for their client certificate (missing, unknown, another device's, revoked, expired).
      tls_handshakes{0}, tls_handshake_failures{0}, login_refused_certificate{0};
};

class Session;

// What every session shares. Members are thread-safe or immutable.
struct HubContext {
  HubContext(RegistryView& v, registry::Registry& r, tsdb::TimeSeriesStore& s, registry::EventLog& e,
             HubOptions o, boost::asio::io_context& timers)
      : view(v), registry(r), store(s), events(e), options(std::move(o)),
        commands(timers, r, directory, options.commands), raw(timers, directory),
        device_logins(options.device_login_limit), address_logins(options.address_login_limit) {}
  RegistryView& view;
  registry::Registry& registry;
  tsdb::TimeSeriesStore& store;
  registry::EventLog& events;
  DeviceDirectory directory;
  HubOptions options;
  HubStats stats;
  CommandCenter commands;
  RawExchange raw;  // raw pass-through down requests waiting for their replies
  net::FailureLimiter device_logins, address_logins;
  std::atomic<uint64_t> next_notice_id{1};  // ids of the hub's own downstream requests (combine notices)
  LiveFeed live;  // acknowledged measure points and presence, for the console's live stream
};

class Hub {
 public:
  // `loops`: one io_context per core, each run by its own thread (owned by the caller).
  Hub(std::vector<boost::asio::io_context*> loops, registry::Registry& registry, tsdb::TimeSeriesStore& store,
      registry::EventLog& events, HubOptions options);
  ~Hub();
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Binds one acceptor per loop on the same port (SO_REUSEPORT) and starts accepting.
  std::error_code start();
  // Stops accepting and closes every session (posted to their loops). Thread-safe.
  void stop();

  uint16_t mqtt_port() const { return port_; }
  uint16_t tls_port() const { return tls_port_; }  // 0 when there is no TLS listener
  bool stopped() const { return stopped_; }  // stop() was called: no new device connections (/healthz)
  bool is_online(std::string_view pk, std::string_view dk) const;
  // The device was disabled or deleted: closes its connection if it has one; a sub-device is logged out of its
  // gateway. Thread-safe.
  void kick(std::string_view pk, std::string_view dk);
  // Logs the sub-device out of the gateway's connection if it is logged in there (removed from the topology).
  void kick_sub_device(std::string_view gateway_pk, std::string_view gateway_dk, std::string_view pk,
                       std::string_view dk);
  // Tells an online gateway that its sub-device (pk, dk) was enabled, disabled or deleted: a combine.{op} request
  // on /ext/session/{gpk}/{gdk}/combine/{op} with params [{productKey, deviceKey}] (spec §4.2, §4.6). op is
  // "enable", "disable" or "delete". False when the gateway is offline. Thread-safe.
  bool notify_gateway(std::string_view gateway_pk, std::string_view gateway_dk, std::string_view op,
                      std::string_view pk, std::string_view dk);
  const HubStats& stats() const { return ctx_->stats; }
  std::size_t online_count() const { return ctx_->directory.size(); }
  RegistryView& view() { return view_; }
  CommandCenter& commands() { return ctx_->commands; }
  RawExchange& raw() { return ctx_->raw; }
  // Who watches devices live (the console's WebSocket stream); thread-safe.
  LiveFeed& live_feed() { return ctx_->live; }

 private:
  struct Loop;
  void do_accept(Loop& loop);
  void do_accept_tls(Loop& loop);
  // An accept failed (out of descriptors and the like): retry `again` shortly instead of spinning.
  void retry_accept(Loop& loop, void (Hub::*again)(Loop&));

  std::vector<boost::asio::io_context*> io_;
  RegistryView view_;
  std::shared_ptr<HubContext> ctx_;  // shared with sessions, which may outlive the hub at shutdown
  std::vector<std::unique_ptr<Loop>> loops_;
  uint16_t port_ = 0, tls_port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace gridhub::hub
