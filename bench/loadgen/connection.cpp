// The device side of the hot path: connect, log in, post, match replies. The read side mirrors the hub's
// session (wait for readability, read into one buffer per thread) so that 10,000 idle connections stay cheap.
#include "loadgen/connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <memory>

#include "enos/envelope.hpp"
#include "enos/login.hpp"
#include "loadgen/worker.hpp"
#include "mqtt/encoder.hpp"

namespace gridhub::bench {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerWakeup = 4;

int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t micros(Clock::duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

// Gridhub writes replies as {"id":"<id>","code":<int>,... (enos::append_reply, key order fixed): read those two
// fields without building a JSON tree. Anything else goes through enos::parse_reply.
bool parse_reply_fast(std::string_view p, uint32_t& id, int& code) {
  constexpr std::string_view kIdPrefix = R"({"id":")";
  constexpr std::string_view kCodePrefix = R"(","code":)";
  if (!p.starts_with(kIdPrefix)) return false;
  p.remove_prefix(kIdPrefix.size());
  auto [id_end, id_ec] = std::from_chars(p.data(), p.data() + p.size(), id);
  if (id_ec != std::errc()) return false;
  p.remove_prefix(id_end - p.data());
  if (!p.starts_with(kCodePrefix)) return false;
  p.remove_prefix(kCodePrefix.size());
  auto [code_end, code_ec] = std::from_chars(p.data(), p.data() + p.size(), code);
  return code_ec == std::errc() && code_end != p.data();
}

bool parse_reply_slow(std::string_view p, uint32_t& id, int& code) {
  auto reply = enos::parse_reply(p);
  if (!reply) return false;
  const std::string& text = reply->id;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  code = reply->code;
  return true;
}

// The "time" field of a lab post, for the relay subscriber's delivery latency.
bool find_time(std::string_view p, int64_t& t) {
  constexpr std::string_view kKey = R"("time":)";
  auto at = p.rfind(kKey);
  if (at == std::string_view::npos) return false;
  p.remove_prefix(at + kKey.size());
  return std::from_chars(p.data(), p.data() + p.size(), t).ec == std::errc();
}

}  // namespace

Connection::Connection(Worker& worker, const DeviceCredentials& device, asio::ip::address local, Role role,
                       uint64_t seed)
    : worker_(worker),
      device_(device),
      socket_(worker.io()),
      local_(local),
      role_(role),
      decoder_(mqtt::kDefaultMaxPacketSize),
      simulator_(seed),
      retry_timer_(worker.io()) {
  topic_ = "/sys/" + device.product_key + "/" + device.device_key + "/thing/measurepoint/post";
  reply_topic_ = topic_ + "_reply";
  inflight_.reserve(worker.options().inflight);
}

void Connection::start() {
  if (stopped_) return;
  ++generation_;
  state_ = State::Connecting;
  reading_ = write_in_flight_ = corked_ = false;
  pending_.clear();
  decoder_ = mqtt::Decoder(mqtt::kDefaultMaxPacketSize);
  connect_started_ = Clock::now();
  if (role_ == Role::Device && reconnecting_) {
    ++worker_.stats().storm_attempts;
  } else if (role_ == Role::Device) {  // the relay subscriber is not part of the connect figures
    ++worker_.stats().connect_attempts;
    worker_.stats().first_connect = std::min(worker_.stats().first_connect, connect_started_);
  }
  error_code ec;
  if (socket_.is_open()) socket_.close(ec);
  socket_.open(local_.is_v6() ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), ec);
  if (!ec && !local_.is_unspecified()) socket_.bind(asio::ip::tcp::endpoint(local_, 0), ec);
  const uint32_t gen = generation_;
  if (ec) {
    // Report asynchronously so that the caller's loop over connections is not re-entered.
    return asio::post(worker_.io(), [this, ec, gen] {
      if (gen == generation_) on_connected(ec);
    });
  }
  socket_.async_connect(worker_.server(), [this, gen](const error_code& e) {
    if (gen == generation_) on_connected(e);
  });
}

void Connection::reconnect_after(Clock::duration delay) {
  if (stopped_) return;
  reconnecting_ = true;
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([this](const error_code& ec) {
    if (!ec) start();
  });
}

void Connection::on_connected(const error_code& ec) {
  if (state_ != State::Connecting) return;
  if (ec) return fail();
  error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);

  // Python SDK login (spec §1.2–1.3): prefix dk, securemode 2, hmacsha256 (a plain SHA-256), ms timestamp.
  const std::string timestamp = std::to_string(epoch_ms());
  mqtt::Connect c;
  c.protocol_name = "MQTT";
  c.protocol_level = 4;
  c.clean_session = true;
  c.keepalive = worker_.options().keepalive_s;
  c.client_id = device_.device_key + "|securemode=2,signmethod=hmacsha256,timestamp=" + timestamp + "|";
  c.username = device_.device_key + "&" + device_.product_key;
  c.password = enos::sign(enos::SignMethod::Sha256, device_.device_key, device_.device_key, device_.product_key,
                          timestamp, device_.device_secret);
  std::string out;
  mqtt::encode(c, out);
  state_ = State::WaitConnack;
  send(out);
  do_wait_read();
}

void Connection::do_wait_read() {
  if (reading_ || state_ == State::Closed) return;
  reading_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_read, [this, gen = generation_](const error_code& ec) {
    if (gen == generation_) on_readable(ec);
  });
}

void Connection::on_readable(const error_code& ec) {
  reading_ = false;
  if (state_ == State::Closed) return;
  if (ec) return fail();
  thread_local std::unique_ptr<char[]> chunk(new char[kReadChunk]);
  error_code rec;
  bool eof = false;
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    std::size_t n = socket_.read_some(asio::buffer(chunk.get(), kReadChunk), rec);
    if (n > 0) decoder_.feed(chunk.get(), n);
    if (rec == asio::error::would_block || rec == asio::error::try_again) break;
    if (rec) {
      eof = true;
      break;
    }
    if (n < kReadChunk) break;
  }
  // Everything the packets of this read produce (PUBACKs, the next posts) leaves in one write.
  corked_ = true;
  process_packets();
  corked_ = false;
  if (!pending_.empty() && !write_in_flight_ && state_ != State::Closed) do_write();
  if (eof) return fail();
  do_wait_read();
}

void Connection::process_packets() {
  while (state_ != State::Closed) {
    error_code ec;
    auto packet = decoder_.next(ec);
    if (ec) {
      ++worker_.stats().protocol_errors;
      return fail();
    }
    if (!packet) return;
    if (auto* p = std::get_if<mqtt::Publish>(&*packet)) handle(*p);
    else if (auto* a = std::get_if<mqtt::Puback>(&*packet)) handle(*a);
    else if (auto* c = std::get_if<mqtt::Connack>(&*packet)) handle(*c);
    else if (std::holds_alternative<mqtt::Suback>(*packet)) {
      ++worker_.stats().subscribed;
      worker_.on_subscribed();
    }
    // PINGRESP and UNSUBACK need nothing.
  }
}

void Connection::handle(const mqtt::Connack& p) {
  if (state_ != State::WaitConnack) return;
  if (role_ == Role::Subscriber) {
    if (p.return_code != mqtt::kConnackAccepted) return fail();
    state_ = State::Ready;
    mqtt::Subscribe sub{1, {{worker_.options().relay_filter, static_cast<uint8_t>(worker_.options().qos)}}};
    std::string out;
    mqtt::encode(sub, out);
    return send(out);
  }
  RunStats& s = worker_.stats();
  if (p.return_code != mqtt::kConnackAccepted) {
    state_ = State::Closed;
    error_code ignored;
    socket_.close(ignored);
    if (reconnecting_) {
      ++s.storm_refused[p.return_code];
      return retry();
    }
    ++s.connack_refused[p.return_code];
    return worker_.on_connect_finished(false);
  }
  const auto now = Clock::now();
  state_ = State::Ready;
  if (reconnecting_) {
    reconnecting_ = false;
    reconnect_failures_ = 0;
    ++s.storm_back;
    const int64_t t = epoch_ms();
    s.first_back_ms = std::min(s.first_back_ms, t);
    s.last_back_ms = std::max(s.last_back_ms, t);
    s.storm_reconnect_ms.record(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - dropped_at_).count()));
    return worker_.on_reconnected();
  }
  ++s.connacks_ok;
  s.last_connack = std::max(s.last_connack, now);
  s.connect_latency_us.record(micros(now - connect_started_));
  worker_.on_connect_finished(true);
}

bool Connection::can_post() const {
  return state_ == State::Ready && role_ == Role::Device && inflight_.size() < worker_.options().inflight;
}

void Connection::post() {
  const uint32_t id = next_id_++;
  uint16_t packet_id = 0;
  const uint8_t qos = static_cast<uint8_t>(worker_.options().qos);
  if (qos > 0) {
    packet_id = next_packet_id_++;
    if (next_packet_id_ == 0) next_packet_id_ = 1;
  }
  thread_local std::string payload, out;
  simulator_.next_post(id, epoch_ms(), payload);
  out.clear();
  mqtt::encode_publish(topic_, payload, qos, packet_id, out);
  const auto now = Clock::now();
  RunStats& s = worker_.stats();
  ++s.posts_sent_total;
  if (worker_.options().relay) worker_.progress().sent.fetch_add(1, std::memory_order_relaxed);
  if (worker_.in_window(now)) ++s.posts_sent;
  const bool awaits = worker_.options().relay ? qos > 0 : true;  // relay QoS 0: nothing comes back
  if (awaits) {
    inflight_.push_back({id, packet_id, now});
    worker_.add_outstanding(1);
  }
  send(out);
}

void Connection::ping() {
  if (state_ != State::Ready) return;
  thread_local std::string out;
  out.clear();
  mqtt::encode(mqtt::Pingreq{}, out);
  send(out);
}

void Connection::handle(const mqtt::Puback& p) {
  ++worker_.stats().pubacks;
  if (!worker_.options().relay) return;  // Gridhub: the reply is what counts; its PUBACK comes with it
  for (std::size_t i = 0; i < inflight_.size(); ++i)
    if (inflight_[i].packet_id == p.packet_id) return complete(i, Clock::now(), true, 0);
  ++worker_.stats().unmatched_replies;
}

void Connection::handle(const mqtt::Publish& p) {
  if (p.qos > 0) {
    thread_local std::string out;
    out.clear();
    mqtt::encode(mqtt::Puback{p.packet_id}, out);
    send(out);
  }
  if (role_ == Role::Subscriber) return handle_delivery(p);
  handle_reply(p);
}

void Connection::handle_reply(const mqtt::Publish& p) {
  RunStats& s = worker_.stats();
  uint32_t id = 0;
  int code = 0;
  if (p.topic != reply_topic_) {
    ++s.unmatched_replies;
    return;
  }
  if (!parse_reply_fast(p.payload, id, code) && !parse_reply_slow(p.payload, id, code)) {
    ++s.unparsable_replies;
    return;
  }
  for (std::size_t i = 0; i < inflight_.size(); ++i)
    if (inflight_[i].id == id) return complete(i, Clock::now(), code == 200, code);
  ++s.unmatched_replies;
}

void Connection::handle_delivery(const mqtt::Publish& p) {
  RunStats& s = worker_.stats();
  ++s.delivered_total;
  worker_.progress().delivered.fetch_add(1, std::memory_order_relaxed);
  if (!worker_.in_window(Clock::now())) return;
  ++s.delivered;
  int64_t t = 0;
  if (find_time(p.payload, t)) s.delivery_latency_ms.record(static_cast<uint64_t>(std::max<int64_t>(0, epoch_ms() - t)));
}

void Connection::complete(std::size_t index, Clock::time_point now, bool ok, int code) {
  RunStats& s = worker_.stats();
  const Pending done = inflight_[index];
  inflight_[index] = inflight_.back();
  inflight_.pop_back();
  worker_.add_outstanding(-1);
  if (ok) ++s.acked_total;
  if (worker_.in_window(now)) {
    if (ok) {
      ++s.acked;
      s.latency_us.record(micros(now - done.sent));
    } else {
      ++s.error_codes[code];
    }
  }
  worker_.on_slot_free(*this);
}

void Connection::fail() {
  if (state_ == State::Closed) return;
  const State was = state_;
  state_ = State::Closed;
  error_code ignored;
  socket_.close(ignored);
  if (role_ == Role::Subscriber) return;
  if (was == State::Connecting || was == State::WaitConnack) {
    if (reconnecting_) {
      ++worker_.stats().storm_failed;
      return retry();
    }
    ++worker_.stats().connect_failed;
    return worker_.on_connect_finished(false);
  }
  // The server closed a logged-in connection: what it had not answered is lost.
  ++worker_.stats().disconnects;
  worker_.stats().unanswered += inflight_.size();
  worker_.add_outstanding(-static_cast<int64_t>(inflight_.size()));
  inflight_.clear();
  if (worker_.options().reconnect_storm && !stopped_) {
    RunStats& s = worker_.stats();
    ++s.storm_dropped;
    const int64_t t = epoch_ms();
    s.first_drop_ms = std::min(s.first_drop_ms, t);
    s.last_drop_ms = std::max(s.last_drop_ms, t);
    dropped_at_ = Clock::now();
    worker_.on_dropped(*this);
  }
}

void Connection::retry() {
  ++reconnect_failures_;
  worker_.on_reconnect_failed(*this);
}

void Connection::close() {
  stopped_ = true;
  retry_timer_.cancel();
  if (state_ == State::Closed) return;
  worker_.stats().unanswered += inflight_.size();
  worker_.add_outstanding(-static_cast<int64_t>(inflight_.size()));
  inflight_.clear();
  state_ = State::Closed;
  error_code ignored;
  socket_.close(ignored);
}

void Connection::send(std::string_view bytes) {
  if (state_ == State::Closed) return;
  pending_.append(bytes);
  if (!write_in_flight_ && !corked_) do_write();
}

void Connection::do_write() {
  write_in_flight_ = true;
  writing_.swap(pending_);
  asio::async_write(socket_, asio::buffer(writing_), [this, gen = generation_](const error_code& ec, std::size_t) {
    if (gen != generation_) return;
    write_in_flight_ = false;
    if (state_ == State::Closed) return;
    if (ec) return fail();
    writing_.clear();
    if (!pending_.empty()) do_write();
  });
}

}  // namespace gridhub::bench
