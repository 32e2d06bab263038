// Head storage. Each series is one byte buffer of points in arrival order, each point coded against the one
// before it (so a point costs a few bytes, not a Value):
//   u8 tag          bits 0-2 ValueKind, 0x08 a quality follows, 0x10 the Bool value
//   varint          zigzag of the time delta minus the previous delta (a regular series: 1 byte)
//   value           Int: zigzag varint of the difference to the previous Int (wrapping)
//                   Double, tag 0x10 (a decimal: v == n / 10^s exactly, s = tag bits 5-6): zigzag varint of
//                   n minus the previous decimal's n (sensor values with a few decimals: 1-3 bytes)
//                   Double, otherwise: the bits XOR the previous Double's; u8 (trailing zero bytes << 4 | n),
//                   n bytes
//                   Bool: in the tag; String/Json: varint length + bytes
//   varint          zigzag(quality), with 0x08
// Reads decode a series front to back, then sort stably by time when it ever went backwards.
#include "tsdb/head.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>
#include <mutex>

#include "tsdb/coding.hpp"
#include "tsdb/point_merge.hpp"

namespace gridhub::tsdb {

namespace {

constexpr uint8_t kTagKindMask = 0x07;
constexpr uint8_t kTagQuality = 0x08;
constexpr uint8_t kTagBoolTrue = 0x10;  // Bool
constexpr uint8_t kTagDecimal = 0x10;   // Double
constexpr unsigned kTagScaleShift = 5;  // Double with kTagDecimal: bits 5-6 index kScales
// Exact powers of ten: the encoder's check (n / p == v) and the decoder's n / p are the same operation, so a
// decimal reads back bit for bit.
constexpr double kScales[4] = {1, 10, 100, 1000};
constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

// The decimal form of v: v == n / kScales[s] exactly, trying `scale` (the series' last) first so a series
// keeps one scale and small differences. False for -0.0, NaN, infinities and anything else.
bool as_decimal(double v, unsigned& scale, int64_t& n) {
  if (!(std::fabs(v) < kMaxExactInt / 1000) || (v == 0 && std::signbit(v))) return false;
  const auto fits = [&](unsigned s) {
    const double m = std::nearbyint(v * kScales[s]);
    if (m / kScales[s] != v) return false;
    scale = s;
    n = static_cast<int64_t>(m);
    return true;
  };
  if (fits(scale)) return true;
  for (unsigned s = 0; s < 4; ++s) {
    if (fits(s)) return true;
  }
  return false;
}

inline char* put_varint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// Decoder state of one series, advanced point by point.
struct Decoder {
  coding::Cursor in;
  int64_t time = 0;
  uint64_t delta = 0;
  uint64_t last_int = 0;
  uint64_t last_bits = 0;
  uint64_t last_decimal = 0;

  explicit Decoder(const std::string& buf)
      : in(reinterpret_cast<const uint8_t*>(buf.data()), reinterpret_cast<const uint8_t*>(buf.data()) + buf.size()) {}

  // The buffer was written by encode_point, so a failure is a bug: asserted, and the read stops there.
  bool next(Point& p) {
    uint8_t tag = 0;
    uint64_t raw = 0;
    if (in.at_end() || !in.get_u8(tag) || !in.get_varint64(raw)) return false;
    delta += static_cast<uint64_t>(coding::unzigzag(raw));
    time = static_cast<int64_t>(static_cast<uint64_t>(time) + delta);
    p.time_ms = time;
    Value& v = p.value;
    v.kind = static_cast<ValueKind>(tag & kTagKindMask);
    switch (v.kind) {
      case ValueKind::Int:
        if (!in.get_varint64(raw)) return false;
        last_int += static_cast<uint64_t>(coding::unzigzag(raw));
        v.i = static_cast<int64_t>(last_int);
        break;
      case ValueKind::Double: {
        if (tag & kTagDecimal) {
          if (!in.get_varint64(raw)) return false;
          last_decimal += static_cast<uint64_t>(coding::unzigzag(raw));
          v.d = static_cast<double>(static_cast<int64_t>(last_decimal)) / kScales[(tag >> kTagScaleShift) & 3];
          break;
        }
        uint8_t h = 0;
        if (!in.get_u8(h)) return false;
        const unsigned tz = h >> 4, n = h & 0x0f;
        if (n + tz > 8) return false;
        uint64_t x = 0;
        for (unsigned k = 0; k < n; ++k) {
          uint8_t b = 0;
          if (!in.get_u8(b)) return false;
          x |= uint64_t{b} << (8 * (tz + k));
        }
        last_bits ^= x;
        v.d = std::bit_cast<double>(last_bits);
        break;
      }
      case ValueKind::Bool:
        v.b = (tag & kTagBoolTrue) != 0;
        break;
      case ValueKind::String:
      case ValueKind::Json: {
        std::string_view s;
        if (!in.get_bytes(s, SIZE_MAX)) return false;
        v.s.assign(s);
        break;
      }
      default:
        return false;
    }
    p.quality.reset();
    if (tag & kTagQuality) {
      if (!in.get_varint64(raw)) return false;
      p.quality = static_cast<int32_t>(coding::unzigzag(raw));
    }
    return true;
  }
};

}  // namespace

void Head::encode_point(Series& s, int64_t time_ms, const Value& v, const std::optional<int32_t>& quality) {
  char tmp[40];
  char* p = tmp;
  uint8_t tag = static_cast<uint8_t>(v.kind);
  if (quality) tag |= kTagQuality;
  if (v.kind == ValueKind::Bool && v.b) tag |= kTagBoolTrue;
  *p++ = static_cast<char>(tag);
  const uint64_t dt = static_cast<uint64_t>(time_ms) - static_cast<uint64_t>(s.last_time);
  p = put_varint(p, coding::zigzag(static_cast<int64_t>(dt - s.last_delta)));
  s.last_delta = dt;
  switch (v.kind) {
    case ValueKind::Int: {
      const uint64_t bits = static_cast<uint64_t>(v.i);
      p = put_varint(p, coding::zigzag(static_cast<int64_t>(bits - s.last_int)));
      s.last_int = bits;
      break;
    }
    case ValueKind::Double: {
      unsigned scale = s.last_scale;
      int64_t decimal = 0;
      if (as_decimal(v.d, scale, decimal)) {
        s.last_scale = static_cast<uint8_t>(scale);
        tmp[0] = static_cast<char>(tag | kTagDecimal | scale << kTagScaleShift);
        p = put_varint(p, coding::zigzag(static_cast<int64_t>(static_cast<uint64_t>(decimal) - s.last_decimal)));
        s.last_decimal = static_cast<uint64_t>(decimal);
        break;
      }
      const uint64_t bits = std::bit_cast<uint64_t>(v.d);
      const uint64_t x = bits ^ s.last_bits;
      s.last_bits = bits;
      if (x == 0) {
        *p++ = 0;
        break;
      }
      const unsigned tz = static_cast<unsigned>(std::countr_zero(x)) / 8;
      const unsigned lz = static_cast<unsigned>(std::countl_zero(x)) / 8;
      const unsigned n = 8 - tz - lz;
      *p++ = static_cast<char>(tz << 4 | n);
      for (unsigned k = 0; k < n; ++k) *p++ = static_cast<char>(x >> (8 * (tz + k)));
      break;
    }
    case ValueKind::Bool:
    case ValueKind::String:
    case ValueKind::Json:
      break;
  }
  if (v.kind == ValueKind::String || v.kind == ValueKind::Json) {
    p = put_varint(p, v.s.size());
    s.buf.append(tmp, static_cast<std::size_t>(p - tmp));
    s.buf.append(v.s);
    p = tmp;
  }
  if (quality) p = put_varint(p, coding::zigzag(*quality));
  s.buf.append(tmp, static_cast<std::size_t>(p - tmp));

  if (s.count == 0) {
    s.min_time = s.max_time = time_ms;
  } else {
    if (time_ms < s.last_time) s.ordered = false;
    s.min_time = std::min(s.min_time, time_ms);
    s.max_time = std::max(s.max_time, time_ms);
  }
  s.last_time = time_ms;
  ++s.count;
}

void Head::add_stats(int64_t series, int64_t points, int64_t bytes) {
  series_.fetch_add(static_cast<uint64_t>(series), std::memory_order_relaxed);
  points_.fetch_add(static_cast<uint64_t>(points), std::memory_order_relaxed);
  bytes_.fetch_add(static_cast<uint64_t>(bytes), std::memory_order_relaxed);
}

void Head::append(std::span<const Sample> batch) {
  int64_t new_series = 0, new_points = 0, new_bytes = 0;
  std::unique_lock lock(mu_);
  std::size_t k = 0;
  while (k < batch.size()) {
    if (batch[k].history == 0) {
      ++k;
      continue;
    }
    // A post carries one device's points: find its map once per run of the same asset.
    const std::string& asset = batch[k].asset_id;
    auto a = assets_.find(std::string_view(asset));
    if (a == assets_.end()) a = assets_.try_emplace(asset).first;
    Points& points = a->second;
    for (; k < batch.size() && batch[k].asset_id == asset; ++k) {
      const Sample& s = batch[k];
      if (s.history == 0) continue;
      auto p = points.find(std::string_view(s.point_id));
      if (p == points.end()) p = points.try_emplace(s.point_id).first;
      PointSeries& list = p->second;
      for (unsigned bit = 0; bit < kCategoryCount; ++bit) {
        if (!(s.history & (1u << bit))) continue;
        const auto category = static_cast<Category>(bit);
        Series* series = nullptr;
        for (Series& candidate : list) {
          if (candidate.group == s.group && candidate.category == category) {
            series = &candidate;
            break;
          }
        }
        if (!series) {
          series = &list.emplace_back();
          series->group = s.group;
          series->category = category;
          ++new_series;
          new_bytes += kSeriesOverheadBytes;
        }
        const int64_t t = is_minute_normalized(category) ? floor_to_minute(s.time_ms) : s.time_ms;
        const std::size_t before = series->buf.size();
        encode_point(*series, t, s.value, s.quality);
        new_bytes += static_cast<int64_t>(series->buf.size() - before);
        ++new_points;
      }
    }
  }
  lock.unlock();
  add_stats(new_series, new_points, new_bytes);
}

void Head::decode_sorted(const Series& s, int64_t lo, int64_t last, std::vector<Point>& out) {
  out.clear();
  if (s.count == 0 || s.max_time < lo || s.min_time > last) return;
  Decoder d(s.buf);
  Point p;
  for (uint32_t k = 0; k < s.count; ++k) {
    const bool ok = d.next(p);
    assert(ok);
    if (!ok) break;
    if (p.time_ms >= lo && p.time_ms <= last) out.push_back(std::move(p));
  }
  if (!s.ordered) {
    std::stable_sort(out.begin(), out.end(), [](const Point& a, const Point& b) { return a.time_ms < b.time_ms; });
  }
  keep_last_per_time(out);
}

uint32_t Head::erase_range(Series& s, int64_t start, int64_t end) {
  if (s.count == 0 || s.max_time < start || s.min_time >= end) return 0;
  Series kept;
  kept.group = s.group;
  kept.category = s.category;
  Decoder d(s.buf);
  Point p;
  for (uint32_t k = 0; k < s.count; ++k) {
    if (!d.next(p)) break;
    if (p.time_ms >= start && p.time_ms < end) continue;
    encode_point(kept, p.time_ms, p.value, p.quality);
  }
  const uint32_t dropped = s.count - kept.count;
  const int64_t bytes = static_cast<int64_t>(kept.buf.size()) - static_cast<int64_t>(s.buf.size());
  s = std::move(kept);
  add_stats(0, -static_cast<int64_t>(dropped), bytes);
  return dropped;
}

void Head::erase(const Deletion& d) {
  std::unique_lock lock(mu_);
  auto a = assets_.find(std::string_view(d.asset_id));
  if (a == assets_.end()) return;
  Points& points = a->second;
  int64_t gone_series = 0;
  for (auto p = points.begin(); p != points.end();) {
    if (!d.covers_point(p->first)) {
      ++p;
      continue;
    }
    PointSeries& list = p->second;
    for (Series& s : list) erase_range(s, d.start_ms, d.end_ms);
    const auto before = list.size();
    std::erase_if(list, [](const Series& s) { return s.count == 0; });
    gone_series += static_cast<int64_t>(before - list.size());
    p = list.empty() ? points.erase(p) : std::next(p);
  }
  if (points.empty()) assets_.erase(a);
  add_stats(-gone_series, 0, -gone_series * static_cast<int64_t>(kSeriesOverheadBytes));
}

void Head::drop_group(uint32_t group) {
  std::unique_lock lock(mu_);
  int64_t series = 0, points_gone = 0, bytes = 0;
  for (auto a = assets_.begin(); a != assets_.end();) {
    Points& points = a->second;
    for (auto p = points.begin(); p != points.end();) {
      std::erase_if(p->second, [&](const Series& s) {
        if (s.group != group) return false;
        ++series;
        points_gone += s.count;
        bytes += static_cast<int64_t>(s.buf.size() + kSeriesOverheadBytes);
        return true;
      });
      p = p->second.empty() ? points.erase(p) : std::next(p);
    }
    a = points.empty() ? assets_.erase(a) : std::next(a);
  }
  add_stats(-series, -points_gone, -bytes);
}

void Head::read(std::string_view asset_id, std::string_view point_id, Category category, int64_t lo, int64_t hi,
                std::vector<Point>& out) const {
  out.clear();
  if (hi <= lo) return;
  std::shared_lock lock(mu_);
  auto a = assets_.find(asset_id);
  if (a == assets_.end()) return;
  auto p = a->second.find(point_id);
  if (p == a->second.end()) return;
  std::vector<const Series*> matching;
  for (const Series& s : p->second) {
    if (s.category == category) matching.push_back(&s);
  }
  std::sort(matching.begin(), matching.end(), [](const Series* x, const Series* y) { return x->group < y->group; });
  std::vector<Point> one, scratch;
  for (const Series* s : matching) {
    decode_sorted(*s, lo, hi - 1, one);
    merge_into(out, one, scratch);
  }
}

void Head::for_each_series(const SeriesFn& fn) const {
  struct Ref {
    uint32_t group;
    Category category;
    std::string_view asset, point;
    const Series* series;
  };
  std::shared_lock lock(mu_);
  std::vector<Ref> refs;
  refs.reserve(series());
  for (const auto& [asset, points] : assets_) {
    for (const auto& [point, list] : points) {
      for (const Series& s : list) refs.push_back({s.group, s.category, asset, point, &s});
    }
  }
  std::sort(refs.begin(), refs.end(), [](const Ref& x, const Ref& y) {
    if (x.group != y.group) return x.group < y.group;
    if (x.category != y.category) return x.category < y.category;
    if (x.asset != y.asset) return x.asset < y.asset;
    return x.point < y.point;
  });
  std::vector<Point> points;
  for (const Ref& r : refs) {
    decode_sorted(*r.series, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), points);
    if (!points.empty()) fn(r.group, r.category, r.asset, r.point, points);
  }
}

}  // namespace gridhub::tsdb
