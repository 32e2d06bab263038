// Incremental MQTT 3.1.1 decoder: bytes in, packets out, with hard limits. Never touches a socket (sans-I/O).
#pragma once
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>

#include "mqtt/errc.hpp"
#include "mqtt/limits.hpp"
#include "mqtt/packet.hpp"

namespace gridhub::mqtt {

// One Decoder per connection; not thread-safe (the connection's io thread owns it).
//
// The size limit is checked from the fixed header, before the body arrives: a peer announcing 200 MiB is
// refused after 5 bytes. Packets only a server sends (CONNACK, SUBACK, UNSUBACK, PINGRESP) are decoded too,
// so clients (device SDK, load generator) use the same decoder. After a protocol error the decoder drops its
// buffer, ignores further input and keeps returning that error: the caller must close the connection.
class Decoder {
 public:
  // max_packet_size bounds the whole packet (fixed header + remaining length).
  explicit Decoder(std::size_t max_packet_size = kDefaultMaxPacketSize);

  // Applies to every packet not yet returned by next(), including one partly buffered. The hub uses
  // kMaxConnectPacketSize until login succeeds.
  void set_max_packet_size(std::size_t n) { max_packet_size_ = n; }
  std::size_t max_packet_size() const { return max_packet_size_; }

  // Appends received bytes (copied into an internal buffer that is compacted, not grown forever).
  void feed(const char* data, std::size_t n);

  // Zero-copy alternative to feed(): prepare(n) returns n writable bytes at the end of the buffer (valid
  // until the next call on this decoder); commit(k) marks the first k of them filled. REQUIRES: k <= n of the
  // last prepare().
  std::span<char> prepare(std::size_t n);
  void commit(std::size_t n);

  // The next complete packet. std::nullopt with !ec: more bytes are needed. std::nullopt with ec (an errc): a
  // protocol error; the connection must be closed, and every later call returns the same error.
  [[nodiscard]] std::optional<Packet> next(boost::system::error_code& ec);

  // Bytes received and not yet returned as packets (0 after an error).
  std::size_t buffered() const { return end_ - begin_; }

 private:
  void fail(errc e);
  void release_if_large();

  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;  // first unconsumed byte
  std::size_t end_ = 0;    // one past the last received byte
  std::size_t prepared_ = 0;
  std::size_t max_packet_size_;
  boost::system::error_code error_;
};

}  // namespace gridhub::mqtt
