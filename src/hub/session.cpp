// Device session: read -> decode -> login / dispatch -> reply, with keepalive and a bounded write queue.
#include "hub/session.hpp"

#include <spdlog/spdlog.h>

#include <openssl/ssl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "enos/codes.hpp"
#include "enos/envelope.hpp"
#include "enos/login.hpp"
#include "enos/topic.hpp"
#include "hub/handler.hpp"
#include "hub/tls_login.hpp"
#include "metrics/catalog.hpp"
#include "mqtt/encoder.hpp"
#include "mqtt/topic_filter.hpp"
#include "net/tls_socket.hpp"

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
// The read buffer every connection of the thread shares (plain reads, and TLS reads: net::TlsSocket fills it in
// the same turn that calls our handler).
char* thread_read_chunk() {
  thread_local std::unique_ptr<char[]> chunk(new char[kReadChunk]);
  return chunk.get();
}
}  // namespace

Session::Session(asio::ip::tcp::socket socket, std::shared_ptr<HubContext> ctx, LiveSet& live,
                 asio::ssl::context* tls)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      ready_timer_(socket_.get_executor()),
      keep_(std::move(ctx)),
      ctx_(*keep_),
      live_(live),
      decoder_(mqtt::kMaxConnectPacketSize) {
  if (tls) tls_ = std::make_unique<net::TlsSocket>(socket_, tls->native_handle());
}

Session::~Session() {
  ctx_.stats.connections_open.fetch_sub(1, std::memory_order_relaxed);
  metrics::mqtt_connections_open.sub();
}

void Session::start() {
  live_.insert(this);
  ctx_.stats.connections_accepted.fetch_add(1, std::memory_order_relaxed);
  ctx_.stats.connections_open.fetch_add(1, std::memory_order_relaxed);
  metrics::mqtt_connections_accepted.inc();
  metrics::mqtt_connections_open.add();
  error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);
  last_activity_ = std::chrono::steady_clock::now();
  // The TLS handshake counts against the same CONNECT timeout: a client that stalls in it is closed too.
  arm_timer(TimerMode::ConnectTimeout, kConnectTimeout);
  if (!tls_) return do_wait_read();
  tls_->async_handshake([self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
}

void Session::on_handshake(error_code ec) {
  if (closed_) return;
  if (ec) {
    ctx_.stats.tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
    error_code addr_ec;
    spdlog::debug("TLS handshake with {} failed: {}", socket_.remote_endpoint(addr_ec).address().to_string(),
                  ec.message());
    return close();
  }
  ctx_.stats.tls_handshakes.fetch_add(1, std::memory_order_relaxed);
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
  ready_timer_.cancel();
  if (tls_) tls_->shutdown();  // close_notify if the socket takes it now; never waits
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);  // a TLS operation waiting completes with operation_aborted
  live_.erase(this);
  logout_all_sub_devices();
  if (connected_ && login_.kind == LoginKind::Device) {
    const auto& d = login_.device;
    if (ctx_.directory.release(d.product_key, d.device_key, this)) {
      const int64_t now = now_ms();
      ctx_.registry.device_offline(d.product_key, d.device_key, now);
      ctx_.live.presence(d.asset_id, d.product_key, d.device_key, false, now);
      ctx_.commands.device_offline(d.product_key, d.device_key);
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
  if (tls_) {
    return tls_->async_read_some(asio::buffer(thread_read_chunk(), kReadChunk),
                                 [self = shared_from_this()](error_code ec, std::size_t n) {
                                   self->on_tls_read(ec, n);
                                 });
  }
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void Session::on_tls_read(error_code ec, std::size_t n) {
  reading_ = false;
  if (closed_) return;
  if (n > 0) decoder_.feed(thread_read_chunk(), n);  // filled just before this handler was called
  if (ec) eof_ = true;  // process what arrived before the peer went away (or broke the TLS stream), then close
  after_read();
}

void Session::on_readable(error_code ec) {
  reading_ = false;
  if (closed_) return;
  if (ec) return close();
  char* chunk = thread_read_chunk();
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    std::size_t n = socket_.read_some(asio::buffer(chunk, kReadChunk), ec);
    if (n > 0) decoder_.feed(chunk, n);
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
  after_read();
}

void Session::after_read() {
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
    metrics::login_failed(metrics::LoginFailure::Protocol);
    mqtt::encode(mqtt::Connack{false, mqtt::kConnackBadProtocol}, out);
    send(out);
    return close_after_write();
  }
  // Failed logins are throttled per source address and per username (= device): while either is blocked the
  // CONNECT is refused before any lookup, signature or log line, so a client retrying a wrong secret in a
  // tight loop costs one hash lookup per attempt.
  error_code addr_ec;
  const std::string address = socket_.remote_endpoint(addr_ec).address().to_string();
  // A real username is "deviceKey&productKey" (< 80 bytes); the cut bounds what the limiter keeps per key.
  const std::string_view username =
      p.username ? std::string_view(*p.username).substr(0, kMaxLimiterKeyBytes) : std::string_view();
  if (!ctx_.address_logins.allowed(address) || !ctx_.device_logins.allowed(username)) {
    ctx_.stats.login_refused_throttled.fetch_add(1, std::memory_order_relaxed);
    metrics::login_failed(metrics::LoginFailure::Throttled);
    mqtt::encode(mqtt::Connack{false, mqtt::kConnackNotAuthorized}, out);
    send(out);
    return close_after_write();
  }
  auto snapshot = ctx_.view.current();
  login_ = decide_login(p, *snapshot);
  const bool certificate_ok = login_.connack != mqtt::kConnackAccepted || certificate_allows_login(*snapshot);
  if (login_.connack != mqtt::kConnackAccepted) {
    auto& counter = !certificate_ok ? ctx_.stats.login_refused_certificate
                    : login_.connack == mqtt::kConnackBadCredentials ? ctx_.stats.login_refused_credentials
                    : login_.connack == mqtt::kConnackNotAuthorized ? ctx_.stats.login_refused_not_authorized
                                                                    : ctx_.stats.login_refused_other;
    counter.fetch_add(1, std::memory_order_relaxed);
    metrics::login_failed(!certificate_ok ? metrics::LoginFailure::Certificate
                          : login_.connack == mqtt::kConnackBadCredentials ? metrics::LoginFailure::BadCredentials
                          : login_.connack == mqtt::kConnackNotAuthorized ? metrics::LoginFailure::NotAuthorized
                                                                          : metrics::LoginFailure::Other);
    const bool address_blocked = ctx_.address_logins.failed(address);
    const bool device_blocked = ctx_.device_logins.failed(username);
    if (address_blocked || device_blocked)
      spdlog::warn("login refused (CONNACK {}): {} user '{}' from {}: too many failures, throttling {}",
                   login_.connack, login_.reason, username, address, device_blocked ? "this device" : "this address");
    else
      spdlog::info("login refused (CONNACK {}): {} user '{}' from {}", login_.connack, login_.reason, username,
                   address);
    mqtt::encode(mqtt::Connack{false, login_.connack}, out);
    send(out);
    return close_after_write();
  }
  connected_ = true;
  ctx_.device_logins.succeeded(username);
  ctx_.stats.logins.fetch_add(1, std::memory_order_relaxed);
  metrics::device_logins.inc();
  decoder_.set_max_packet_size(ctx_.options.max_packet_size);
  keepalive_limit_ = std::chrono::seconds(p.keepalive) * kKeepaliveNumerator / kKeepaliveDenominator;
  const auto& d = login_.device;
  if (login_.kind == LoginKind::Device) {
    if (auto previous = ctx_.directory.claim(d.product_key, d.device_key, shared_from_this())) {
      ctx_.stats.takeovers.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("device {}/{} logged in again: closing its previous connection", d.product_key, d.device_key);
      previous->kick_async(d.product_key, d.device_key);  // closes it, or logs it out of a gateway
    }
    const int64_t now = now_ms();
    ctx_.registry.device_online(d.product_key, d.device_key, now);
    ctx_.live.presence(d.asset_id, d.product_key, d.device_key, true, now);
    spdlog::info("device {}/{} online", d.product_key, d.device_key);
  }
  if (ctx_.options.connack_delay.count() > 0) {
    hold_writes_ = true;  // replies to anything the device sends meanwhile queue behind the CONNACK
    arm_timer(TimerMode::ConnackDelay, ctx_.options.connack_delay);
  } else {
    finish_login();
  }
}

bool Session::certificate_allows_login(const Snapshot& snapshot) {
  const auto& d = login_.device;
  const ProductEntry* product = snapshot.find_product(d.product_key);
  CertificateLogin login;
  login.over_tls = tls_ != nullptr;
  login.required = product && product->product.bi_directional_auth;
  login.product_key = d.product_key;
  login.device_key = d.device_key;
  login.now_ms = now_ms();
  std::optional<pki::CertificateInfo> presented;
  std::optional<registry::DeviceCertificate> issued;
  if (tls_) {
    if (X509* cert = SSL_get0_peer_certificate(tls_->native_handle())) {
      presented = pki::inspect_certificate(cert);
      // One indexed SQLite lookup, only for connections that present a certificate.
      if (!presented->fingerprint.empty())
        if (auto found = ctx_.registry.find_certificate_by_fingerprint(presented->fingerprint)) issued = *found;
    }
  }
  auto verdict = check_client_certificate(login, presented ? &*presented : nullptr, issued ? &*issued : nullptr);
  if (verdict.accepted) return true;
  login_.connack = mqtt::kConnackNotAuthorized;
  login_.reason = std::move(verdict.reason);
  return false;
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
  if (login_.kind == LoginKind::Device) schedule_device_ready();
}

void Session::schedule_device_ready() {
  const auto delay = ctx_.options.commands.delivery_delay;
  if (delay.count() <= 0) return on_device_ready({});
  ready_timer_.expires_after(delay);
  ready_timer_.async_wait([self = shared_from_this()](error_code ec) { self->on_device_ready(ec); });
}

void Session::on_device_ready(error_code ec) {
  if (ec || closed_) return;
  // Only the device's current connection: after a takeover the newer one gets its own delay.
  const auto& d = login_.device;
  if (ctx_.directory.find(d.product_key, d.device_key).get() == this)
    ctx_.commands.device_ready(d.product_key, d.device_key);
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
  metrics::device_replies.inc(code);
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
  auto done = [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); };
  if (tls_) tls_->async_write(asio::buffer(writing_), std::move(done));
  else asio::async_write(socket_, asio::buffer(writing_), std::move(done));
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
