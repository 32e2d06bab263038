// Framing for the MQTT decoder: the receive buffer, the fixed header and the size limit.
#include "mqtt/decoder.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string_view>

#include "mqtt/body_decoder.hpp"
#include "mqtt/wire_format.hpp"

namespace gridhub::mqtt {

Decoder::Decoder(std::size_t max_packet_size) : max_packet_size_(max_packet_size) {}

void Decoder::feed(const char* data, std::size_t n) {
  if (n == 0 || error_) return;
  std::span<char> space = prepare(n);
  std::memcpy(space.data(), data, n);
  commit(n);
}

std::span<char> Decoder::prepare(std::size_t n) {
  const std::size_t used = end_ - begin_;
  if (capacity_ - end_ < n) {
    if (capacity_ - used >= n) {
      // Enough room once the consumed prefix is dropped: slide the partial packet to the front.
      std::memmove(buf_.get(), buf_.get() + begin_, used);
    } else {
      const std::size_t capacity = std::max({used + n, capacity_ * 2, kMinBufferCapacity});
      auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
      if (used > 0) std::memcpy(bigger.get(), buf_.get() + begin_, used);
      buf_ = std::move(bigger);
      capacity_ = capacity;
    }
    begin_ = 0;
    end_ = used;
  }
  prepared_ = n;
  return {buf_.get() + end_, n};
}

void Decoder::commit(std::size_t n) {
  assert(n <= prepared_ && "commit() beyond the last prepare()");
  n = std::min(n, prepared_);
  prepared_ = 0;
  if (error_) return;  // input after a protocol error is dropped
  end_ += n;
}

std::optional<Packet> Decoder::next(boost::system::error_code& ec) {
  ec = error_;
  if (error_) return std::nullopt;
  const std::size_t avail = end_ - begin_;
  if (avail == 0) return std::nullopt;
  const char* p = buf_.get() + begin_;

  // The first byte alone can be refused: a wrong type or flags needs no body.
  const auto first = static_cast<uint8_t>(p[0]);
  if (errc e = detail::check_first_byte(first); e != errc{}) {
    fail(e);
    ec = error_;
    return std::nullopt;
  }

  // Remaining length: up to 4 bytes of 7 bits, least significant first.
  std::size_t remaining = 0;
  std::size_t header = 1;
  for (;;) {
    if (header > kMaxRemainingLengthBytes) {
      fail(errc::remaining_length_too_long);
      ec = error_;
      return std::nullopt;
    }
    if (header >= avail) return std::nullopt;  // need more bytes of the fixed header
    const auto b = static_cast<uint8_t>(p[header]);
    remaining |= static_cast<std::size_t>(b & wire::kVarintValueMask) << (7 * (header - 1));
    ++header;
    if ((b & wire::kVarintContinue) == 0) break;
  }

  // Checked before the body arrives, so an announced giant packet costs us 5 bytes, not a buffer.
  const std::size_t total = header + remaining;
  if (total > max_packet_size_) {
    fail(errc::packet_too_large);
    ec = error_;
    return std::nullopt;
  }
  if (avail < total) return std::nullopt;

  std::optional<Packet> packet(std::in_place);
  if (errc e = detail::decode_body(first, std::string_view(p + header, remaining), *packet); e != errc{}) {
    fail(e);
    ec = error_;
    return std::nullopt;
  }
  begin_ += total;
  if (begin_ == end_) {
    begin_ = end_ = 0;
    release_if_large();
  }
  return packet;
}

void Decoder::fail(errc e) {
  error_ = make_error_code(e);
  begin_ = end_ = 0;
  buf_.reset();
  capacity_ = 0;
}

// REQUIRES: the buffer is empty.
void Decoder::release_if_large() {
  if (capacity_ > kRetainedBufferCapacity) {
    buf_.reset();
    capacity_ = 0;
  }
}

}  // namespace gridhub::mqtt
