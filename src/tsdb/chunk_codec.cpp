// Chunk encoder and decoder: one series' points as byte-aligned column streams that zstd squeezes well.
// The layout, and why each column is encoded the way it is, is in docs/chunk_format.md.
#include "tsdb/chunk_codec.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "tsdb/coding.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"

namespace gridhub::tsdb {
namespace {

// ---- Format constants (docs/chunk_format.md) ----

constexpr uint8_t kChunkVersion = 1;

enum class TimeEncoding : uint8_t { Regular = 0, Column = 1 };
enum class KindEncoding : uint8_t { Single = 0, Runs = 1 };
// How an integer column is differenced before zigzag varints: raw values, deltas, or deltas of deltas.
enum class IntOrder : uint8_t { Raw = 0, Delta = 1, DeltaOfDelta = 2 };
enum class DoubleEncoding : uint8_t { Decimal = 0, Xor = 1 };
enum class BoolEncoding : uint8_t { Bitmap = 0, Runs = 1 };
enum class BytesEncoding : uint8_t { Plain = 0, Dictionary = 1 };
enum class QualityEncoding : uint8_t { None = 0, Constant = 1, PerPoint = 2, Partial = 3 };

constexpr int kMaxDecimalScale = 12;
// Exact doubles (10^e is exact up to 10^22), so the encoder's check and the decoder's division agree bit for
// bit on every platform with IEEE-754 round-to-nearest.
constexpr std::array<double, kMaxDecimalScale + 1> kPow10 = {1e0, 1e1, 1e2, 1e3,  1e4,  1e5, 1e6,
                                                             1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
constexpr double kTwo53 = 9007199254740992.0;

// A dictionary index is one byte.
constexpr std::size_t kMaxDictionaryEntries = 256;
// Bytes the dictionary strings of one section may expand to: a few input bytes could otherwise make the
// decoder copy a 1 MiB entry millions of times.
constexpr uint64_t kMaxDictionaryExpansion = uint64_t{64} << 20;

constexpr std::size_t kKinds = 5;  // ValueKind 1..5
constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

bool valid_kind(uint8_t k) { return k >= 1 && k <= kKinds; }

// ---- Varint helpers on raw memory (the hot loops; coding.hpp appends one std::string call per value) ----

inline std::size_t varint_size(uint64_t v) {
  return (static_cast<std::size_t>(std::bit_width(v | 1)) + 6) / 7;
}

inline char* write_varint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Reads the varints of one stream. The fast path skips the per-byte bounds check while ten bytes remain.
class VarintReader {
 public:
  explicit VarintReader(std::string_view s)
      : p_(reinterpret_cast<const uint8_t*>(s.data())), end_(p_ + s.size()) {}

  bool next(uint64_t& v) {
    if (end_ - p_ >= 10) {
      uint64_t byte = *p_++;
      if (byte < 0x80) {
        v = byte;
        return true;
      }
      uint64_t result = byte & 0x7f;
      for (int shift = 7; shift < 63; shift += 7) {
        byte = *p_++;
        result |= (byte & 0x7f) << shift;
        if (byte < 0x80) {
          v = result;
          return true;
        }
      }
      byte = *p_++;
      if (byte > 1) return false;  // the tenth byte may only carry bit 63
      v = result | byte << 63;
      return true;
    }
    uint64_t result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (p_ == end_) return false;
      const uint64_t byte = *p_++;
      if (shift == 63 && byte > 1) return false;
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        v = result;
        return true;
      }
    }
    return false;
  }

  bool at_end() const { return p_ == end_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

const uint8_t* bytes_of(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// Appends a stream of exactly `size` bytes (length first) and returns where its bytes go.
char* open_stream(std::string& out, std::size_t size) {
  coding::put_varint64(out, size);
  const std::size_t at = out.size();
  out.resize(at + size);
  return out.data() + at;
}

// A stream of n varints holds between n and 10n bytes; checked before any of them is read.
bool plausible_varints(std::string_view s, std::size_t n) { return s.size() >= n && s.size() / 10 <= n; }

// ---- Integer column: order byte, then a stream of n zigzag varints ----
// Arithmetic is in uint64 so deltas between INT64_MIN and INT64_MAX wrap instead of overflowing; the decoder
// wraps back the same way.

template <class Get>
void put_int_column(std::string& out, std::size_t n, Get get) {
  std::size_t size[3] = {0, 0, 0};
  uint64_t prev = 0;
  uint64_t prev_delta = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const uint64_t v = static_cast<uint64_t>(get(j));
    size[0] += varint_size(coding::zigzag(static_cast<int64_t>(v)));
    if (j == 0) {
      size[1] += varint_size(coding::zigzag(static_cast<int64_t>(v)));
      size[2] = size[1];
    } else {
      const uint64_t delta = v - prev;
      size[1] += varint_size(coding::zigzag(static_cast<int64_t>(delta)));
      size[2] += varint_size(coding::zigzag(static_cast<int64_t>(j == 1 ? delta : delta - prev_delta)));
      prev_delta = delta;
    }
    prev = v;
  }
  // Ties go to the lower order: it decodes faster.
  IntOrder order = IntOrder::Raw;
  if (size[1] < size[0]) order = IntOrder::Delta;
  if (size[2] < size[static_cast<int>(order)]) order = IntOrder::DeltaOfDelta;
  out.push_back(static_cast<char>(order));
  char* p = open_stream(out, size[static_cast<int>(order)]);
  prev = 0;
  prev_delta = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const uint64_t v = static_cast<uint64_t>(get(j));
    uint64_t e = v;
    if (order == IntOrder::Delta) {
      e = v - prev;
    } else if (order == IntOrder::DeltaOfDelta && j > 0) {
      const uint64_t delta = v - prev;
      e = j == 1 ? delta : delta - prev_delta;
      prev_delta = delta;
    }
    p = write_varint(p, coding::zigzag(static_cast<int64_t>(e)));
    prev = v;
  }
}

// Calls sink(int64) n times, in order.
template <class Sink>
bool get_int_column(coding::Cursor& in, std::size_t n, Sink&& sink) {
  uint8_t order = 0;
  std::string_view stream;
  if (!in.get_u8(order) || order > static_cast<uint8_t>(IntOrder::DeltaOfDelta) ||
      !in.get_bytes(stream, kNoLimit) || !plausible_varints(stream, n)) {
    return false;
  }
  VarintReader r(stream);
  uint64_t raw = 0;
  switch (static_cast<IntOrder>(order)) {
    case IntOrder::Raw:
      for (std::size_t j = 0; j < n; ++j) {
        if (!r.next(raw)) return false;
        sink(coding::unzigzag(raw));
      }
      break;
    case IntOrder::Delta: {
      uint64_t v = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (!r.next(raw)) return false;
        v += static_cast<uint64_t>(coding::unzigzag(raw));
        sink(static_cast<int64_t>(v));
      }
      break;
    }
    case IntOrder::DeltaOfDelta: {
      if (!r.next(raw)) return false;
      uint64_t v = static_cast<uint64_t>(coding::unzigzag(raw));
      sink(static_cast<int64_t>(v));
      uint64_t delta = 0;
      for (std::size_t j = 1; j < n; ++j) {
        if (!r.next(raw)) return false;
        delta += static_cast<uint64_t>(coding::unzigzag(raw));
        v += delta;
        sink(static_cast<int64_t>(v));
      }
      break;
    }
  }
  return r.at_end();
}

// ---- Double column ----

// m with m / 10^scale bit-identical to v, if there is one with |m| < 2^53. -0.0, NaN, infinities, denormals
// and values that are not short decimals all fail: the division can only give them back by accident.
bool mantissa_at(double v, int scale, int64_t& m) {
  const double x = v * kPow10[scale];
  if (!(std::fabs(x) < kTwo53)) return false;
  m = static_cast<int64_t>(std::nearbyint(x));
  return std::bit_cast<uint64_t>(static_cast<double>(m) / kPow10[scale]) == std::bit_cast<uint64_t>(v);
}

// The smallest scale at which every value is an exact decimal, or -1. A value exact at scale e is exact at
// e+1 too (10m / 10^(e+1) is the same real number, rounded the same way), so the scale only ever rises; the
// encoder still re-checks every value at the final scale.
template <class Get>
int decimal_scale(std::size_t n, Get get) {
  int scale = 0;
  int64_t m = 0;
  for (std::size_t j = 0; j < n; ++j) {
    while (!mantissa_at(get(j), scale, m)) {
      if (++scale > kMaxDecimalScale) return -1;
    }
  }
  return scale;
}

// XOR with the previous value's bits, zero bytes trimmed from both ends: a control byte per value
// (leading zero bytes << 4 | trailing zero bytes) in one stream, the remaining middle bytes in another.
// Chosen over byte-transposed XOR: under zstd it is within 7% on noisy data and 4x smaller on slowly
// varying data, and it is smaller before zstd too (transposed is always 8 bytes a point;
// docs/chunk_format.md).
template <class Get>
void put_xor_doubles(std::string& out, std::size_t n, Get get) {
  std::size_t payload = 0;
  uint64_t prev = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const uint64_t bits = std::bit_cast<uint64_t>(get(j));
    const uint64_t x = bits ^ prev;
    if (x != 0) payload += 8 - std::countl_zero(x) / 8 - std::countr_zero(x) / 8;
    prev = bits;
  }
  char* control = open_stream(out, n);
  prev = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const uint64_t bits = std::bit_cast<uint64_t>(get(j));
    const uint64_t x = bits ^ prev;
    control[j] = x == 0 ? static_cast<char>(0x80)
                        : static_cast<char>((std::countl_zero(x) / 8) << 4 | std::countr_zero(x) / 8);
    prev = bits;
  }
  char* p = open_stream(out, payload);
  prev = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const uint64_t bits = std::bit_cast<uint64_t>(get(j));
    const uint64_t x = bits ^ prev;
    if (x != 0) {
      const int trail = std::countr_zero(x) / 8;
      const int len = 8 - std::countl_zero(x) / 8 - trail;
      for (int k = 0; k < len; ++k) *p++ = static_cast<char>(x >> (8 * (trail + k)));
    }
    prev = bits;
  }
}

template <class Get>
void put_double_column(std::string& out, std::size_t n, Get get) {
  const int scale = decimal_scale(n, get);
  if (scale >= 0) {
    std::vector<int64_t> mantissas(n);
    bool exact = true;
    for (std::size_t j = 0; j < n && exact; ++j) exact = mantissa_at(get(j), scale, mantissas[j]);
    if (exact) {
      out.push_back(static_cast<char>(DoubleEncoding::Decimal));
      out.push_back(static_cast<char>(scale));
      put_int_column(out, n, [&](std::size_t j) { return mantissas[j]; });
      return;
    }
  }
  out.push_back(static_cast<char>(DoubleEncoding::Xor));
  put_xor_doubles(out, n, get);
}

template <class Sink>
bool get_xor_doubles(coding::Cursor& in, std::size_t n, Sink&& sink) {
  std::string_view control;
  std::string_view payload;
  if (!in.get_bytes(control, kNoLimit) || control.size() != n || !in.get_bytes(payload, kNoLimit) ||
      payload.size() / 8 > n) {
    return false;
  }
  const uint8_t* p = bytes_of(payload);
  const uint8_t* const end = p + payload.size();
  uint64_t bits = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const unsigned c = static_cast<uint8_t>(control[j]);
    const unsigned lead = c >> 4;
    const unsigned trail = c & 15;
    if (lead + trail > 8) return false;
    const unsigned len = 8 - lead - trail;
    if (static_cast<std::size_t>(end - p) < len) return false;
    uint64_t x = 0;
    for (unsigned k = 0; k < len; ++k) x |= uint64_t{p[k]} << (8 * k);
    p += len;
    if (len != 0) bits ^= x << (8 * trail);
    sink(std::bit_cast<double>(bits));
  }
  return p == end;
}

template <class Sink>
bool get_double_column(coding::Cursor& in, std::size_t n, Sink&& sink) {
  uint8_t encoding = 0;
  if (!in.get_u8(encoding)) return false;
  if (encoding == static_cast<uint8_t>(DoubleEncoding::Decimal)) {
    uint8_t scale = 0;
    if (!in.get_u8(scale) || scale > kMaxDecimalScale) return false;
    const double divisor = kPow10[scale];
    return get_int_column(in, n, [&](int64_t m) { sink(static_cast<double>(m) / divisor); });
  }
  if (encoding == static_cast<uint8_t>(DoubleEncoding::Xor)) return get_xor_doubles(in, n, sink);
  return false;
}

// ---- Bool column ----

template <class Get>
void put_bool_column(std::string& out, std::size_t n, Get get) {
  std::size_t run_bytes = 0;
  std::size_t run = 1;
  for (std::size_t j = 1; j < n; ++j) {
    if (get(j) == get(j - 1)) {
      ++run;
    } else {
      run_bytes += varint_size(run);
      run = 1;
    }
  }
  run_bytes += varint_size(run);
  const std::size_t bitmap_bytes = (n + 7) / 8;
  // Runs: the first value, then the run lengths. Ties go to the bitmap.
  if (1 + varint_size(run_bytes) + run_bytes < varint_size(bitmap_bytes) + bitmap_bytes) {
    out.push_back(static_cast<char>(BoolEncoding::Runs));
    out.push_back(get(0) ? 1 : 0);
    char* p = open_stream(out, run_bytes);
    run = 1;
    for (std::size_t j = 1; j < n; ++j) {
      if (get(j) == get(j - 1)) {
        ++run;
      } else {
        p = write_varint(p, run);
        run = 1;
      }
    }
    write_varint(p, run);
    return;
  }
  out.push_back(static_cast<char>(BoolEncoding::Bitmap));
  char* p = open_stream(out, bitmap_bytes);
  for (std::size_t j = 0; j < n; ++j) {
    if (get(j)) p[j / 8] = static_cast<char>(p[j / 8] | 1 << (j % 8));
  }
}

// A bitmap of n bits, low bit first; the padding bits of the last byte must be zero.
bool plausible_bitmap(std::string_view s, std::size_t n) {
  if (s.size() != (n + 7) / 8) return false;
  return n % 8 == 0 || (static_cast<uint8_t>(s.back()) >> (n % 8)) == 0;
}

template <class Sink>
bool get_bool_column(coding::Cursor& in, std::size_t n, Sink&& sink) {
  uint8_t encoding = 0;
  std::string_view stream;
  if (!in.get_u8(encoding)) return false;
  if (encoding == static_cast<uint8_t>(BoolEncoding::Bitmap)) {
    if (!in.get_bytes(stream, kNoLimit) || !plausible_bitmap(stream, n)) return false;
    const uint8_t* bits = bytes_of(stream);
    for (std::size_t j = 0; j < n; ++j) sink(((bits[j / 8] >> (j % 8)) & 1) != 0);
    return true;
  }
  if (encoding != static_cast<uint8_t>(BoolEncoding::Runs)) return false;
  uint8_t first = 0;
  if (!in.get_u8(first) || first > 1 || !in.get_bytes(stream, kNoLimit) || stream.size() > 10 * n)
    return false;
  VarintReader r(stream);
  bool value = first != 0;
  std::size_t done = 0;
  while (done < n) {
    uint64_t run = 0;
    if (!r.next(run) || run == 0 || run > n - done) return false;
    for (std::size_t k = 0; k < run; ++k) sink(value);
    done += run;
    value = !value;
  }
  return r.at_end();
}

// ---- String and Json columns: lengths stream + bytes stream, or a dictionary + one index byte a value ----

void put_strings(std::string& out, std::size_t n, std::size_t data_bytes, auto get) {
  std::size_t length_bytes = 0;
  for (std::size_t j = 0; j < n; ++j) length_bytes += varint_size(get(j).size());
  char* p = open_stream(out, length_bytes);
  for (std::size_t j = 0; j < n; ++j) p = write_varint(p, get(j).size());
  p = open_stream(out, data_bytes);
  for (std::size_t j = 0; j < n; ++j) {
    const std::string_view s = get(j);
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
}

template <class Get>
void put_bytes_column(std::string& out, std::size_t n, Get get) {
  std::size_t data_bytes = 0;
  std::size_t length_bytes = 0;
  for (std::size_t j = 0; j < n; ++j) {
    data_bytes += get(j).size();
    length_bytes += varint_size(get(j).size());
  }
  // A dictionary pays when values repeat: its entries once, then one byte a value.
  std::unordered_map<std::string_view, uint8_t> index;
  std::vector<std::string_view> entries;
  bool use_dictionary = n > 1 && data_bytes <= kMaxDictionaryExpansion;
  std::size_t entry_bytes = 0;
  for (std::size_t j = 0; j < n && use_dictionary; ++j) {
    const std::string_view s = get(j);
    if (index.contains(s)) continue;
    if (entries.size() == kMaxDictionaryEntries) {
      use_dictionary = false;
      break;
    }
    index.emplace(s, static_cast<uint8_t>(entries.size()));
    entries.push_back(s);
    entry_bytes += s.size() + varint_size(s.size());
  }
  if (use_dictionary && entry_bytes + n < data_bytes + length_bytes) {
    out.push_back(static_cast<char>(BytesEncoding::Dictionary));
    coding::put_varint64(out, entries.size());
    std::size_t entry_data = 0;
    for (const std::string_view s : entries) entry_data += s.size();
    put_strings(out, entries.size(), entry_data, [&](std::size_t k) { return entries[k]; });
    char* p = open_stream(out, n);
    for (std::size_t j = 0; j < n; ++j) p[j] = static_cast<char>(index.find(get(j))->second);
    return;
  }
  out.push_back(static_cast<char>(BytesEncoding::Plain));
  put_strings(out, n, data_bytes, get);
}

// Calls sink(string_view) for n strings read from a lengths stream and a data stream (views into the input).
template <class Sink>
bool get_strings(coding::Cursor& in, std::size_t n, Sink&& sink) {
  std::string_view lengths;
  std::string_view data;
  if (!in.get_bytes(lengths, kNoLimit) || !plausible_varints(lengths, n) || !in.get_bytes(data, kNoLimit)) {
    return false;
  }
  VarintReader r(lengths);
  std::size_t at = 0;
  for (std::size_t j = 0; j < n; ++j) {
    uint64_t len = 0;
    if (!r.next(len) || len > kMaxValueBytes || len > data.size() - at) return false;
    sink(data.substr(at, static_cast<std::size_t>(len)));
    at += static_cast<std::size_t>(len);
  }
  return r.at_end() && at == data.size();
}

template <class Sink>
bool get_bytes_column(coding::Cursor& in, std::size_t n, Sink&& sink) {
  uint8_t encoding = 0;
  if (!in.get_u8(encoding)) return false;
  if (encoding == static_cast<uint8_t>(BytesEncoding::Plain)) return get_strings(in, n, sink);
  if (encoding != static_cast<uint8_t>(BytesEncoding::Dictionary)) return false;
  uint64_t size = 0;
  if (!in.get_varint64(size) || size == 0 || size > kMaxDictionaryEntries) return false;
  std::array<std::string_view, kMaxDictionaryEntries> entries;
  std::size_t k = 0;
  if (!get_strings(in, static_cast<std::size_t>(size), [&](std::string_view s) { entries[k++] = s; }))
    return false;
  std::string_view index;
  if (!in.get_bytes(index, kNoLimit) || index.size() != n) return false;
  // Every index and the total expansion are checked before a single string is built.
  uint64_t expanded = 0;
  for (const char c : index) {
    const uint8_t i = static_cast<uint8_t>(c);
    if (i >= size) return false;
    expanded += entries[i].size();
  }
  if (expanded > kMaxDictionaryExpansion) return false;
  for (const char c : index) sink(entries[static_cast<uint8_t>(c)]);
  return true;
}

// ---- Quality column ----

void put_qualities(std::string& out, std::span<const Point> points) {
  const std::size_t n = points.size();
  std::size_t present = 0;
  bool constant = true;
  for (const Point& p : points) {
    if (!p.quality) continue;
    ++present;
    constant = constant && p.quality == points[0].quality;
  }
  if (present == 0) {
    out.push_back(static_cast<char>(QualityEncoding::None));
    return;
  }
  if (present == n && constant) {
    out.push_back(static_cast<char>(QualityEncoding::Constant));
    coding::put_varint64(out, coding::zigzag(*points[0].quality));
    return;
  }
  if (present != n) {
    out.push_back(static_cast<char>(QualityEncoding::Partial));
    char* bitmap = open_stream(out, (n + 7) / 8);
    for (std::size_t j = 0; j < n; ++j) {
      if (points[j].quality) bitmap[j / 8] = static_cast<char>(bitmap[j / 8] | 1 << (j % 8));
    }
  } else {
    out.push_back(static_cast<char>(QualityEncoding::PerPoint));
  }
  std::size_t size = 0;
  for (const Point& p : points) {
    if (p.quality) size += varint_size(coding::zigzag(*p.quality));
  }
  char* p = open_stream(out, size);
  for (const Point& point : points) {
    if (point.quality) p = write_varint(p, coding::zigzag(*point.quality));
  }
}

bool get_quality(uint64_t raw, int32_t& q) {
  const int64_t v = coding::unzigzag(raw);
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) return false;
  q = static_cast<int32_t>(v);
  return true;
}

bool get_qualities(coding::Cursor& in, std::span<Point> points) {
  const std::size_t n = points.size();
  uint8_t encoding = 0;
  if (!in.get_u8(encoding)) return false;
  switch (static_cast<QualityEncoding>(encoding)) {
    case QualityEncoding::None:
      return true;
    case QualityEncoding::Constant: {
      uint64_t raw = 0;
      int32_t q = 0;
      if (!in.get_varint64(raw) || !get_quality(raw, q)) return false;
      for (Point& p : points) p.quality = q;
      return true;
    }
    case QualityEncoding::PerPoint:
    case QualityEncoding::Partial: {
      std::string_view bitmap;
      const bool partial = encoding == static_cast<uint8_t>(QualityEncoding::Partial);
      if (partial && (!in.get_bytes(bitmap, kNoLimit) || !plausible_bitmap(bitmap, n))) return false;
      std::size_t present = n;
      if (partial) {
        present = 0;
        for (const char c : bitmap)
          present += static_cast<std::size_t>(std::popcount(static_cast<uint8_t>(c)));
      }
      std::string_view stream;
      if (!in.get_bytes(stream, kNoLimit) || !plausible_varints(stream, present)) return false;
      VarintReader r(stream);
      for (std::size_t j = 0; j < n; ++j) {
        if (partial && ((static_cast<uint8_t>(bitmap[j / 8]) >> (j % 8)) & 1) == 0) continue;
        uint64_t raw = 0;
        int32_t q = 0;
        if (!r.next(raw) || !get_quality(raw, q)) return false;
        points[j].quality = q;
      }
      return r.at_end();
    }
  }
  return false;
}

// ---- Value sections, one per kind present, in kind order ----

uint8_t kind_byte(const Point& p) { return static_cast<uint8_t>(p.value.kind); }

// `get(j)` reads the j-th value of the section's kind; every kind's values are in point order.
template <class Get>
void put_section(std::string& out, ValueKind kind, std::size_t n, Get get) {
  switch (kind) {
    case ValueKind::Int:
      put_int_column(out, n, [&](std::size_t j) { return get(j).i; });
      break;
    case ValueKind::Double:
      put_double_column(out, n, [&](std::size_t j) { return get(j).d; });
      break;
    case ValueKind::Bool:
      put_bool_column(out, n, [&](std::size_t j) { return get(j).b; });
      break;
    case ValueKind::String:
    case ValueKind::Json:
      put_bytes_column(out, n, [&](std::size_t j) { return std::string_view(get(j).s); });
      break;
  }
}

// `next()` returns the Value the section's next value goes to.
template <class Next>
bool get_section(coding::Cursor& in, ValueKind kind, std::size_t n, Next next) {
  switch (kind) {
    case ValueKind::Int:
      return get_int_column(in, n, [&](int64_t v) { next().i = v; });
    case ValueKind::Double:
      return get_double_column(in, n, [&](double v) { next().d = v; });
    case ValueKind::Bool:
      return get_bool_column(in, n, [&](bool v) { next().b = v; });
    case ValueKind::String:
    case ValueKind::Json:
      return get_bytes_column(in, n, [&](std::string_view s) { next().s.assign(s); });
  }
  return false;
}

// ---- Decoding the whole chunk ----

// What the time column says, kept until the points exist to receive it.
struct TimeColumn {
  TimeEncoding encoding = TimeEncoding::Regular;
  int64_t first = 0;
  uint64_t delta = 0;
};

bool get_time_header(coding::Cursor& in, std::size_t n, TimeColumn& t) {
  uint8_t encoding = 0;
  if (!in.get_u8(encoding)) return false;
  if (encoding == static_cast<uint8_t>(TimeEncoding::Column)) {
    t.encoding = TimeEncoding::Column;
    return true;
  }
  uint64_t raw = 0;
  if (encoding != static_cast<uint8_t>(TimeEncoding::Regular) || !in.get_varint64(raw)) return false;
  t.encoding = TimeEncoding::Regular;
  t.first = coding::unzigzag(raw);
  return n == 1 || (in.get_varint64(t.delta) && t.delta != 0);
}

// Times must come back strictly ascending: readers binary-search them.
bool get_times(coding::Cursor& in, const TimeColumn& t, std::span<Point> points) {
  bool ascending = true;
  if (t.encoding == TimeEncoding::Regular) {
    uint64_t time = static_cast<uint64_t>(t.first);
    points[0].time_ms = t.first;
    for (std::size_t j = 1; j < points.size(); ++j) {
      time += t.delta;
      points[j].time_ms = static_cast<int64_t>(time);
      ascending &= points[j].time_ms > points[j - 1].time_ms;
    }
    return ascending;
  }
  std::size_t j = 0;
  int64_t prev = std::numeric_limits<int64_t>::min();
  const bool ok = get_int_column(in, points.size(), [&](int64_t time) {
    ascending &= j == 0 || time > prev;
    points[j++].time_ms = time;
    prev = time;
  });
  return ok && ascending;
}

// Reads the kind column into per-kind counts. `single` is the kind when there is one, else 0: then
// set_mixed_kinds reads the runs again once the points exist.
bool get_kind_counts(coding::Cursor& in, std::size_t n, std::array<std::size_t, kKinds + 1>& counts,
                     uint8_t& single) {
  uint8_t encoding = 0;
  if (!in.get_u8(encoding)) return false;
  if (encoding == static_cast<uint8_t>(KindEncoding::Single)) {
    if (!in.get_u8(single) || !valid_kind(single)) return false;
    counts[single] = n;
    return true;
  }
  single = 0;
  uint64_t runs = 0;
  if (encoding != static_cast<uint8_t>(KindEncoding::Runs) || !in.get_varint64(runs) || runs < 2 ||
      runs > n || runs > in.remaining() / 2) {
    return false;
  }
  std::size_t total = 0;
  for (uint64_t r = 0; r < runs; ++r) {
    uint8_t kind = 0;
    uint64_t run = 0;
    if (!in.get_u8(kind) || !valid_kind(kind) || !in.get_varint64(run) || run == 0 || run > n - total) {
      return false;
    }
    counts[kind] += static_cast<std::size_t>(run);
    total += static_cast<std::size_t>(run);
  }
  return total == n;
}

// Sets each point's kind from the run lengths, already validated by get_kind_counts.
void set_mixed_kinds(coding::Cursor runs_at, std::span<Point> points) {
  uint8_t encoding = 0;
  uint64_t runs = 0;
  runs_at.get_u8(encoding);
  runs_at.get_varint64(runs);
  std::size_t j = 0;
  for (uint64_t r = 0; r < runs; ++r) {
    uint8_t kind = 0;
    uint64_t run = 0;
    runs_at.get_u8(kind);
    runs_at.get_varint64(run);
    for (uint64_t k = 0; k < run; ++k) points[j++].value.kind = static_cast<ValueKind>(kind);
  }
}

bool decode_points(std::span<const uint8_t> bytes, std::vector<Point>& out) {
  coding::Cursor in(bytes.data(), bytes.data() + bytes.size());
  uint8_t version = 0;
  uint64_t count = 0;
  if (!in.get_u8(version) || version != kChunkVersion || !in.get_varint64(count) || count == 0 ||
      count > kMaxChunkPoints) {
    return false;
  }
  const std::size_t n = static_cast<std::size_t>(count);
  TimeColumn times;
  if (!get_time_header(in, n, times)) return false;
  // The time stream (if any) is read after the points exist; skip it for now, checking it could hold n.
  const coding::Cursor times_at = in;
  if (times.encoding == TimeEncoding::Column) {
    uint8_t order = 0;
    std::string_view stream;
    if (!in.get_u8(order) || !in.get_bytes(stream, kNoLimit) || !plausible_varints(stream, n)) return false;
  }
  const coding::Cursor kinds_at = in;
  std::array<std::size_t, kKinds + 1> counts{};
  uint8_t single = 0;
  if (!get_kind_counts(in, n, counts, single)) return false;
  // Every Int, Double, String and Json value takes at least a byte, the quality column one more: refuse a
  // count the input cannot hold before allocating for it. (Bools at regular times can legitimately cost
  // next to nothing, so only kMaxChunkPoints bounds those.)
  const std::size_t min_bytes = counts[1] + counts[2] + counts[4] + counts[5] + 1;
  if (in.remaining() < min_bytes) return false;

  // One pass builds the points with their kind when there is one kind (the common case).
  const std::size_t base = out.size();
  Point blank;
  if (single != 0) blank.value.kind = static_cast<ValueKind>(single);
  out.resize(base + n, blank);
  const std::span<Point> points(out.data() + base, n);
  coding::Cursor times_in = times_at;
  if (!get_times(times_in, times, points)) return false;
  if (single == 0) set_mixed_kinds(kinds_at, points);
  for (std::size_t k = 1; k <= kKinds; ++k) {
    if (counts[k] == 0) continue;
    const auto kind = static_cast<ValueKind>(k);
    bool ok = false;
    if (single != 0) {
      std::size_t j = 0;
      ok = get_section(in, kind, n, [&]() -> Value& { return points[j++].value; });
    } else {
      // Mixed kinds: this section's values go to the points of its kind, in order. The counts match the
      // kind column, so the scan never passes the end.
      std::size_t j = 0;
      ok = get_section(in, kind, counts[k], [&]() -> Value& {
        while (points[j].value.kind != kind) ++j;
        return points[j++].value;
      });
    }
    if (!ok) return false;
  }
  return get_qualities(in, points) && in.at_end();
}

// ---- Encoding the whole chunk ----

void put_times(std::string& out, std::span<const Point> points) {
  const std::size_t n = points.size();
  bool regular = true;
  const uint64_t delta =
      n > 1 ? static_cast<uint64_t>(points[1].time_ms) - static_cast<uint64_t>(points[0].time_ms) : 0;
  for (std::size_t j = 2; j < n && regular; ++j) {
    regular =
        static_cast<uint64_t>(points[j].time_ms) - static_cast<uint64_t>(points[j - 1].time_ms) == delta;
  }
  if (regular) {
    out.push_back(static_cast<char>(TimeEncoding::Regular));
    coding::put_varint64(out, coding::zigzag(points[0].time_ms));
    if (n > 1) coding::put_varint64(out, delta);
    return;
  }
  out.push_back(static_cast<char>(TimeEncoding::Column));
  put_int_column(out, n, [&](std::size_t j) { return points[j].time_ms; });
}

}  // namespace

void encode_chunk(std::span<const Point> points, std::string& out) {
  assert(!points.empty());
  assert(std::adjacent_find(points.begin(), points.end(), [](const Point& a, const Point& b) {
           return a.time_ms >= b.time_ms;
         }) == points.end());
  const std::size_t n = points.size();
  out.push_back(static_cast<char>(kChunkVersion));
  coding::put_varint64(out, n);
  put_times(out, points);

  // Kind column. A kind outside ValueKind breaks the REQUIRES; it is written as it is and has no section,
  // so the decoder refuses the chunk instead of the encoder reading out of bounds.
  std::array<std::size_t, kKinds + 1> counts{};
  std::size_t runs = 1;
  for (std::size_t j = 0; j < n; ++j) {
    const uint8_t k = kind_byte(points[j]);
    if (valid_kind(k)) ++counts[k];
    if (j > 0 && k != kind_byte(points[j - 1])) ++runs;
  }
  if (runs == 1) {
    out.push_back(static_cast<char>(KindEncoding::Single));
    out.push_back(static_cast<char>(kind_byte(points[0])));
    const auto kind = points[0].value.kind;
    if (valid_kind(kind_byte(points[0]))) {
      put_section(out, kind, n, [&](std::size_t j) -> const Value& { return points[j].value; });
    }
  } else {
    out.push_back(static_cast<char>(KindEncoding::Runs));
    coding::put_varint64(out, runs);
    std::size_t run = 1;
    for (std::size_t j = 1; j <= n; ++j) {
      if (j < n && kind_byte(points[j]) == kind_byte(points[j - 1])) {
        ++run;
        continue;
      }
      out.push_back(static_cast<char>(kind_byte(points[j - 1])));
      coding::put_varint64(out, run);
      run = 1;
    }
    // Each section reads its kind's values through a list of their positions (mixed chunks are rare).
    std::vector<const Value*> values;
    for (std::size_t k = 1; k <= kKinds; ++k) {
      if (counts[k] == 0) continue;
      values.clear();
      for (const Point& p : points) {
        if (kind_byte(p) == k) values.push_back(&p.value);
      }
      put_section(out, static_cast<ValueKind>(k), values.size(),
                  [&](std::size_t j) -> const Value& { return *values[j]; });
    }
  }
  put_qualities(out, points);
}

std::error_code decode_chunk(std::span<const uint8_t> bytes, std::vector<Point>& out) {
  const std::size_t base = out.size();
  if (decode_points(bytes, out)) return {};
  // Columns are decoded one after another, so no point is complete before the end: nothing partial is kept.
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(base), out.end());
  return errc::corrupt_block;
}

std::error_code chunk_point_count(std::span<const uint8_t> bytes, uint32_t& count) {
  coding::Cursor in(bytes.data(), bytes.data() + bytes.size());
  uint8_t version = 0;
  uint64_t n = 0;
  if (!in.get_u8(version) || version != kChunkVersion || !in.get_varint64(n) || n == 0 ||
      n > kMaxChunkPoints) {
    return errc::corrupt_block;
  }
  count = static_cast<uint32_t>(n);
  return {};
}

}  // namespace gridhub::tsdb
