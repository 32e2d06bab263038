// Internal to the client: the state behind Client, owned by its strand. Split across client_connection.cpp
// (login, socket, keepalive, reconnect), client_publish.cpp (requests, replies, timeouts), client_commands.cpp
// (downstream commands, activation) and client_replay.cpp (offline buffer).
#pragma once
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gridhub/device/client.hpp"
#include "mqtt/decoder.hpp"
#include "mqtt/packet.hpp"
#include "sdk/offline_buffer.hpp"
#include "sdk/transport.hpp"
#include "sdk/url.hpp"
#include "sdk/wire.hpp"

namespace gridhub::device {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Every member below the callbacks is touched on `strand` only (REQUIRES for every method not marked
// otherwise). Public entry points post to the strand.
struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  Impl(asio::io_context& io, Options options);

  // --- any thread ---
  asio::io_context& io;
  detail::Strand strand;
  const Options opts;
  ClientStats stats_snapshot() const;
  bool on_strand() const { return strand.running_in_this_thread(); }

  mutable std::mutex stats_mu;
  ClientStats stats;  // guarded by stats_mu
  template <class F>
  void count(F f) {
    std::lock_guard lock(stats_mu);
    f(stats);
  }

  // --- callbacks (strand) ---
  std::function<void()> on_connect_cb;
  std::function<void(error_code)> on_disconnect_cb, on_connect_failed_cb;
  std::function<void(const std::string&)> on_activated_cb;
  std::array<CommandHandler, kCommandClassCount> handlers;

  // --- connection (client_connection.cpp) ---
  enum class State { idle, connecting, connected, closing };
  State state = State::idle;
  bool want_connection = false;  // connect() called and close() not: reconnect after a loss
  bool ever_connected = false;
  uint64_t generation = 0;  // bumped per attempt: completions of an older connection are ignored
  boost::system::result<detail::Endpoint> endpoint;
  std::shared_ptr<asio::ssl::context> tls_ctx;
  // One connection attempt's socket and decoder. Completion handlers hold a reference, so the stream and
  // the buffers they use outlive a teardown that happens while they are in flight.
  struct Conn {
    Conn(detail::Strand s, std::shared_ptr<asio::ssl::context> tls) : transport(s, std::move(tls)) {}
    detail::Transport transport;
    mqtt::Decoder decoder;
    std::array<char, 16 * 1024> rbuf;
  };
  std::shared_ptr<Conn> conn;
  asio::ip::tcp::resolver resolver;
  std::deque<std::string> write_queue;
  std::size_t queued_bytes = 0;
  bool writing = false;
  asio::steady_timer connect_timer, keepalive_timer, reconnect_timer;
  Clock::time_point last_received;
  unsigned reconnect_attempt = 0;
  std::mt19937_64 rng;
  std::vector<std::function<void(error_code)>> connect_waiters;
  std::vector<std::function<void()>> close_waiters;
  std::string activated_secret;  // set by dynamic activation: later logins use securemode 2 with it

  void start_connect();
  void on_resolved(uint64_t gen, error_code ec, asio::ip::tcp::resolver::results_type results);
  void send_connect();
  void do_read();
  void on_read(uint64_t gen, const std::shared_ptr<Conn>& c, error_code ec, std::size_t n);
  void on_packet(mqtt::Packet& p);
  void on_connack(const mqtt::Connack& c);
  void fail_attempt(error_code ec);
  void connection_lost(error_code ec);
  void teardown();
  void schedule_reconnect();
  void start_keepalive(uint64_t gen);
  void begin_close();
  void finish_close();
  // Queues bytes for the socket. Errors: errc::queue_full past max_queued_bytes (unless `force`).
  error_code enqueue(std::string bytes, bool force = false);
  void do_write();
  uint16_t next_packet_id();
  uint16_t packet_id_ = 0;

  // --- requests (client_publish.cpp) ---
  struct Pending {
    ResponseCallback done;
    bool raw = false;
    std::optional<Request> buffer_on_loss;  // a live post: kept offline if the connection drops
    std::optional<Request> relogin;         // a sub-device login: repeated after each reconnect
  };
  std::unordered_map<std::string, Pending> pending;  // key: reply topic + '\n' + id
  std::unordered_map<std::string, std::deque<std::string>> raw_waiters;  // reply topic -> keys, FIFO
  std::deque<std::pair<Clock::time_point, std::string>> deadlines;        // FIFO = deadline order
  asio::steady_timer timeout_timer;
  bool timeout_armed = false;
  uint64_t next_request_id = 0;
  std::unordered_set<std::string> subscribed;
  std::map<std::pair<std::string, std::string>, Request> sub_device_logins;

  // Sends a request. An immediate failure (not connected, queue full, buffered offline, too large) is
  // returned and `done` is not called; otherwise `done` (may be empty) gets the reply or a later error.
  // A replay passes its buffered params/extra JSON text (sent verbatim).
  error_code publish(const Request& r, ResponseCallback done, bool fire_and_forget,
                     const detail::BufferedPost* replay = nullptr);
  void on_reply(const std::string& topic, std::string_view payload);
  void arm_timeout();
  void on_timeout();
  void fail_pending(error_code ec);
  void relogin_sub_devices();
  void buffer_post(const Request& r, std::string_view pk, std::string_view dk);

  // --- commands (client_commands.cpp) ---
  void on_command(const detail::ClassifiedTopic& t, const std::string& topic, std::string_view payload);
  void on_activate_info(const std::string& topic, std::string_view payload);
  error_code send_reply(const Command& c, const Reply& r);

  // --- offline buffer (client_replay.cpp) ---
  detail::OfflineBuffer buffer;
  error_code buffer_open_error;
  bool replaying = false;
  asio::steady_timer replay_timer;
  void start_replay();
  void replay_next();
  void on_replayed(const boost::system::result<Response>& r);
  void replay_later(std::chrono::milliseconds delay);
  void update_buffer_stats();
};

}  // namespace gridhub::device
