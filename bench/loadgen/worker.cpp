// Connect pacing (a bounded number of attempts in flight), the post pacer and keepalive, on one thread.
#include "loadgen/worker.hpp"

#include <boost/asio/post.hpp>
#include <cmath>

namespace gridhub::bench {

namespace asio = boost::asio;

namespace {
// The pacer hands out posts every millisecond: fine enough that a 25,000/s target is ~12 posts per tick per
// thread, coarse enough to cost nothing.
constexpr auto kPaceTick = std::chrono::milliseconds(1);

// Connect storm. A dropped device comes back after a random 0-100 ms, so that a whole fleet does not arrive in
// the same instant; a failed attempt (port not listening yet, refused, reset) waits 50-100 ms, then twice as long
// each time up to 0.5-1 s, as device SDKs back off: fast enough that a server back in a second sees its
// devices within another second, slow enough that 19,000 devices retrying do not take the CPU it needs to start.
constexpr double kDropJitterMs = 100;
constexpr double kRetryBaseMs = 100, kRetryCapMs = 1000;

Clock::duration millis(double ms) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}
}  // namespace

Worker::Worker(const Options& options, asio::ip::tcp::endpoint server, SharedProgress& progress)
    : options_(options),
      server_(std::move(server)),
      progress_(progress),
      guard_(asio::make_work_guard(io_)),
      pacer_(io_),
      pinger_(io_),
      random_(0x570a3 ^ reinterpret_cast<uintptr_t>(this)) {
  connect_limit_ = std::max<std::size_t>(1, options.connect_concurrency / std::max(1u, options.threads));
}

void Worker::add_device(const DeviceCredentials& device, asio::ip::address local, uint64_t seed) {
  connections_.push_back(std::make_unique<Connection>(*this, device, local, Connection::Role::Device, seed));
}

void Worker::add_subscriber(const DeviceCredentials& identity, asio::ip::address local) {
  identities_.push_back(std::make_unique<DeviceCredentials>(identity));
  subscriber_ = std::make_unique<Connection>(*this, *identities_.back(), local, Connection::Role::Subscriber, 0);
}

void Worker::run() {
  arm_ping();
  io_.run();
}

void Worker::start_subscriber() {
  asio::post(io_, [this] {
    if (subscriber_) subscriber_->start();
  });
}

void Worker::start_connecting() {
  asio::post(io_, [this] {
    while (connecting_ < connect_limit_ && next_to_connect_ < connections_.size()) connect_next();
  });
}

void Worker::connect_next() {
  ++connecting_;
  connections_[next_to_connect_++]->start();
}

void Worker::on_connect_finished(bool ok) {
  --connecting_;
  if (ok) progress_.connected_ok.fetch_add(1, std::memory_order_release);
  progress_.connects_finished.fetch_add(1, std::memory_order_release);
  if (next_to_connect_ < connections_.size()) connect_next();
}

void Worker::on_dropped(Connection& c) {
  progress_.dropped.fetch_add(1, std::memory_order_release);
  c.reconnect_after(millis(random_.uniform() * kDropJitterMs));
}

void Worker::on_reconnect_failed(Connection& c) {
  const unsigned doublings = std::min(c.reconnect_failures() - 1, 4u);
  const double ceiling = std::min(kRetryBaseMs * static_cast<double>(1u << doublings), kRetryCapMs);
  c.reconnect_after(millis(ceiling * (0.5 + 0.5 * random_.uniform())));
}

void Worker::start_load(Clock::time_point window_start, Clock::time_point window_end, double rate) {
  asio::post(io_, [this, window_start, window_end, rate] {
    window_start_ = window_start;
    window_end_ = window_end;
    rate_ = rate;
    loading_ = true;
    load_start_ = Clock::now();
    issued_ = 0;
    if (rate_ > 0) return arm_pacer();
    for (auto& c : connections_)
      while (c->can_post()) c->post();
  });
}

void Worker::on_slot_free(Connection& c) {
  if (!loading_ || rate_ > 0) return;
  while (c.can_post()) c.post();
}

void Worker::arm_pacer() {
  pacer_.expires_after(kPaceTick);
  pacer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && loading_) on_pace();
  });
}

// Open loop: the schedule does not wait for replies. A post whose turn comes while every connection has its
// window full is skipped and counted, never sent late in a burst (that would hide queueing from the latency).
void Worker::on_pace() {
  const double elapsed = std::chrono::duration<double>(Clock::now() - load_start_).count();
  const auto due = static_cast<uint64_t>(rate_ * elapsed);
  const std::size_t n = connections_.size();
  while (issued_ < due && n > 0) {
    std::size_t tried = 0;
    while (tried < n && !connections_[cursor_]->can_post()) {
      cursor_ = (cursor_ + 1) % n;
      ++tried;
    }
    if (tried == n) {
      stats_.skipped += due - issued_;
      issued_ = due;
      break;
    }
    connections_[cursor_]->post();
    cursor_ = (cursor_ + 1) % n;
    ++issued_;
  }
  arm_pacer();
}

void Worker::stop_load() {
  asio::post(io_, [this] {
    loading_ = false;
    pacer_.cancel();
  });
}

void Worker::arm_ping() {
  if (options_.keepalive_s == 0) return;
  // Half the keepalive: the hub closes a connection silent for 1.5x the interval.
  pinger_.expires_after(std::chrono::milliseconds(500 * options_.keepalive_s));
  pinger_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    for (auto& c : connections_) c->ping();
    if (subscriber_) subscriber_->ping();
    arm_ping();
  });
}

void Worker::finish() {
  asio::post(io_, [this] {
    loading_ = false;
    pacer_.cancel();
    pinger_.cancel();
    for (auto& c : connections_) c->close();
    if (subscriber_) subscriber_->close();
    guard_.reset();
  });
}

}  // namespace gridhub::bench
