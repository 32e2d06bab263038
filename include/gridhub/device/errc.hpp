// The device SDK's own error codes (connection, timeouts, misuse) and their category. Network and TLS errors
// are passed through as Asio/OpenSSL codes; EnOS reply codes are never errors here (see Response::code).
#pragma once
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <system_error>

namespace gridhub::device {

enum class errc {
  // The URL is not tcp://host:port or ssl://host:port (port 1..65535).
  invalid_url = 1,
  // An option or a builder field is missing or out of range (the message of the call says which).
  invalid_argument,
  // The hub refused the login: CONNACK 4 (bad username or password: wrong secret or sign).
  bad_credentials,
  // The hub refused the login: CONNACK 5 (unknown or disabled device).
  not_authorized,
  // The hub refused the login with another CONNACK code (1, 2 or 3).
  connection_refused_by_hub,
  // No CONNACK (or TCP/TLS connection) within Options::connect_timeout.
  connect_timeout,
  // The operation needs a connection and the client is not connected.
  not_connected,
  // No reply within Options::operation_timeout.
  timeout,
  // The connection was lost before the reply arrived.
  connection_lost,
  // The client was closed (close() or destruction) before the operation finished.
  closed,
  // Too many requests awaiting replies (Options::max_pending_requests) or too many bytes queued for the
  // socket (Options::max_queued_bytes): the caller must slow down.
  queue_full,
  // A synchronous call was made on the client's own io thread (from a callback or handler): waiting there
  // would deadlock, so the call returns at once. Use the asynchronous form inside callbacks.
  would_deadlock,
  // The hub sent bytes that are not MQTT 3.1.1, or a reply that is not an EnOS envelope.
  protocol_error,
  // Not sent now: the client is offline and the measure points were kept in the offline buffer; they are
  // delivered with measurepoint/resume after the next connection.
  buffered_offline,
  // The payload is larger than the SDK's message limit (512 KiB, as the EnOS SDKs).
  message_too_large,
  // connect() while already connected or connecting.
  already_connected,
  // The offline buffer file could not be written or read.
  buffer_io_error,
};

const boost::system::error_category& device_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return boost::system::error_code(static_cast<int>(e), device_category());
}

}  // namespace gridhub::device

template <>
struct boost::system::is_error_code_enum<gridhub::device::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<gridhub::device::errc> : std::true_type {};
