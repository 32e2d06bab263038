// A small blocking MQTT device for tests, built on the project's own codec (mqtt/ encoder and decoder) and
// the EnOS login signature: logs in, publishes, replies to commands, reads what the hub sends.
#pragma once
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "enos/login.hpp"
#include "mqtt/decoder.hpp"
#include "mqtt/encoder.hpp"

namespace gridhub::hub {

// One device connection. Not thread-safe: one test thread drives it.
class TestDevice {
 public:
  explicit TestDevice(uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    socket_.set_option(boost::asio::ip::tcp::no_delay(true));
  }

  // The CONNACK return code (0 = accepted), or -1 when none came.
  int login(const std::string& pk, const std::string& dk, const std::string& secret) {
    pk_ = pk;
    dk_ = dk;
    mqtt::Connect c;
    c.protocol_name = "MQTT";
    c.protocol_level = 4;
    c.clean_session = true;
    c.keepalive = 60;
    c.client_id = dk + "|securemode=2,signmethod=sha256,timestamp=1|";
    c.username = dk + "&" + pk;
    c.password = enos::sign(enos::SignMethod::Sha256, dk, dk, pk, "1", secret);
    write(c);
    auto p = next([](const mqtt::Packet& p) { return std::holds_alternative<mqtt::Connack>(p); },
                  std::chrono::seconds(5));
    return p ? std::get<mqtt::Connack>(*p).return_code : -1;
  }

  void publish(const std::string& topic, const std::string& payload, uint8_t qos = 1) {
    mqtt::Publish p;
    p.topic = topic;
    p.payload = payload;
    p.qos = qos;
    p.packet_id = qos ? next_packet_id_++ : 0;
    write(p);
  }
  // Publishes a reply to a command: {"id","code","message","data"} on `command_topic` + "_reply".
  void reply(const std::string& command_topic, const std::string& id, const boost::json::value& code,
             const std::string& message, const boost::json::value& data) {
    boost::json::object o{{"id", id}, {"code", code}, {"message", message}, {"data", data}};
    publish(command_topic + "_reply", boost::json::serialize(o));
  }

  // The next PUBLISH from the server (PUBACKs and the like are skipped), or nothing within `timeout`.
  std::optional<mqtt::Publish> next_publish(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto p = next([](const mqtt::Packet& p) { return std::holds_alternative<mqtt::Publish>(p); }, timeout);
    if (!p) return std::nullopt;
    return std::get<mqtt::Publish>(std::move(*p));
  }
  // The next PUBLISH on `topic`; others that arrive first are dropped.
  std::optional<mqtt::Publish> next_on(const std::string& topic,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto p = next_publish(left);
      if (!p || p->topic == topic) return p;
    }
  }

  // A request on /sys/{pk}/{dk}/{suffix}; returns the reply's payload parsed (null when none came).
  boost::json::value request(const std::string& suffix, const boost::json::value& params) {
    const std::string topic = "/sys/" + pk_ + "/" + dk_ + "/" + suffix;
    boost::json::object o{{"id", std::to_string(next_request_id_++)}, {"version", "1.0"}, {"params", params}};
    publish(topic, boost::json::serialize(o));
    auto r = next_on(topic + "_reply");
    if (!r) return nullptr;
    boost::system::error_code ec;
    auto v = boost::json::parse(r->payload, ec);
    return ec ? boost::json::value(nullptr) : v;
  }

  void close() {
    boost::system::error_code ec;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }
  bool closed_by_server(std::chrono::milliseconds timeout) {
    pollfd pfd{socket_.native_handle(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char b;
    return ::recv(socket_.native_handle(), &b, 1, MSG_PEEK) == 0;
  }

  const std::string& pk() const { return pk_; }
  const std::string& dk() const { return dk_; }

 private:
  template <class P>
  void write(const P& p) {
    std::string out;
    mqtt::encode(p, out);
    boost::asio::write(socket_, boost::asio::buffer(out));
  }

  template <class Want>
  std::optional<mqtt::Packet> next(Want want, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      boost::system::error_code ec;
      while (auto p = decoder_.next(ec))
        if (want(*p)) return p;
      if (ec) return std::nullopt;
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd pfd{socket_.native_handle(), POLLIN, 0};  // a timeout of 0 still takes what has arrived
      if (::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(0, left.count()))) <= 0) return std::nullopt;
      char buf[16384];
      std::size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec) return std::nullopt;
      decoder_.feed(buf, n);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  mqtt::Decoder decoder_;
  std::string pk_, dk_;
  uint16_t next_packet_id_ = 1;
  int next_request_id_ = 1;
};

}  // namespace gridhub::hub
