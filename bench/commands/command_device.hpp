// One simulated device for the command benchmark: logs in the way the Python SDK does and answers every
// service invocation the hub pushes to it (no SUBSCRIBE: spec enos-device-protocol.md §1.7) with code 200
// and a fixed output, on the request topic + "_reply" (§4.4).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "loadgen/device_list.hpp"
#include "mqtt/decoder.hpp"
#include "mqtt/packet.hpp"

namespace gridhub::bench {

// Counters of one io thread's devices (single-threaded: each thread has its own, merged after the run).
struct DeviceStats {
  uint64_t logins = 0, refused = 0, connect_failed = 0;  // CONNACK accepted / refused / TCP or login failure
  uint64_t commands = 0;           // service invocations received and answered
  uint64_t other_topics = 0;       // PUBLISHes on a topic that is not a service of this device (not answered)
  uint64_t unparsable = 0;         // service invocations without a readable id (not answered)
  uint64_t protocol_errors = 0, disconnects = 0;
  uint64_t pubacks = 0;            // the hub's PUBACKs for QoS 1 replies

  void merge(const DeviceStats& o);
};

struct DeviceBehaviour {
  std::string output_json = R"({"result":0})";  // the reply's data
  uint8_t reply_qos = 1;                         // Python SDK: QoS 1 (Java/Node: 0)
  uint16_t keepalive_s = 60;
};

class CommandDevice {
 public:
  // `device`, `behaviour` and `stats` must outlive the object. Handlers capture `this`: the owner keeps the
  // object alive until its io_context has stopped.
  CommandDevice(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server, const DeviceCredentials& device,
                const DeviceBehaviour& behaviour, DeviceStats& stats);
  CommandDevice(const CommandDevice&) = delete;
  CommandDevice& operator=(const CommandDevice&) = delete;

  // TCP connect, then CONNECT. `on_login(ok)` runs once, on the io thread, when the CONNACK (or a failure
  // before it) arrives; never after close().
  void start(std::function<void(bool)> on_login);
  void ping();   // PINGREQ when logged in (keeps the session past its keepalive)
  void close();
  bool logged_in() const { return state_ == State::Ready; }

 private:
  enum class State : uint8_t { Idle, Connecting, WaitConnack, Ready, Closed };

  void on_connected(const boost::system::error_code& ec);
  void do_read();
  void process_packets();
  void answer(const mqtt::Publish& p);
  void login_finished(bool ok);
  void fail();
  void send(std::string_view bytes);
  void do_write();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::endpoint server_;
  const DeviceCredentials& device_;
  const DeviceBehaviour& behaviour_;
  DeviceStats& stats_;
  std::function<void(bool)> on_login_;
  State state_ = State::Idle;
  bool write_in_flight_ = false;
  bool corked_ = false;  // while a read's packets are processed, send() only queues: one write follows
  mqtt::Decoder decoder_;
  std::string pending_, writing_;
  std::string service_prefix_;  // /sys/{pk}/{dk}/thing/service/
  uint16_t next_packet_id_ = 1;
};

// The id of a downstream command {"id":"<id>",...}: the hub writes the id first as a JSON string
// (enos::make_command), read here without a JSON tree; anything else goes through enos::parse_request.
// False when the payload has no usable id.
bool command_id(std::string_view payload, std::string& id);

}  // namespace gridhub::bench
