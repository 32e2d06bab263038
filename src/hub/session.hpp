// One device connection: MQTT framing, login, keepalive, dispatch of upstream requests and the write queue.
// Thread affinity: everything runs on the io_context the socket belongs to; other threads only call
// close_async() / send_async(), which post there (Beast's session shape, STYLE.md item 8).
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "enos/topic.hpp"
#include "hub/handle_login.hpp"
#include "hub/handler.hpp"
#include "hub/hub.hpp"
#include "mqtt/decoder.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl
namespace gridhub::net {
class TlsSocket;
}  // namespace gridhub::net

namespace gridhub::hub {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using LiveSet = std::unordered_set<Session*>;   // the sessions of one loop, touched only on that loop

  // `tls`: the TLS listener's context (the session runs TLS over the socket), null for plain TCP.
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<HubContext> ctx, LiveSet& live,
          boost::asio::ssl::context* tls = nullptr);
  ~Session();
  void start();
  void close_async();
  // Publishes a downstream message to the device (QoS 0 or 1). Thread-safe.
  void send_async(std::string topic, std::string payload, uint8_t qos);
  // REQUIRES: on the session's loop.
  void close();
  // The device (pk, dk) was disabled, deleted or logged in elsewhere: closes the connection when it is this
  // connection's own device, logs it out when it is one of this gateway's sub-devices. Thread-safe.
  void kick_async(std::string pk, std::string dk);

 private:
  enum class TimerMode : uint8_t { ConnectTimeout, ConnackDelay, Keepalive, ActivationWindow };

  void on_handshake(boost::system::error_code ec);
  void do_wait_read();
  void on_readable(boost::system::error_code ec);
  void on_tls_read(boost::system::error_code ec, std::size_t n);
  // After the packets of a read are handled: close on end of stream, else read on.
  void after_read();
  // The certificate half of the login (tls_login.hpp); false (and login_ refused) when it fails.
  bool certificate_allows_login(const Snapshot& snapshot);
  void process_packets();
  void handle(mqtt::Connect& p);
  void handle(mqtt::Publish& p);
  void handle(mqtt::Subscribe& p);
  void handle(mqtt::Unsubscribe& p);
  void finish_login();
  // Commands reach the device delivery_delay after its CONNACK (its SDK registers handlers after connect()).
  void schedule_device_ready();
  void on_device_ready(boost::system::error_code ec);
  // A device's reply to a downstream command, handed to the command center.
  void route_command_reply(const enos::Topic& topic, std::string_view payload);
  // thing/model/up_raw of a Custom-format device: the bytes go to the event log as tslEventKey kRawEventKey.
  void handle_up_raw(mqtt::Publish& p, const enos::Topic& topic);
  // Requests whose effects (samples, events) must be durable before the PUBACK and reply leave.
  struct DurableReply {
    std::string topic, id, data;  // the request topic and id, the reply's data
    uint8_t qos = 0;
    uint16_t packet_id = 0;
    std::size_t count = 0;                        // samples or events
    std::string_view what;                        // "samples" | "events", for the log
    std::atomic<uint64_t>* stored = nullptr;      // the HubStats counter of `what`
  };
  void persist_then_reply(std::string topic, std::string_view id, uint8_t qos, uint16_t packet_id,
                          Outcome&& outcome);
  void on_durable(const DurableReply& r, std::error_code ec);
  void reply(std::string_view request_topic, std::string_view id, int code, std::string_view message,
             std::string_view data, uint8_t qos);
  void puback(uint8_t qos, uint16_t packet_id);
  void publish(std::string_view topic, std::string_view payload, uint8_t qos);
  void send(const std::string& bytes);
  // While a round of work is in progress (a read, a store completion), replies queue in pending_ and leave in
  // one write when the round ends: one syscall for the PUBACK and reply of many requests.
  struct WriteRound {
    explicit WriteRound(Session& s) : s_(s) { ++s_.write_round_depth_; }
    ~WriteRound();
    Session& s_;
  };
  void do_write();
  void on_write(boost::system::error_code ec);
  void arm_timer(TimerMode mode, std::chrono::steady_clock::duration after);
  void on_timer(boost::system::error_code ec);
  void close_after_write();
  bool owns_topic(std::string_view topic_or_filter) const;

  // --- gateway: sub-devices logged in through this connection (session_gateway.cpp) ---
  // combine/login, combine/login/batch and combine/logout on the gateway's own session topics.
  Outcome handle_sub_login(const enos::Request& request);
  Outcome handle_sub_login_batch(const enos::Request& request);
  Outcome handle_sub_logout(const enos::Request& request);
  // Makes this connection speak for the sub-device: presence, the directory (commands), ready after the delay.
  void login_sub_device(const DeviceEntry& device);
  // Forgets it; marks it offline when this connection still spoke for it.
  void logout_sub_device(const std::string& key);
  // Marks every sub-device offline and forgets it (the connection closes).
  void logout_all_sub_devices();
  // After topo/delete or a snapshot change: logs out sub-devices no longer in this gateway's topology.
  void logout_sub_devices_outside_topology();
  void kick(const std::string& pk, const std::string& dk);
  // The sub-device a topic is about when it is not the connection's own device, or null.
  const DeviceIdentity* sub_device_of(const enos::Topic& topic) const;

  boost::asio::ip::tcp::socket socket_;
  // TLS connections only: OpenSSL reading and writing socket_ itself (net/tls_socket.hpp). Its reads land in the
  // per-thread chunk like plain TCP's: an idle TLS connection holds no buffer of ours.
  std::unique_ptr<net::TlsSocket> tls_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer ready_timer_;  // delivery_delay after CONNACK: commands may flow
  std::shared_ptr<HubContext> keep_;  // the context outlives every session
  HubContext& ctx_;
  LiveSet& live_;
  mqtt::Decoder decoder_;
  std::string writing_, pending_;
  TimerMode timer_mode_ = TimerMode::ConnectTimeout;
  bool reading_ = false, write_in_flight_ = false, hold_writes_ = false, close_after_write_ = false;
  bool closed_ = false, connected_ = false, eof_ = false, stop_reading_ = false, paused_ = false;
  LoginDecision login_;
  std::chrono::steady_clock::duration keepalive_limit_{};
  std::chrono::steady_clock::time_point last_activity_;
  std::size_t inflight_ = 0;
  int write_round_depth_ = 0;
  uint16_t next_packet_id_ = 1;
  uint32_t next_command_id_ = 1;
  // Sub-devices logged in on this gateway connection, by "productKey/deviceKey" (session_gateway.cpp).
  std::unordered_map<std::string, DeviceIdentity> sub_devices_;
};

}  // namespace gridhub::hub
