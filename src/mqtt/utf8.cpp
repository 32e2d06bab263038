// UTF-8 validation for MQTT string fields, with an 8-bytes-at-a-time ASCII fast path (topics are ASCII).
#include "mqtt/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace gridhub::mqtt {

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr uint64_t kLowBits = 0x0101010101010101ULL;

// Exact for "has any zero byte" (the classic bit trick only mislocates which byte, never misses or invents
// one).
constexpr bool has_zero_byte(uint64_t v) { return ((v - kLowBits) & ~v & kHighBits) != 0; }

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

bool valid_mqtt_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      uint64_t v;
      std::memcpy(&v, p + i, sizeof v);
      if ((v & kHighBits) == 0) {
        if (has_zero_byte(v)) return false;
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0) return false;
      ++i;
      continue;
    }
    // Lead byte: sequence length and the allowed range of the second byte (rules out overlong forms,
    // UTF-16 surrogates D800-DFFF and code points above U+10FFFF; RFC 3629 table 3-7).
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;  // stray continuation byte, C0/C1 overlong lead, or F5..FF
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (!is_continuation(p[i + k])) return false;
    i += len;
  }
  return true;
}

}  // namespace gridhub::mqtt
