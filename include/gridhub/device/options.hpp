// Everything a Client needs to log in and behave: the EnOS credentials, the Python SDK's Profile settings
// (keepalive, operation timeout, auto-reconnect, sign method, TLS files) and the offline buffer's bounds.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gridhub::device {

// The password's digest (spec §1.3: a plain hash of the sorted fields + secret, despite the hmac* names).
enum class SignMethod : uint8_t { sha256, sha1, md5 };

// How the device logs in (spec §1.3 securemode).
enum class LoginMode : uint8_t {
  device_secret = 2,       // a registered device with its own secret
  dynamic_activation = 3,  // a pre-registered device signs with the product secret; the hub sends its
                           // device secret on /ext/session/{pk}/{dk}/thing/activate/info
};

// TLS for ssl:// URLs. The hub's certificate chain is verified against ca_file; hostnames are not checked
// unless verify_hostname (as the EnOS SDKs). cert_file/key_file give a client certificate (mutual TLS).
struct TlsOptions {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string key_password;
  bool verify_hostname = false;
};

struct OfflineBufferOptions {
  // Measure-point posts made while disconnected are kept (true) or fail with errc::not_connected (false).
  bool enabled = true;
  // At most this many posts are kept; past it the oldest is dropped (and counted in Client::stats()).
  std::size_t max_messages = 10'000;
  // Empty: kept in memory only. Otherwise a directory: the buffer is also written to
  // DIR/offline-{pk}-{dk}.log and survives a restart of the program.
  std::string directory;
  // Replayed with measurepoint/resume after reconnecting, in order, at most this many per second (one in
  // flight at a time), so a long outage does not flood the hub.
  unsigned replay_per_second = 50;
};

struct Options {
  // tcp://host:port or ssl://host:port (EnOS convention 11883 / 18883).
  std::string url;
  std::string product_key;
  std::string device_key;
  std::string device_secret;   // LoginMode::device_secret
  std::string product_secret;  // LoginMode::dynamic_activation
  LoginMode login_mode = LoginMode::device_secret;
  SignMethod sign_method = SignMethod::sha256;
  TlsOptions tls;

  std::chrono::seconds keepalive{60};
  // Longest wait for a reply to a request (Python: 30 s).
  std::chrono::milliseconds operation_timeout{30'000};
  // Longest wait for TCP + TLS + CONNACK.
  std::chrono::milliseconds connect_timeout{10'000};

  // After a lost connection (not after close()), reconnect with exponential backoff: the n-th attempt waits
  // a random time in [d/2, d] with d = min(reconnect_min * 2^n, reconnect_max) (jitter spreads a fleet).
  bool auto_reconnect = true;
  std::chrono::milliseconds reconnect_min{1'000};
  std::chrono::milliseconds reconnect_max{60'000};

  // SUBSCRIBE to <request topic>_reply before the first request of each kind, as the Python SDK does. The
  // Gridhub hub (and EnOS) deliver replies without it; a plain MQTT broker needs it.
  bool subscribe_reply_topics = true;

  // Bounds of the client's queues.
  std::size_t max_pending_requests = 1'000;        // requests awaiting a reply
  std::size_t max_queued_bytes = 4 * 1024 * 1024;  // bytes waiting for the socket

  OfflineBufferOptions offline_buffer;
};

}  // namespace gridhub::device
