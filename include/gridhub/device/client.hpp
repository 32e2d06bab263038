// The device client: login, requests and replies, command handlers, auto-reconnect and the offline buffer,
// over MQTT 3.1.1 (tcp:// or ssl://). The C++ counterpart of the EnOS Python SDK's MqttClient.
#pragma once
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>

#include "gridhub/device/commands.hpp"
#include "gridhub/device/message.hpp"
#include "gridhub/device/options.hpp"
#include "gridhub/device/runtime.hpp"

namespace gridhub::device {

using ResponseCallback = std::function<void(boost::system::result<Response>)>;

// Counters since construction (read with stats(); approximate while traffic flows).
struct ClientStats {
  uint64_t connects = 0;            // successful logins
  uint64_t connect_failures = 0;    // failed attempts (network, TLS, CONNACK refused, timeout)
  uint64_t requests_sent = 0;       // requests and fire-and-forget publishes written
  uint64_t replies = 0;             // replies matched to a request
  uint64_t timeouts = 0;            // requests that got no reply in time
  uint64_t commands = 0;            // downstream commands received
  uint64_t buffered = 0;            // posts kept in the offline buffer
  uint64_t buffer_dropped = 0;      // oldest posts dropped because the buffer was full
  uint64_t resumed = 0;             // buffered posts delivered with measurepoint/resume
  std::size_t buffer_size = 0;      // posts now in the buffer
  bool connected = false;
};

// Thread model: all of a client's work runs on its Runtime's io thread (a strand of it), and so do its
// callbacks and command handlers. Every public method may be called from any thread. Synchronous methods
// (connect, publish, close) wait for the io thread; called from the io thread itself (inside a callback)
// they would deadlock, so they return errc::would_deadlock at once — use the *_async forms there.
//
// Errors are error codes, never exceptions: errc (errc.hpp) for the SDK's own conditions, Asio/SSL codes for
// network ones. A Response with code != 200 is not an error: it is the hub's answer.
class Client {
 public:
  // The client runs on its own Runtime (one io thread).
  explicit Client(Options options);
  // The client runs on `runtime` (shared with other clients). REQUIRES: runtime outlives the client.
  Client(Runtime& runtime, Options options);
  // Closes the connection and waits until no callback of this client runs. REQUIRES: not called from one
  // of this client's callbacks.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Callbacks (set them before connect()). on_connect: every successful login (the first and each
  // reconnect). on_disconnect: the connection was lost or closed (the code says why; empty after close()).
  // on_connect_failed: a login attempt failed (bad credentials, refused, timeout, TLS).
  void on_connect(std::function<void()> cb);
  void on_disconnect(std::function<void(boost::system::error_code)> cb);
  void on_connect_failed(std::function<void(boost::system::error_code)> cb);
  // Dynamic activation: the hub sent the device secret; the client replies, keeps it for its next logins
  // (securemode 2) and tells the program, which should store it.
  void on_device_activated(std::function<void(const std::string& device_secret)> cb);

  // Logs in and waits for the outcome (at most Options::connect_timeout): errc::bad_credentials /
  // errc::not_authorized when the hub refuses the login, errc::connect_timeout, errc::invalid_url, or the
  // network error. After a network failure with auto_reconnect on, the client keeps trying in the
  // background (on_connect fires when it succeeds); after a refused login it does not.
  [[nodiscard]] boost::system::error_code connect();
  void connect_async(std::function<void(boost::system::error_code)> done);
  bool is_connected() const;

  // Sends the request and waits for its reply (at most Options::operation_timeout). Measure-point posts
  // made while offline return errc::buffered_offline (kept in the offline buffer) when it is enabled.
  [[nodiscard]] boost::system::result<Response> publish(const Request& request);
  // The same without waiting: `done` runs on the io thread with the reply or the error.
  void publish_async(const Request& request, ResponseCallback done);
  std::future<boost::system::result<Response>> publish_future(const Request& request);
  // Fire and forget: no reply is awaited (the hub still sends one; it is ignored).
  [[nodiscard]] boost::system::error_code fast_publish(const Request& request);

  // Command handlers by class (replaces the previous one). A command of a class without a handler is
  // answered 1101 "downstream command handler not registered", as the EnOS SDKs do.
  void set_command_handler(CommandClass c, CommandHandler handler);
  // Answers a command later (after a handler returned std::nullopt).
  [[nodiscard]] boost::system::error_code reply(const Command& command, const Reply& reply);

  // Sends DISCONNECT, closes the socket, stops reconnecting; pending requests fail with errc::closed.
  // Idempotent; connect() may be called again afterwards.
  void close();

  ClientStats stats() const;
  const Options& options() const;

 private:
  struct Impl;
  std::unique_ptr<Runtime> own_runtime_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gridhub::device
