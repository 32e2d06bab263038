// Device session: read -> decode -> login / dispatch -> reply, with keepalive and a bounded write queue.
#include "hub/session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "enos/codes.hpp"
#include "enos/envelope.hpp"
#include "enos/login.hpp"
#include "enos/topic.hpp"
#include "hub/handler.hpp"
#include "mqtt/encoder.hpp"
#include "mqtt/topic_filter.hpp"

namespace gridhub::hub {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
// Up to this many socket reads per readiness event, so one busy device cannot starve the loop.
constexpr int kReadsPerWakeup = 4;
}  // namespace

Session::Session(asio::ip::tcp::socket socket, std::shared_ptr<HubContext> ctx, LiveSet& live)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      keep_(std::move(ctx)),
      ctx_(*keep_),
      live_(live),
      decoder_(mqtt::kMaxConnectPacketSize) {}

Session::~Session() { ctx_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed); }

void Session::start() {
  live_.insert(this);
  ctx_.stats.connections_accepted.fetch_add(1, std::memory_order_relaxed);
  ctx_.stats.connections_open.fetch_add(1, std::memory_order_relaxed);
  error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  last_activity_ = std::chrono::steady_clock::now();
  arm_timer(TimerMode::ConnectTimeout, kConnectTimeout);
  do_wait_read();
}

void Session::close_async() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void Session::send_async(std::string topic, std::string payload, uint8_t qos) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), topic = std::move(topic),
                                      payload = std::move(payload), qos] { self->publish(topic, payload, qos); });
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  live_.erase(this);
  if (connected_ && login_.kind == LoginKind::Device) {
    const auto& d = login_.device;
    if (ctx_.directory.release(d.product_key, d.device_key, this)) {
      ctx_.registry.device_offline(d.product_key, d.device_key, now_ms());
      spdlog::info("device {}/{} offline", d.product_key, d.device_key);
    }
  }
}

// --- reading -------------------------------------------------------------------------------------------------
// We wait for readability and then read into one buffer per thread: an idle connection holds no read buffer,
// which is what lets one process keep 100k devices connected.

void Session::do_wait_read() {
  if (reading_ || closed_ || eof_ || stop_reading_) return;
  if (inflight_ >= kMaxInflightRequests) {
    paused_ = true;  // resumed when the store completes requests
    return;
  }
  reading_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void Session::on_readable(error_code ec) {
  reading_ = false;
  if (closed_) return;
  if (ec) return close();
  thread_local std::unique_ptr<char[]> chunk(new char[kReadChunk]);
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    std::size_t n = socket_.read_some(asio::buffer(chunk.get(), kReadChunk), ec);
    if (n > 0) decoder_.feed(chunk.get(), n);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec.clear();
      break;
    }
    if (ec) {
      eof_ = true;  // process what arrived before the peer went away, then close
      break;
    }
    if (n < kReadChunk) break;
  }
  {
    WriteRound round(*this);
    process_packets();
  }
  if (eof_) return close();
  do_wait_read();
}

void Session::process_packets() {
  while (!closed_ && !stop_reading_) {
    if (inflight_ >= kMaxInflightRequests) {
      paused_ = true;
      return;
    }
    error_code ec;
    auto packet = decoder_.next(ec);
    if (ec) {
      ctx_.stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("closing connection {}: {}", login_.device.device_key, ec.message());
      return close();
    }
    if (!packet) return;
    last_activity_ = std::chrono::steady_clock::now();
    if (!connected_ && !std::holds_alternative<mqtt::Connect>(*packet)) return close();  // CONNECT comes first
    std::visit(
        [this](auto& p) {
          using T = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<T, mqtt::Connect>) handle(p);
          else if constexpr (std::is_same_v<T, mqtt::Publish>) handle(p);
          else if constexpr (std::is_same_v<T, mqtt::Subscribe>) handle(p);
          else if constexpr (std::is_same_v<T, mqtt::Unsubscribe>) handle(p);
          else if constexpr (std::is_same_v<T, mqtt::Pingreq>) {
            std::string out;
            mqtt::encode(mqtt::Pingresp{}, out);
            send(out);
          } else if constexpr (std::is_same_v<T, mqtt::Puback>) {
            // acknowledgement of a downstream QoS 1 message: nothing to retry with clean sessions
          } else if constexpr (std::is_same_v<T, mqtt::Disconnect>) {
            close_after_write();
          } else {
            ctx_.stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
            close();  // a packet only a server sends
          }
        },
        *packet);
  }
}

// --- login ---------------------------------------------------------------------------------------------------

void Session::handle(mqtt::Connect& p) {
  if (connected_ || close_after_write_) {  // a second CONNECT is a protocol violation (MQTT-3.1.0-2)
    ctx_.stats.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    return close();
  }
  std::string out;
  if (p.protocol_level != 4) {
    ctx_.stats.login_refused_other.fetch_add(1, std::memory_order_relaxed);
    mqtt::encode(mqtt::Connack{false, mqtt::kConnackBadProtocol}, out);
    send(out);
    return close_after_write();
  }
  auto snapshot = ctx_.view.current();
  login_ = decide_login(p, *snapshot);
  if (login_.connack != mqtt::kConnackAccepted) {
    auto& counter = login_.connack == mqtt::kConnackBadCredentials ? ctx_.stats.login_refused_credentials
                    : login_.connack == mqtt::kConnackNotAuthorized ? ctx_.stats.login_refused_not_authorized
                                                                    : ctx_.stats.login_refused_other;
    counter.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("login refused (CONNACK {}): {} user '{}'", login_.connack, login_.reason, p.username.value_or(""));
    mqtt::encode(mqtt::Connack{false, login_.connack}, out);
    send(out);
    return close_after_write();
  }
  connected_ = true;
  ctx_.stats.logins.fetch_add(1, std::memory_order_relaxed);
  decoder_.set_max_packet_size(ctx_.options.max_packet_size);
  keepalive_limit_ = std::chrono::seconds(p.keepalive) * kKeepaliveNumerator / kKeepaliveDenominator;
  const auto& d = login_.device;
  if (login_.kind == LoginKind::Device) {
    if (auto previous = ctx_.directory.claim(d.product_key, d.device_key, shared_from_this())) {
      ctx_.stats.takeovers.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("device {}/{} logged in again: closing its previous connection", d.product_key, d.device_key);
      previous->close_async();
    }
    ctx_.registry.device_online(d.product_key, d.device_key, now_ms());
    spdlog::info("device {}/{} online", d.product_key, d.device_key);
  }
  if (ctx_.options.connack_delay.count() > 0) {
    hold_writes_ = true;  // replies to anything the device sends meanwhile queue behind the CONNACK
    arm_timer(TimerMode::ConnackDelay, ctx_.options.connack_delay);
  } else {
    finish_login();
  }
}

void Session::finish_login() {
  std::string out;
  mqtt::encode(mqtt::Connack{false, mqtt::kConnackAccepted}, out);
  out.append(pending_);
  pending_.swap(out);
  hold_writes_ = false;
  if (!pending_.empty() && !write_in_flight_) do_write();
  if (login_.kind == LoginKind::DynamicActivation) {
    // spec §1.8: hand the device its secret; it reconnects with securemode 2.
    const auto& d = login_.device;
    boost::json::object params{{"productKey", d.product_key}, {"deviceKey", d.device_key},
                               {"deviceSecret", login_.device_secret}, {"assetId", d.asset_id}};
    std::string topic;
    enos::append_activate_info_topic(d.product_key, d.device_key, topic);
    publish(topic, enos::make_command(std::to_string(next_command_id_++), "thing.activate.info", params), 1);
    return arm_timer(TimerMode::ActivationWindow, std::chrono::seconds(10));
  }
  if (keepalive_limit_.count() > 0) arm_timer(TimerMode::Keepalive, keepalive_limit_);
  else timer_.cancel();
}

// --- upstream messages ---------------------------------------------------------------------------------------

bool Session::owns_topic(std::string_view t) const {
  const auto& d = login_.device;
  switch (login_.kind) {
    case LoginKind::Device:
    case LoginKind::DynamicActivation:
      return enos::in_device_namespace(t, d.product_key, d.device_key);
    case LoginKind::Integration:
      return enos::in_integration_namespace(t, d.product_key);
  }
  return false;
}

void Session::handle(mqtt::Publish& p) {
  ctx_.stats.messages_in.fetch_add(1, std::memory_order_relaxed);
  const uint8_t qos = p.qos;
  const uint16_t packet_id = p.packet_id;
  auto topic = enos::parse_topic(p.topic);

  if (login_.kind == LoginKind::DynamicActivation) {
    puback(qos, packet_id);
    if (topic && topic->kind == enos::TopicKind::ActivateInfoReply) close_after_write();
    return;
  }
  // Replies to downstream commands (the commands issue routes them to their waiting caller).
  if (topic && owns_topic(p.topic) && p.topic.ends_with("_reply")) return puback(qos, packet_id);

  auto request = enos::parse_request(p.payload);
  const std::string_view id = request ? std::string_view(request->id) : std::string_view();
  if (!topic || !owns_topic(p.topic)) {
    puback(qos, packet_id);
    return reply(p.topic, id, enos::kTopicNotAllowed, "topic not allowed for this device", "null", qos);
  }
  if (!request) {
    puback(qos, packet_id);
    return reply(p.topic, id, enos::to_return_code(request.error()), request.error().message(), "null", qos);
  }
  Handler handler = login_.kind == LoginKind::Device ? find_handler(topic->kind) : nullptr;
  if (!handler) {
    puback(qos, packet_id);
    return reply(p.topic, id, enos::kTopicNotAllowed, "unsupported topic", "null", qos);
  }

  auto snapshot = ctx_.view.current();
  HandlerContext hctx{login_.device, *snapshot, snapshot->find_product(login_.device.product_key), ctx_.registry,
                      ctx_.store, now_ms()};
  Outcome outcome = handler(hctx, *topic, *request);
  if (outcome.samples.empty()) {
    puback(qos, packet_id);
    return reply(p.topic, id, outcome.code, outcome.message, outcome.data, qos);
  }

  // Acknowledge only what is durable: the reply and the PUBACK leave when the store has the samples.
  ++inflight_;
  const std::size_t count = outcome.samples.size();
  ctx_.store.append(
      std::move(outcome.samples),
      [self = shared_from_this(), topic = std::move(p.topic), id = std::string(id), qos, packet_id, count,
       data = std::move(outcome.data)](std::error_code ec) mutable {
        asio::post(self->socket_.get_executor(), [self, topic = std::move(topic), id = std::move(id), qos,
                                                  packet_id, count, data = std::move(data), ec] {
          --self->inflight_;
          if (self->closed_) return;
          WriteRound round(*self);
          if (ec) {
            spdlog::error("store refused {} samples of {}/{}: {}", count, self->login_.device.product_key,
                          self->login_.device.device_key, ec.message());
            self->reply(topic, id, enos::kInternalError, "data not stored", "null", qos);
          } else {
            self->ctx_.stats.samples_stored.fetch_add(count, std::memory_order_relaxed);
            self->puback(qos, packet_id);
            self->reply(topic, id, enos::kSuccess, "", data, qos);
          }
          if (self->paused_ && self->inflight_ < kMaxInflightRequests) {
            self->paused_ = false;
            self->process_packets();
            self->do_wait_read();
          }
        });
      });
}

void Session::handle(mqtt::Subscribe& p) {
  // Devices get replies and commands without subscribing (spec §1.7); a subscription inside the device's own
  // namespace is granted (QoS <= 1) so that clients that insist on subscribing are content.
  mqtt::Suback ack{p.packet_id, {}};
  for (const auto& [filter, qos] : p.filters)
    ack.return_codes.push_back(mqtt::valid_topic_filter(filter) && owns_topic(filter)
                                   ? static_cast<uint8_t>(std::min<uint8_t>(qos, 1))
                                   : uint8_t{0x80});
  std::string out;
  mqtt::encode(ack, out);
  send(out);
}

void Session::handle(mqtt::Unsubscribe& p) {
  std::string out;
  mqtt::encode(mqtt::Unsuback{p.packet_id}, out);
  send(out);
}

// --- writing -------------------------------------------------------------------------------------------------

void Session::reply(std::string_view request_topic, std::string_view id, int code, std::string_view message,
                    std::string_view data, uint8_t qos) {
  thread_local std::string topic, payload;
  topic.clear();
  payload.clear();
  enos::append_reply_topic(request_topic, topic);
  enos::append_reply(id, code, message, data, payload);
  ctx_.stats.replies_out.fetch_add(1, std::memory_order_relaxed);
  publish(topic, payload, qos);
}

void Session::puback(uint8_t qos, uint16_t packet_id) {
  if (qos == 0) return;
  thread_local std::string out;
  out.clear();
  mqtt::encode(mqtt::Puback{packet_id}, out);
  send(out);
}

void Session::publish(std::string_view topic, std::string_view payload, uint8_t qos) {
  if (closed_) return;
  qos = std::min<uint8_t>(qos, 1);
  uint16_t id = 0;
  if (qos == 1) {
    id = next_packet_id_++;
    if (next_packet_id_ == 0) next_packet_id_ = 1;
  }
  thread_local std::string out;
  out.clear();
  mqtt::encode_publish(topic, payload, qos, id, out);
  send(out);
}

void Session::send(const std::string& bytes) {
  if (closed_) return;
  if (pending_.size() + writing_.size() + bytes.size() > kMaxQueuedWriteBytes) {
    spdlog::warn("device {}/{} does not read its replies: closing", login_.device.product_key,
                 login_.device.device_key);
    return close();
  }
  pending_.append(bytes);
  if (!write_in_flight_ && !hold_writes_ && write_round_depth_ == 0) do_write();
}

Session::WriteRound::~WriteRound() {
  if (--s_.write_round_depth_ == 0 && !s_.closed_ && !s_.write_in_flight_ && !s_.hold_writes_ &&
      !s_.pending_.empty())
    s_.do_write();
}

void Session::do_write() {
  write_in_flight_ = true;
  writing_.swap(pending_);
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
}

void Session::on_write(error_code ec) {
  write_in_flight_ = false;
  if (closed_) return;
  if (ec) return close();
  writing_.clear();
  if (writing_.capacity() > 64 * 1024) writing_.shrink_to_fit();  // idle connections stay small
  if (!pending_.empty() && !hold_writes_) return do_write();
  if (close_after_write_) close();
}

void Session::close_after_write() {
  close_after_write_ = true;
  stop_reading_ = true;
  if (!write_in_flight_ && pending_.empty()) close();
}

// --- timers --------------------------------------------------------------------------------------------------

void Session::arm_timer(TimerMode mode, std::chrono::steady_clock::duration after) {
  timer_mode_ = mode;
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this()](error_code ec) { self->on_timer(ec); });
}

void Session::on_timer(error_code ec) {
  if (ec || closed_) return;
  switch (timer_mode_) {
    case TimerMode::ConnectTimeout:
      ctx_.stats.connect_timeouts.fetch_add(1, std::memory_order_relaxed);
      return close();
    case TimerMode::ConnackDelay:
      return finish_login();
    case TimerMode::ActivationWindow:
      return close();
    case TimerMode::Keepalive: {
      auto idle = std::chrono::steady_clock::now() - last_activity_;
      if (idle >= keepalive_limit_) {
        ctx_.stats.keepalive_timeouts.fetch_add(1, std::memory_order_relaxed);
        spdlog::info("device {}/{} keepalive expired", login_.device.product_key, login_.device.device_key);
        return close();
      }
      return arm_timer(TimerMode::Keepalive, keepalive_limit_ - idle);
    }
  }
}

}  // namespace gridhub::hub
