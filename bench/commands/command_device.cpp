// The device side of the round trip: read what the hub pushes, answer each service invocation at once. One
// write per read, so a burst of commands on one connection leaves in one segment, as a real client's would.
#include "commands/command_device.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>

#include "enos/envelope.hpp"
#include "enos/login.hpp"
#include "enos/topic.hpp"
#include "mqtt/encoder.hpp"

namespace gridhub::bench {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void DeviceStats::merge(const DeviceStats& o) {
  logins += o.logins;
  refused += o.refused;
  connect_failed += o.connect_failed;
  commands += o.commands;
  other_topics += o.other_topics;
  unparsable += o.unparsable;
  protocol_errors += o.protocol_errors;
  disconnects += o.disconnects;
  pubacks += o.pubacks;
}

bool command_id(std::string_view payload, std::string& id) {
  constexpr std::string_view kPrefix = R"({"id":")";
  if (payload.starts_with(kPrefix)) {
    const std::string_view rest = payload.substr(kPrefix.size());
    const auto end = rest.find('"');
    const std::string_view raw = rest.substr(0, end);
    // An escape inside the id needs a real JSON reader.
    if (end != std::string_view::npos && end > 0 && raw.find('\\') == std::string_view::npos) {
      id.assign(raw);
      return true;
    }
  }
  auto request = enos::parse_request(payload);
  if (!request || request->id.empty()) return false;
  id = std::move(request->id);
  return true;
}

CommandDevice::CommandDevice(asio::io_context& io, asio::ip::tcp::endpoint server, const DeviceCredentials& device,
                             const DeviceBehaviour& behaviour, DeviceStats& stats)
    : socket_(io),
      server_(server),
      device_(device),
      behaviour_(behaviour),
      stats_(stats),
      decoder_(mqtt::kDefaultMaxPacketSize),
      service_prefix_("/sys/" + device.product_key + "/" + device.device_key + "/thing/service/") {}

void CommandDevice::start(std::function<void(bool)> on_login) {
  on_login_ = std::move(on_login);
  state_ = State::Connecting;
  socket_.async_connect(server_, [this](const error_code& ec) { on_connected(ec); });
}

void CommandDevice::on_connected(const error_code& ec) {
  if (state_ != State::Connecting) return;
  if (ec) return fail();
  error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);

  // Python SDK login (spec §1.2–1.3): prefix dk, securemode 2, hmacsha256 (a plain SHA-256), ms timestamp.
  const std::string timestamp = std::to_string(epoch_ms());
  mqtt::Connect c;
  c.protocol_name = "MQTT";
  c.protocol_level = 4;
  c.clean_session = true;
  c.keepalive = behaviour_.keepalive_s;
  c.client_id = device_.device_key + "|securemode=2,signmethod=hmacsha256,timestamp=" + timestamp + "|";
  c.username = device_.device_key + "&" + device_.product_key;
  c.password = enos::sign(enos::SignMethod::Sha256, device_.device_key, device_.device_key, device_.product_key,
                          timestamp, device_.device_secret);
  std::string out;
  mqtt::encode(c, out);
  state_ = State::WaitConnack;
  send(out);
  do_read();
}

void CommandDevice::do_read() {
  if (state_ == State::Closed) return;
  auto space = decoder_.prepare(kReadChunk);
  socket_.async_read_some(asio::buffer(space.data(), space.size()), [this](const error_code& ec, std::size_t n) {
    if (state_ == State::Closed) return;
    if (ec) return fail();
    decoder_.commit(n);
    corked_ = true;
    process_packets();
    corked_ = false;
    if (!pending_.empty() && !write_in_flight_ && state_ != State::Closed) do_write();
    do_read();
  });
}

void CommandDevice::process_packets() {
  while (state_ != State::Closed) {
    error_code ec;
    auto packet = decoder_.next(ec);
    if (ec) {
      ++stats_.protocol_errors;
      return fail();
    }
    if (!packet) return;
    if (auto* p = std::get_if<mqtt::Publish>(&*packet)) {
      answer(*p);
    } else if (std::holds_alternative<mqtt::Puback>(*packet)) {
      ++stats_.pubacks;
    } else if (auto* c = std::get_if<mqtt::Connack>(&*packet)) {
      if (state_ != State::WaitConnack) continue;
      if (c->return_code != mqtt::kConnackAccepted) {
        ++stats_.refused;
        state_ = State::Closed;
        error_code ignored;
        socket_.close(ignored);
        return login_finished(false);
      }
      state_ = State::Ready;
      ++stats_.logins;
      login_finished(true);
    }
    // PINGRESP needs nothing.
  }
}

void CommandDevice::answer(const mqtt::Publish& p) {
  thread_local std::string id, topic, payload, out;
  out.clear();
  if (p.qos > 0) mqtt::encode(mqtt::Puback{p.packet_id}, out);
  const bool mine = p.topic.size() > service_prefix_.size() && p.topic.starts_with(service_prefix_) &&
                    !p.topic.ends_with("_reply");
  if (!mine) {
    ++stats_.other_topics;
  } else if (!command_id(p.payload, id)) {
    ++stats_.unparsable;
  } else {
    ++stats_.commands;
    topic.clear();
    enos::append_reply_topic(p.topic, topic);
    payload.clear();
    enos::append_reply(id, 200, "", behaviour_.output_json, payload);
    uint16_t packet_id = 0;
    if (behaviour_.reply_qos > 0) {
      packet_id = next_packet_id_++;
      if (next_packet_id_ == 0) next_packet_id_ = 1;
    }
    mqtt::encode_publish(topic, payload, behaviour_.reply_qos, packet_id, out);
  }
  if (!out.empty()) send(out);
}

void CommandDevice::ping() {
  if (state_ != State::Ready) return;
  std::string out;
  mqtt::encode(mqtt::Pingreq{}, out);
  send(out);
}

void CommandDevice::login_finished(bool ok) {
  if (!on_login_) return;
  auto callback = std::move(on_login_);
  on_login_ = nullptr;
  callback(ok);
}

void CommandDevice::fail() {
  if (state_ == State::Closed) return;
  const State was = state_;
  state_ = State::Closed;
  error_code ignored;
  socket_.close(ignored);
  if (was == State::Connecting || was == State::WaitConnack) {
    ++stats_.connect_failed;
    return login_finished(false);
  }
  ++stats_.disconnects;  // the hub closed a logged-in connection: every command after this fails
}

void CommandDevice::close() {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  error_code ignored;
  socket_.close(ignored);
}

void CommandDevice::send(std::string_view bytes) {
  if (state_ == State::Closed) return;
  pending_.append(bytes);
  if (!write_in_flight_ && !corked_) do_write();
}

void CommandDevice::do_write() {
  write_in_flight_ = true;
  writing_.swap(pending_);
  asio::async_write(socket_, asio::buffer(writing_), [this](const error_code& ec, std::size_t) {
    write_in_flight_ = false;
    if (state_ == State::Closed) return;
    if (ec) return fail();
    writing_.clear();
    if (!pending_.empty()) do_write();
  });
}

}  // namespace gridhub::bench
