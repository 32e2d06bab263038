// One simulated device on one TCP connection: logs in the way the Python SDK does, posts the lab's message at
// QoS 1 and matches each `_reply` to its request by id. Or, in relay mode, the peer broker's subscriber.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "loadgen/device_list.hpp"
#include "loadgen/lab_message.hpp"
#include "loadgen/run_stats.hpp"
#include "mqtt/decoder.hpp"
#include "mqtt/packet.hpp"

namespace gridhub::bench {

class Worker;

class Connection {
 public:
  enum class Role : uint8_t { Device, Subscriber };

  // `device` must outlive the connection. Handlers capture `this`: the worker keeps every connection alive
  // until its io_context has stopped.
  Connection(Worker& worker, const DeviceCredentials& device, boost::asio::ip::address local, Role role,
             uint64_t seed);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();  // TCP connect, CONNECT, then (subscriber) SUBSCRIBE; again after a drop (a fresh session)
  // Connect storm: start() again after `delay`, as a re-login (counted in the storm figures, not the connect
  // phase's).
  void reconnect_after(Clock::duration delay);
  unsigned reconnect_failures() const { return reconnect_failures_; }
  bool ready() const { return state_ == State::Ready; }
  bool can_post() const;
  void post();   // REQUIRES: can_post()
  void ping();
  void close();  // for good: no reconnect after it
  std::size_t inflight() const { return inflight_.size(); }

 private:
  enum class State : uint8_t { Idle, Connecting, WaitConnack, Ready, Closed };
  struct Pending {
    uint32_t id;
    uint16_t packet_id;
    Clock::time_point sent;
  };

  void on_connected(const boost::system::error_code& ec);
  void do_wait_read();
  void on_readable(const boost::system::error_code& ec);
  void process_packets();
  void handle(const mqtt::Connack& p);
  void handle(const mqtt::Puback& p);
  void handle(const mqtt::Publish& p);
  void handle_reply(const mqtt::Publish& p);
  void handle_delivery(const mqtt::Publish& p);
  void complete(std::size_t index, Clock::time_point now, bool ok, int code);
  void fail();
  void retry();  // storm: this re-login attempt failed; the worker schedules the next one
  void send(std::string_view bytes);
  void do_write();

  Worker& worker_;
  const DeviceCredentials& device_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::address local_;
  Role role_;
  State state_ = State::Idle;
  bool reading_ = false, write_in_flight_ = false;
  bool corked_ = false;  // inside on_readable: send() only queues, one write follows
  Clock::time_point connect_started_;
  mqtt::Decoder decoder_;
  std::string pending_, writing_;
  std::string topic_, reply_topic_;  // /sys/{pk}/{dk}/thing/measurepoint/post and its _reply
  LabSimulator simulator_;
  uint32_t next_id_ = 1;
  uint16_t next_packet_id_ = 1;
  std::vector<Pending> inflight_;   // at most Options::inflight entries
  // Every start() opens a new generation: handlers of the previous socket's operations (cancelled by its close)
  // see a different number and leave the new session alone.
  uint32_t generation_ = 0;
  bool stopped_ = false;       // close() was called: never start again
  bool reconnecting_ = false;  // storm: this session is a re-login after a drop
  unsigned reconnect_failures_ = 0;
  Clock::time_point dropped_at_;
  boost::asio::steady_timer retry_timer_;
};

}  // namespace gridhub::bench
