// One load-generator thread: its own io_context and its share of the connections, a pacer for --rate, and the
// keepalive pings. The main thread steers it only through the thread-safe calls below (they post to its loop).
#pragma once
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "loadgen/connection.hpp"
#include "loadgen/options.hpp"
#include "loadgen/run_stats.hpp"

namespace gridhub::bench {

// Counters the main thread watches while the workers run.
struct SharedProgress {
  std::atomic<std::size_t> connects_finished{0};  // CONNACK (any code) or failure, devices only
  std::atomic<int64_t> outstanding{0};            // posts awaiting their reply, all workers
  std::atomic<bool> subscribed{false};            // relay mode: the subscriber's SUBACK arrived
  std::atomic<uint64_t> sent{0}, delivered{0};    // relay mode: to wait until the subscriber has caught up
  std::atomic<std::size_t> connected_ok{0};       // CONNACK accepted in the connect phase
  std::atomic<std::size_t> dropped{0}, back{0};   // storm: logged-in connections the server closed; re-logins
};

class Worker {
 public:
  Worker(const Options& options, boost::asio::ip::tcp::endpoint server, SharedProgress& progress);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Setup, before run() starts.
  void add_device(const DeviceCredentials& device, boost::asio::ip::address local, uint64_t seed);
  void add_subscriber(const DeviceCredentials& identity, boost::asio::ip::address local);
  std::size_t device_count() const { return connections_.size(); }

  // Thread body: returns after finish().
  void run();

  // Thread-safe controls.
  void start_subscriber();
  void start_connecting();
  // Posts at `rate` per second over this worker's connections (0 = each connection refills its window as soon
  // as a reply arrives). Replies are counted when they arrive inside [window_start, window_end).
  void start_load(Clock::time_point window_start, Clock::time_point window_end, double rate);
  void stop_load();
  void finish();  // closes every connection; pending requests count as unanswered

  // For the connections (loop thread only).
  boost::asio::io_context& io() { return io_; }
  const Options& options() const { return options_; }
  const boost::asio::ip::tcp::endpoint& server() const { return server_; }
  RunStats& stats() { return stats_; }  // after run() has returned: also for the main thread
  bool in_window(Clock::time_point t) const { return t >= window_start_ && t < window_end_; }
  void on_connect_finished(bool ok);
  void on_slot_free(Connection& c);
  // Connect storm (--reconnect-storm): a drop is re-tried after 0-100 ms; a failed re-login after a backoff.
  void on_dropped(Connection& c);
  void on_reconnect_failed(Connection& c);
  void on_reconnected() { progress_.back.fetch_add(1, std::memory_order_release); }
  void on_subscribed() { progress_.subscribed.store(true, std::memory_order_release); }
  void add_outstanding(int64_t n) { progress_.outstanding.fetch_add(n, std::memory_order_relaxed); }
  SharedProgress& progress() { return progress_; }

 private:
  void connect_next();
  void arm_pacer();
  void on_pace();
  void arm_ping();

  const Options& options_;
  boost::asio::ip::tcp::endpoint server_;
  SharedProgress& progress_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  boost::asio::steady_timer pacer_, pinger_;
  std::vector<std::unique_ptr<DeviceCredentials>> identities_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::unique_ptr<Connection> subscriber_;
  RunStats stats_;
  // Connect phase.
  std::size_t next_to_connect_ = 0, connecting_ = 0, connect_limit_ = 1;
  // Load phase.
  bool loading_ = false;
  double rate_ = 0;
  Clock::time_point load_start_, window_start_{Clock::time_point::max()}, window_end_{Clock::time_point::max()};
  uint64_t issued_ = 0;
  std::size_t cursor_ = 0;
  // Storm jitter.
  Random random_;
};

}  // namespace gridhub::bench
