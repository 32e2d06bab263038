// Byte-level encoding shared by the WAL and checkpoint formats: little-endian fixed ints, LEB128 varints,
// zigzag for signed values, and a bounds-checked cursor for decoding untrusted bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace gridhub::tsdb::coding {

inline void put_fixed16(std::string& out, uint16_t v) {
  const char b[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  out.append(b, 2);
}

inline void put_fixed32(std::string& out, uint32_t v) {
  char b[4];
  for (int k = 0; k < 4; ++k) b[k] = static_cast<char>(v >> (8 * k));
  out.append(b, 4);
}

inline void put_fixed64(std::string& out, uint64_t v) {
  char b[8];
  for (int k = 0; k < 8; ++k) b[k] = static_cast<char>(v >> (8 * k));
  out.append(b, 8);
}

inline void put_varint64(std::string& out, uint64_t v) {
  char b[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out.append(b, n);
}

inline std::size_t varint_length(uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

inline void put_bytes(std::string& out, std::string_view s) {
  put_varint64(out, s.size());
  out.append(s);
}

inline uint16_t load_fixed16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

inline uint32_t load_fixed32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

inline uint64_t load_fixed64(const unsigned char* p) {
  return uint64_t{load_fixed32(p)} | uint64_t{load_fixed32(p + 4)} << 32;
}

// Reads from [p, end). Every getter returns false once the input is short or malformed and leaves the cursor
// failed, so a decoder can run a chain of gets and check once.
class Cursor {
 public:
  Cursor(const unsigned char* p, const unsigned char* end) : p_(p), end_(end) {}

  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

  bool get_u8(uint8_t& v) {
    if (!need(1)) return false;
    v = *p_++;
    return true;
  }
  bool get_fixed32(uint32_t& v) {
    if (!need(4)) return false;
    v = load_fixed32(p_);
    p_ += 4;
    return true;
  }
  bool get_fixed64(uint64_t& v) {
    if (!need(8)) return false;
    v = load_fixed64(p_);
    p_ += 8;
    return true;
  }
  bool get_varint64(uint64_t& v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (!need(1)) return false;
      const uint8_t byte = *p_++;
      // The tenth byte may only carry the top bit; anything more would overflow 64 bits.
      if (shift == 63 && byte > 1) return fail();
      result |= uint64_t{byte & 0x7fu} << shift;
      if (byte < 0x80) {
        v = result;
        return true;
      }
    }
    return fail();
  }
  // A length-prefixed string of at most `max` bytes, viewed in place.
  bool get_bytes(std::string_view& s, std::size_t max) {
    uint64_t n = 0;
    if (!get_varint64(n)) return false;
    if (n > max || !need(static_cast<std::size_t>(n))) return fail();
    s = std::string_view(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
    p_ += n;
    return true;
  }
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || remaining() < n) return fail();
    return true;
  }

  const unsigned char* p_;
  const unsigned char* end_;
  bool ok_ = true;
};

}  // namespace gridhub::tsdb::coding
