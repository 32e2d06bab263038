// Tests for tsdb/chunk_codec: bit-identical round trips of every kind and edge value, the encodings chosen,
// refusal of damaged chunks (truncation, flips, hand-made bad fields), and the size on the seed sample.
#include "tsdb/chunk_codec.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tsdb/coding.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"

#include "test_util.hpp"

namespace gridhub::tsdb {
namespace {

using I64 = std::numeric_limits<int64_t>;
using I32 = std::numeric_limits<int32_t>;

constexpr int64_t kDay0 = 1704067200000;  // 2024-01-01T00:00:00Z

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string encode(const std::vector<Point>& points) {
  std::string out;
  encode_chunk(points, out);
  return out;
}

std::error_code decode(const std::string& chunk, std::vector<Point>& out) {
  return decode_chunk(as_bytes(chunk), out);
}

Point at(int64_t time, Value v, std::optional<int32_t> quality = std::nullopt) {
  Point p;
  p.time_ms = time;
  p.value = std::move(v);
  p.quality = quality;
  return p;
}

// Regular 10 s points holding `values`.
std::vector<Point> series(const std::vector<Value>& values, int64_t start = kDay0, int64_t step = 10000) {
  std::vector<Point> points;
  for (std::size_t j = 0; j < values.size(); ++j) points.push_back(at(start + step * int64_t(j), values[j]));
  return points;
}

std::vector<Point> doubles(const std::vector<double>& values) {
  std::vector<Value> v;
  for (double d : values) v.push_back(Value::of_double(d));
  return series(v);
}

// Compares what the kind says is meaningful, doubles by their bits.
void expect_same(const std::vector<Point>& want, const std::vector<Point>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t j = 0; j < want.size(); ++j) {
    SCOPED_TRACE("point " + std::to_string(j));
    EXPECT_EQ(want[j].time_ms, got[j].time_ms);
    ASSERT_EQ(want[j].value.kind, got[j].value.kind);
    EXPECT_EQ(want[j].quality, got[j].quality);
    switch (want[j].value.kind) {
      case ValueKind::Int:
        EXPECT_EQ(want[j].value.i, got[j].value.i);
        break;
      case ValueKind::Double:
        EXPECT_EQ(std::bit_cast<uint64_t>(want[j].value.d), std::bit_cast<uint64_t>(got[j].value.d))
            << want[j].value.d << " came back as " << got[j].value.d;
        break;
      case ValueKind::Bool:
        EXPECT_EQ(want[j].value.b, got[j].value.b);
        break;
      case ValueKind::String:
      case ValueKind::Json:
        EXPECT_EQ(want[j].value.s, got[j].value.s);
        break;
    }
  }
}

// Encodes, decodes and compares; returns the chunk.
std::string round_trip(const std::vector<Point>& points) {
  const std::string chunk = encode(points);
  std::vector<Point> got;
  EXPECT_FALSE(decode(chunk, got));
  expect_same(points, got);
  uint32_t count = 0;
  EXPECT_FALSE(chunk_point_count(as_bytes(chunk), count));
  EXPECT_EQ(count, points.size());
  return chunk;
}

// Layout of a chunk with regular times and one kind (docs/chunk_format.md): the byte after the kind column
// is the first byte of the value section (the section's encoding).
std::size_t section_offset(const std::vector<Point>& points) {
  std::size_t at =
      1 + coding::varint_length(points.size()) + 1 + coding::varint_length(coding::zigzag(points[0].time_ms));
  if (points.size() > 1) at += coding::varint_length(uint64_t(points[1].time_ms - points[0].time_ms));
  return at + 2;
}

// ---- Round trips ----

TEST(ChunkCodecRoundTrip, EachKindAlone) {
  round_trip(series({Value::of_int(5), Value::of_int(-7), Value::of_int(1000000), Value::of_int(0)}));
  round_trip(doubles({1.5, 2.25, -3.125, 1e10}));
  round_trip(
      series({Value::of_bool(true), Value::of_bool(false), Value::of_bool(false), Value::of_bool(true)}));
  round_trip(series({Value::of_string("on"), Value::of_string("off"), Value::of_string("fault")}));
  round_trip(series({Value::of_json("[1,2,3]"), Value::of_json("{\"a\":1}"), Value::of_json("[]")}));
}

TEST(ChunkCodecRoundTrip, OnePointOfEachKind) {
  for (const Value& v : {Value::of_int(I64::min()), Value::of_double(-0.0), Value::of_bool(true),
                         Value::of_string(""), Value::of_json("{}")}) {
    round_trip({at(-1, v, 3)});
    round_trip({at(I64::max(), v)});
    round_trip({at(I64::min(), v, I32::min())});
  }
}

TEST(ChunkCodecRoundTrip, MixedKindsKeepTheirOrder) {
  // A Generic point changing type mid-chunk, and kinds interleaved one by one.
  std::vector<Point> points;
  for (int j = 0; j < 300; ++j) {
    Value v;
    switch (j < 100 ? 1 : j < 150 ? 2 : j % 5 + 1) {
      case 1:
        v = Value::of_int(j * 3 - 100);
        break;
      case 2:
        v = Value::of_double(j * 0.5);
        break;
      case 3:
        v = Value::of_bool(j % 3 == 0);
        break;
      case 4:
        v = Value::of_string("s" + std::to_string(j % 4));
        break;
      default:
        v = Value::of_json("[" + std::to_string(j) + "]");
        break;
    }
    points.push_back(at(kDay0 + j * 1000 + (j % 7), v, j % 2 ? std::optional<int32_t>(j) : std::nullopt));
  }
  round_trip(points);
  // Two kinds, the second only at the end.
  round_trip(series({Value::of_int(1), Value::of_int(2), Value::of_double(std::nan(""))}));
}

TEST(ChunkCodecRoundTrip, RegularTimesCostNothingPerPoint) {
  std::vector<Value> values(10000, Value::of_bool(true));
  const std::string chunk = round_trip(series(values));
  EXPECT_LE(chunk.size(), 24u) << "10k regular points of one bool should take a few bytes";
  values.resize(10001, Value::of_bool(true));
  EXPECT_EQ(round_trip(series(values)).size(), chunk.size());
}

TEST(ChunkCodecRoundTrip, IrregularNegativeAndExtremeTimes) {
  std::mt19937_64 rng(7);
  std::vector<Point> jitter;
  int64_t t = -5000000;
  for (int j = 0; j < 2000; ++j) {
    t += 10000 + int64_t(rng() % 50) - 25;
    jitter.push_back(at(t, Value::of_int(j)));
  }
  round_trip(jitter);
  // The largest possible gaps: from INT64_MIN to INT64_MAX the delta does not fit an int64.
  round_trip({at(I64::min(), Value::of_int(1)), at(I64::max(), Value::of_int(2))});
  round_trip({at(I64::min(), Value::of_int(1)), at(-1, Value::of_int(2)), at(0, Value::of_int(3)),
              at(I64::max(), Value::of_int(4))});
  round_trip({at(I64::min(), Value::of_int(1)), at(I64::min() + 1, Value::of_int(2)),
              at(I64::max() - 1, Value::of_int(3)), at(I64::max(), Value::of_int(4))});
  // Regular, ending exactly at INT64_MAX.
  round_trip(series({Value::of_int(1), Value::of_int(2), Value::of_int(3)}, I64::max() - 2 * (I64::max() / 2),
                    I64::max() / 2));
}

TEST(ChunkCodecRoundTrip, IntsNearTheExtremes) {
  std::vector<Value> values;
  for (int64_t v : {I64::min(), I64::max(), I64::min(), int64_t{0}, I64::max(), I64::max() - 1,
                    I64::min() + 1, int64_t{-1}, I64::min(), I64::min()}) {
    values.push_back(Value::of_int(v));
  }
  round_trip(series(values));
  // Steady slopes that wrap in uint64: deltas of deltas near 2^64.
  values.clear();
  for (int j = 0; j < 50; ++j) values.push_back(Value::of_int(j % 2 ? I64::max() - j : I64::min() + j));
  round_trip(series(values));
}

TEST(ChunkCodecRoundTrip, IntColumnPicksTheSmallestOrder) {
  std::vector<Value> counter, noise, constant;
  std::mt19937_64 rng(3);
  for (int j = 0; j < 1000; ++j) {
    counter.push_back(Value::of_int(1000000000 + j * 12345));   // delta of delta: all zero
    noise.push_back(Value::of_int(int64_t(rng() % 101) - 50));  // raw: one byte each
    constant.push_back(Value::of_int(42));
  }
  for (const auto& values : {counter, noise, constant}) {
    const auto points = series(values);
    const std::string chunk = round_trip(points);
    // About a byte a value: the chosen order never costs more than the others.
    EXPECT_LE(chunk.size(), section_offset(points) + 1000 + 16);
  }
  EXPECT_EQ(uint8_t(encode(series(counter))[section_offset(series(counter))]), 2);  // DeltaOfDelta
  EXPECT_EQ(uint8_t(encode(series(noise))[section_offset(series(noise))]), 0);      // Raw
}

// Decimal detection: the section's first byte is the encoding (0 Decimal, 1 Xor), the next one the scale.
struct DoubleLayout {
  int encoding;
  int scale;
};
DoubleLayout double_layout(const std::vector<Point>& points) {
  const std::string chunk = round_trip(points);
  const std::size_t at = section_offset(points);
  return {uint8_t(chunk.at(at)), uint8_t(chunk.at(at + 1))};
}

TEST(ChunkCodecRoundTrip, DecimalsWithZeroToTwelvePlacesUseTheSmallestScale) {
  std::mt19937_64 rng(12);
  for (int places = 0; places <= 12; ++places) {
    SCOPED_TRACE("places " + std::to_string(places));
    std::vector<double> values;
    const double p = std::pow(10.0, places);
    for (int j = 0; j < 500; ++j) {
      const int64_t m = int64_t(rng() % 2000000) - 1000000;
      values.push_back(double(m) / p);
    }
    values.push_back(1.0 / p);  // forces exactly `places` places
    const auto layout = double_layout(doubles(values));
    EXPECT_EQ(layout.encoding, 0);
    EXPECT_EQ(layout.scale, places);
  }
  // Scale 12 is the last one tried; 13 places is not a decimal to the codec.
  EXPECT_EQ(double_layout(doubles({1.0, 1e-12})).encoding, 0);
  EXPECT_EQ(double_layout(doubles({1.0, 1e-12})).scale, 12);
  EXPECT_EQ(double_layout(doubles({1.0, 1e-13})).encoding, 1);
  // Mantissas up to 2^53 - 1 are decimals; 2^53 is not.
  EXPECT_EQ(double_layout(doubles({9007199254740991.0, 1.0})).encoding, 0);
  EXPECT_EQ(double_layout(doubles({9007199254740992.0, 1.0})).encoding, 1);
  EXPECT_EQ(double_layout(doubles({900719925474099.1, 0.5})).scale, 1);
}

TEST(ChunkCodecRoundTrip, DoublesThatAreNotShortDecimalsComeBackBitForBit) {
  const double nan_payload = std::bit_cast<double>(uint64_t{0x7ff8000000c0ffee});
  const double negative_nan = std::bit_cast<double>(uint64_t{0xfff0000000000001});  // signalling, negative
  const double inf = std::numeric_limits<double>::infinity();
  const double denormal = std::numeric_limits<double>::denorm_min();
  const double specials[] = {0.1 + 0.2,
                             -0.0,
                             nan_payload,
                             negative_nan,
                             inf,
                             -inf,
                             denormal,
                             -denormal,
                             2.2250738585072009e-308,
                             std::numeric_limits<double>::max(),
                             -std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::min(),
                             1.0 / 3,
                             M_PI};
  for (double d : specials) {
    SCOPED_TRACE(std::bit_cast<uint64_t>(d));
    EXPECT_EQ(double_layout(doubles({d})).encoding, 1);
    EXPECT_EQ(double_layout(doubles({1.25, d, 2.5})).encoding, 1);  // one such value makes the chunk Xor
  }
  std::vector<double> all(std::begin(specials), std::end(specials));
  for (int j = 0; j < 100; ++j) all.push_back(j * 0.01);
  round_trip(doubles(all));
  // 0.0 is a decimal, -0.0 is not.
  EXPECT_EQ(double_layout(doubles({0.0, 0.0})).encoding, 0);
  EXPECT_EQ(double_layout(doubles({0.0, -0.0})).encoding, 1);
}

TEST(ChunkCodecRoundTrip, RandomBitPatternsAsDoubles) {
  std::mt19937_64 rng(99);
  std::vector<double> values;
  for (int j = 0; j < 5000; ++j) values.push_back(std::bit_cast<double>(rng()));
  round_trip(doubles(values));
}

TEST(ChunkCodecRoundTrip, BoolsAsBitmapsAndRuns) {
  std::mt19937_64 rng(5);
  for (std::size_t n : {1, 2, 7, 8, 9, 15, 16, 17, 64, 1000}) {
    std::vector<Value> random, runs;
    for (std::size_t j = 0; j < n; ++j) {
      random.push_back(Value::of_bool(rng() & 1));
      runs.push_back(Value::of_bool((j / 100) % 2 == 1));
    }
    round_trip(series(random));
    round_trip(series(runs));
  }
  // Long runs pick the run lengths: 1000 points, two runs.
  std::vector<Value> two_runs(1000, Value::of_bool(false));
  for (std::size_t j = 500; j < 1000; ++j) two_runs[j] = Value::of_bool(true);
  EXPECT_EQ(uint8_t(encode(series(two_runs))[section_offset(series(two_runs))]), 1);
}

TEST(ChunkCodecRoundTrip, StringsEmptyBinaryAndAtTheSizeLimit) {
  std::string binary;
  for (int c = 0; c < 256; ++c) binary.push_back(char(c));
  round_trip(series({Value::of_string(""), Value::of_string(binary), Value::of_string(std::string(3, '\0')),
                     Value::of_string(""), Value::of_json("[\"\\u0000\"]")}));
  round_trip(series({Value::of_string(std::string(kMaxValueBytes, 'x')), Value::of_string("y")}));
  round_trip(series(
      {Value::of_json(std::string(kMaxValueBytes, '[')), Value::of_json(std::string(kMaxValueBytes, '['))}));
}

TEST(ChunkCodecRoundTrip, StringDictionaryHoldsUpTo256Values) {
  auto repeated = [](int distinct) {
    std::vector<Value> values;
    for (int j = 0; j < 4000; ++j)
      values.push_back(Value::of_string("state-" + std::to_string(j % distinct)));
    return series(values);
  };
  const auto with_256 = repeated(256);
  const auto with_257 = repeated(257);
  EXPECT_EQ(uint8_t(round_trip(with_256)[section_offset(with_256)]), 1);  // Dictionary
  EXPECT_EQ(uint8_t(round_trip(with_257)[section_offset(with_257)]), 0);  // Plain
  EXPECT_LT(encode(with_256).size(), 4000u + 256 * 10 + 64);
  // All distinct: a dictionary would not pay.
  std::vector<Value> distinct;
  for (int j = 0; j < 100; ++j) distinct.push_back(Value::of_json("{\"n\":" + std::to_string(j) + "}"));
  EXPECT_EQ(uint8_t(round_trip(series(distinct))[section_offset(series(distinct))]), 0);
}

TEST(ChunkCodecRoundTrip, QualitiesAbsentConstantVaryingAndPartial) {
  std::vector<Point> points = series(std::vector<Value>(100, Value::of_int(1)));
  round_trip(points);
  for (auto& p : points) p.quality = I32::min();
  round_trip(points);
  for (std::size_t j = 0; j < points.size(); ++j)
    points[j].quality = j % 3 == 0 ? I32::max() : int32_t(j) - 50;
  round_trip(points);
  for (std::size_t j = 0; j < points.size(); ++j) {
    if (j % 7 == 0) points[j].quality.reset();
  }
  round_trip(points);
  points[0].quality = I32::min();
  for (std::size_t j = 1; j < points.size(); ++j) points[j].quality.reset();
  round_trip(points);
}

TEST(ChunkCodecRoundTrip, HundredThousandPointsOfEachKind) {
  std::mt19937_64 rng(100);
  std::vector<Point> ints, reals, bools, strings;
  int64_t t = kDay0;
  for (int j = 0; j < 100000; ++j) {
    t += 1 + int64_t(rng() % 20000);
    ints.push_back(at(t, Value::of_int(int64_t(rng() % 1000000) - 500000), j % 10 ? 0 : 1));
    reals.push_back(at(t, Value::of_double(double(int64_t(rng() % 100000)) / 1000)));
    bools.push_back(at(t, Value::of_bool(rng() % 10 == 0)));
    strings.push_back(at(t, Value::of_string(std::to_string(rng() % 1000))));
  }
  for (const auto* points : {&ints, &reals, &bools, &strings}) round_trip(*points);
}

TEST(ChunkCodecRoundTrip, AppendsToWhatOutAlreadyHolds) {
  const auto first = series({Value::of_int(1), Value::of_int(2)});
  const auto second = doubles({0.5, 0.75, 1.0});
  std::string both;
  encode_chunk(first, both);
  const std::size_t split = both.size();
  encode_chunk(second, both);
  std::vector<Point> got;
  ASSERT_FALSE(decode_chunk(as_bytes(both).first(split), got));
  ASSERT_FALSE(decode_chunk(as_bytes(both).subspan(split), got));
  auto want = first;
  want.insert(want.end(), second.begin(), second.end());
  expect_same(want, got);
}

// ---- Damaged input ----

// Chunks that between them use every encoding of every column.
std::vector<std::string> sample_chunks() {
  std::vector<std::string> chunks;
  std::mt19937_64 rng(11);
  std::vector<Point> mixed;
  int64_t t = -100000;
  for (int j = 0; j < 120; ++j) {
    t += 1 + int64_t(rng() % 5000);
    Value v;
    switch (j % 6) {
      case 0:
        v = Value::of_int(int64_t(rng()));
        break;
      case 1:
        v = Value::of_double(double(int64_t(rng() % 1000)) / 100);
        break;
      case 2:
        v = Value::of_bool(rng() & 1);
        break;
      case 3:
        v = Value::of_string(std::string(rng() % 5, char('a' + rng() % 3)));
        break;
      case 4:
        v = Value::of_json("[" + std::to_string(rng()) + "]");
        break;
      default:
        v = Value::of_int(j);
        break;
    }
    mixed.push_back(at(t, v, j % 4 ? std::optional<int32_t>(int32_t(rng())) : std::nullopt));
  }
  chunks.push_back(encode(mixed));
  std::vector<Value> values;
  for (int j = 0; j < 64; ++j) values.push_back(Value::of_double(std::bit_cast<double>(rng())));
  chunks.push_back(encode(series(values)));
  values.clear();
  for (int j = 0; j < 200; ++j) values.push_back(Value::of_bool(j > 150));
  auto bools = series(values);
  for (auto& p : bools) p.quality = 192;
  chunks.push_back(encode(bools));
  values.clear();
  for (int j = 0; j < 100; ++j) values.push_back(Value::of_string(j % 3 ? "on" : "off"));
  chunks.push_back(encode(series(values)));
  values.clear();
  for (int j = 0; j < 100; ++j) values.push_back(Value::of_int(j * j));
  auto ints = series(values);
  for (std::size_t j = 0; j < ints.size(); ++j) ints[j].quality = int32_t(j);
  chunks.push_back(encode(ints));
  chunks.push_back(encode({at(5, Value::of_double(2.5))}));
  return chunks;
}

TEST(ChunkCodecCorruption, EveryTruncationIsRefused) {
  for (const std::string& chunk : sample_chunks()) {
    for (std::size_t len = 0; len < chunk.size(); ++len) {
      std::vector<Point> got(2);  // what was there before stays, nothing is appended
      EXPECT_EQ(decode_chunk(as_bytes(chunk).first(len), got), errc::corrupt_block) << "prefix " << len;
      EXPECT_EQ(got.size(), 2u);
    }
  }
}

TEST(ChunkCodecCorruption, TrailingBytesAreRefused) {
  for (std::string chunk : sample_chunks()) {
    chunk.push_back('\0');
    std::vector<Point> got;
    EXPECT_EQ(decode(chunk, got), errc::corrupt_block);
    EXPECT_TRUE(got.empty());
  }
}

// Whatever a damaged chunk decodes to obeys the invariants readers rely on.
void expect_well_formed(const std::vector<Point>& points) {
  for (std::size_t j = 0; j < points.size(); ++j) {
    ASSERT_GE(uint8_t(points[j].value.kind), 1);
    ASSERT_LE(uint8_t(points[j].value.kind), 5);
    ASSERT_LE(points[j].value.s.size(), kMaxValueBytes);
    if (j > 0) {
      ASSERT_GT(points[j].time_ms, points[j - 1].time_ms);
    }
  }
}

TEST(ChunkCodecCorruption, RandomByteFlipsDecodeOrFailCleanly) {
  const auto chunks = sample_chunks();
  std::mt19937_64 rng(20240101);
  int refused = 0;
  int decoded = 0;
  for (int mutation = 0; mutation < 20000; ++mutation) {
    std::string chunk = chunks[std::size_t(mutation) % chunks.size()];
    const int flips = 1 + int(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = rng() % chunk.size();
      chunk[at] = mutation % 2 ? char(chunk[at] ^ (1 << (rng() % 8))) : char(rng());
    }
    std::vector<Point> got;
    const auto ec = decode(chunk, got);
    uint32_t count = 0;
    if (ec) {
      ASSERT_EQ(ec, errc::corrupt_block);
      ASSERT_TRUE(got.empty());
      ++refused;
    } else {
      ASSERT_FALSE(chunk_point_count(as_bytes(chunk), count));
      ASSERT_EQ(count, got.size());
      expect_well_formed(got);
      ++decoded;
    }
  }
  std::printf("[ChunkCodec] 20000 mutations: %d refused, %d still decoded\n", refused, decoded);
  EXPECT_GT(refused, 10000);
  EXPECT_GT(decoded, 1000);
}

// Hand-made chunks. Layout: u8 version | varint count | time column | kind column | sections | quality.
std::string header(uint64_t count) {
  std::string s(1, '\x01');
  coding::put_varint64(s, count);
  return s;
}
// Regular times 0, 1, 2... and a single kind.
std::string regular_single(uint64_t count, ValueKind kind) {
  std::string s = header(count);
  s += '\0';
  coding::put_varint64(s, 0);
  if (count > 1) coding::put_varint64(s, 1);
  s += '\0';
  s += char(kind);
  return s;
}
void put_stream(std::string& s, const std::string& bytes) { coding::put_bytes(s, bytes); }

std::error_code decode_bytes(const std::string& chunk) {
  std::vector<Point> got;
  const auto ec = decode(chunk, got);
  if (ec) {
    EXPECT_TRUE(got.empty());
  }
  return ec;
}

TEST(ChunkCodecCorruption, HandMadeChunkIsAccepted) {
  // The baseline for the refusals below: three Int points, raw order, no qualities.
  std::string s = regular_single(3, ValueKind::Int);
  s += '\0';
  put_stream(s, std::string("\x02\x04\x06", 3));
  s += '\0';
  std::vector<Point> got;
  ASSERT_FALSE(decode(s, got));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].time_ms, 2);
  EXPECT_EQ(got[2].value.i, 3);
}

TEST(ChunkCodecCorruption, HeaderFieldsOutOfRangeAreRefused) {
  uint32_t count = 0;
  std::string ok = header(kMaxChunkPoints);
  EXPECT_FALSE(chunk_point_count(as_bytes(ok), count));
  EXPECT_EQ(count, kMaxChunkPoints);
  EXPECT_EQ(chunk_point_count(as_bytes(header(kMaxChunkPoints + 1)), count), errc::corrupt_block);
  EXPECT_EQ(chunk_point_count(as_bytes(header(0)), count), errc::corrupt_block);
  std::string v2 = header(1);
  v2[0] = 2;
  EXPECT_EQ(chunk_point_count(as_bytes(v2), count), errc::corrupt_block);
  EXPECT_EQ(chunk_point_count({}, count), errc::corrupt_block);

  std::string s = regular_single(kMaxChunkPoints + 1, ValueKind::Bool);
  s += "\x01\x01";  // runs starting with true
  std::string run;
  coding::put_varint64(run, kMaxChunkPoints + 1);
  put_stream(s, run);
  s += '\0';
  EXPECT_EQ(decode_bytes(s), errc::corrupt_block);
  EXPECT_EQ(decode_bytes(v2), errc::corrupt_block);
}

TEST(ChunkCodecCorruption, CountTheInputCannotHoldIsRefusedBeforeAllocating) {
  std::string s = regular_single(kMaxChunkPoints, ValueKind::Int);
  s += '\0';
  put_stream(s, std::string(100, '\x02'));
  s += '\0';
  std::vector<Point> got;
  EXPECT_EQ(decode(s, got), errc::corrupt_block);
  EXPECT_EQ(got.capacity(), 0u);
}

TEST(ChunkCodecCorruption, UnknownKindsAndEncodingsAreRefused) {
  auto ints = [](char time_enc, char kind_enc, char kind, char order, char quality_enc) {
    std::string s = header(2);
    s += time_enc;
    coding::put_varint64(s, 0);
    coding::put_varint64(s, 1);
    s += kind_enc;
    s += kind;
    s += order;
    put_stream(s, std::string("\x02\x04", 2));
    s += quality_enc;
    return s;
  };
  EXPECT_FALSE(decode_bytes(ints(0, 0, 1, 0, 0)));
  EXPECT_EQ(decode_bytes(ints(2, 0, 1, 0, 0)), errc::corrupt_block);  // time encoding
  EXPECT_EQ(decode_bytes(ints(0, 2, 1, 0, 0)), errc::corrupt_block);  // kind encoding
  EXPECT_EQ(decode_bytes(ints(0, 0, 0, 0, 0)), errc::corrupt_block);  // kind 0
  EXPECT_EQ(decode_bytes(ints(0, 0, 6, 0, 0)), errc::corrupt_block);  // kind 6
  EXPECT_EQ(decode_bytes(ints(0, 0, 1, 3, 0)), errc::corrupt_block);  // integer order
  EXPECT_EQ(decode_bytes(ints(0, 0, 1, 0, 4)), errc::corrupt_block);  // quality encoding

  std::string d = regular_single(1, ValueKind::Double);
  EXPECT_EQ(decode_bytes(d + "\x02"), errc::corrupt_block);  // double encoding
  std::string scale13 = d + "\x00\x0d\x00";
  put_stream(scale13, "\x02");
  EXPECT_EQ(decode_bytes(scale13 + '\0'), errc::corrupt_block);
  std::string scale12 = d + std::string("\x00\x0c\x00", 3);
  put_stream(scale12, "\x02");
  EXPECT_FALSE(decode_bytes(scale12 + '\0'));
  std::string b = regular_single(1, ValueKind::Bool);
  EXPECT_EQ(decode_bytes(b + "\x02"), errc::corrupt_block);  // bool encoding
  std::string str = regular_single(1, ValueKind::String);
  EXPECT_EQ(decode_bytes(str + "\x02"), errc::corrupt_block);  // string encoding
}

TEST(ChunkCodecCorruption, TimesThatDoNotAscendAreRefused) {
  // Regular: INT64_MAX - 1 then a step of 1 fits, a step of 2 wraps.
  auto regular = [](uint64_t delta) {
    std::string s = header(2);
    s += '\0';
    coding::put_varint64(s, coding::zigzag(I64::max() - 1));
    coding::put_varint64(s, delta);
    s += std::string("\x00\x03\x01\x01", 4);  // single Bool, runs, true
    put_stream(s, "\x02");
    return s + '\0';
  };
  EXPECT_FALSE(decode_bytes(regular(1)));
  EXPECT_EQ(decode_bytes(regular(2)), errc::corrupt_block);
  EXPECT_EQ(decode_bytes(regular(0)), errc::corrupt_block);
  // A time column (raw order) with a repeated time.
  auto column = [](int64_t t0, int64_t t1) {
    std::string s = header(2);
    s += "\x01";
    s += '\0';
    std::string times;
    coding::put_varint64(times, coding::zigzag(t0));
    coding::put_varint64(times, coding::zigzag(t1));
    put_stream(s, times);
    s += std::string("\x00\x03\x01\x01", 4);
    put_stream(s, "\x02");
    return s + '\0';
  };
  EXPECT_FALSE(decode_bytes(column(5, 6)));
  EXPECT_EQ(decode_bytes(column(5, 5)), errc::corrupt_block);
  EXPECT_EQ(decode_bytes(column(5, 4)), errc::corrupt_block);
}

TEST(ChunkCodecCorruption, StringLongerThanTheLimitIsRefused) {
  // The encoder's REQUIRES is broken on purpose: the decoder must still refuse the value.
  EXPECT_FALSE(decode_bytes(encode(series({Value::of_string(std::string(kMaxValueBytes, 'a'))}))));
  EXPECT_EQ(decode_bytes(encode(series({Value::of_string(std::string(kMaxValueBytes + 1, 'a'))}))),
            errc::corrupt_block);
  EXPECT_EQ(decode_bytes(encode(series({Value::of_json(std::string(kMaxValueBytes + 1, '['))}))),
            errc::corrupt_block);
}

TEST(ChunkCodecCorruption, DictionaryIndexAndExpansionAreBounded) {
  auto dictionary = [](uint64_t points, std::size_t entry_bytes, uint8_t index) {
    std::string s = regular_single(points, ValueKind::String);
    s += '\x01';
    coding::put_varint64(s, 1);  // one entry
    std::string length;
    coding::put_varint64(length, entry_bytes);
    put_stream(s, length);
    put_stream(s, std::string(entry_bytes, 'z'));
    put_stream(s, std::string(points, char(index)));
    return s + '\0';
  };
  EXPECT_FALSE(decode_bytes(dictionary(3, 2, 0)));
  EXPECT_EQ(decode_bytes(dictionary(3, 2, 1)), errc::corrupt_block);
  // 64 copies of a 1 MiB entry is the most a dictionary may expand to; 65 is refused.
  EXPECT_FALSE(decode_bytes(dictionary(64, kMaxValueBytes, 0)));
  EXPECT_EQ(decode_bytes(dictionary(65, kMaxValueBytes, 0)), errc::corrupt_block);
}

TEST(ChunkCodecCorruption, BitmapPaddingAndQualityRangeAreChecked) {
  auto bitmap = [](char last) {
    std::string s = regular_single(3, ValueKind::Bool);
    s += '\0';
    put_stream(s, std::string(1, last));
    return s + '\0';
  };
  EXPECT_FALSE(decode_bytes(bitmap('\x07')));
  EXPECT_EQ(decode_bytes(bitmap('\x08')), errc::corrupt_block);
  auto quality = [](int64_t q) {
    std::string s = regular_single(1, ValueKind::Bool) + std::string("\x00", 1);
    put_stream(s, "\x01");
    s += '\x01';
    coding::put_varint64(s, coding::zigzag(q));
    return s;
  };
  EXPECT_FALSE(decode_bytes(quality(I32::max())));
  EXPECT_FALSE(decode_bytes(quality(I32::min())));
  EXPECT_EQ(decode_bytes(quality(int64_t{I32::max()} + 1)), errc::corrupt_block);
  EXPECT_EQ(decode_bytes(quality(int64_t{I32::min()} - 1)), errc::corrupt_block);
}

// ---- Size and speed on the seed sample ----

// A day of the AESC demo at one sample every 10 s (test_util.hpp), one Double series per column.
std::vector<std::vector<Point>> seed_day() {
  std::vector<std::vector<Point>> columns;
  for (const auto& series : test::seed_day_columns()) {
    auto& points = columns.emplace_back();
    for (const auto& [t, v] : series) points.push_back(at(kDay0 + t, Value::of_double(v)));
  }
  return columns;
}

std::size_t zstd_size(const std::string& bytes) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  return n;
}

// This thread's CPU time: the machine is shared, and wall time would measure the neighbours.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Runs `fn` until it has used a quarter second of CPU (at least 3 times); returns calls per CPU second.
template <class Fn>
double rate(Fn fn) {
  const double start = cpu_seconds();
  int calls = 0;
  double elapsed = 0;
  do {
    fn();
    ++calls;
    elapsed = cpu_seconds() - start;
  } while (elapsed < 0.25 || calls < 3);
  return calls / elapsed;
}

TEST(ChunkCodecSize, SeedSampleDayUnderOneAndAHalfBytesAPoint) {
  const auto columns = seed_day();
  const char* names[] = {"cycle_number", "current", "voltage", "temp"};
  std::string block;  // the four chunks together, as the block writer would compress them
  std::size_t points = 0;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    ASSERT_EQ(columns[c].size(), 8640u);
    const std::string chunk = round_trip(columns[c]);
    std::printf("[ChunkCodec] %-12s %5zu bytes = %.3f B/pt raw, %.3f B/pt after zstd -3\n", names[c],
                chunk.size(), double(chunk.size()) / 8640, double(zstd_size(chunk)) / 8640);
    EXPECT_LE(double(chunk.size()) / 8640, 1.5) << names[c];
    block += chunk;
    points += columns[c].size();
  }
  const double raw = double(block.size()) / double(points);
  const double packed = double(zstd_size(block)) / double(points);
  std::printf("[ChunkCodec] seed day, 4 x 8640 points: %.3f B/pt raw, %.3f B/pt after zstd -3\n", raw,
              packed);
  EXPECT_LE(raw, 1.3);
  EXPECT_LE(packed, 1.2);

  const double encodes = rate([&] {
    std::string out;
    for (const auto& column : columns) encode_chunk(column, out);
  });
  std::vector<std::string> chunks;
  for (const auto& column : columns) chunks.push_back(encode(column));
  std::vector<Point> decoded;
  const double decode_rate = rate([&] {
    decoded.clear();
    for (const auto& chunk : chunks) ASSERT_FALSE(decode(chunk, decoded));
  });
  std::printf("[ChunkCodec] seed day: encode %.1f M points/s, decode %.1f M points/s\n",
              encodes * double(points) / 1e6, decode_rate * double(points) / 1e6);
}

// Doubles that are not short decimals take the XOR path; printed for docs/chunk_format.md.
TEST(ChunkCodecSize, NonDecimalDoublesStayUnderEightBytesAPoint) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(0, 1);
  std::vector<std::pair<const char*, std::vector<double>>> sets(4);
  sets[0].first = "float32 sensor";
  sets[1].first = "full-precision noisy";
  sets[2].first = "energy counter";
  sets[3].first = "decimal * 1.1";
  double energy = 1000;
  for (int j = 0; j < 8640; ++j) {
    sets[0].second.push_back(double(float(20 + 5 * std::sin(j / 500.0) + 0.1 * noise(rng))));
    sets[1].second.push_back(230 * std::sin(j / 300.0) / 3 + noise(rng) * 0.01);
    energy += (5 + noise(rng)) * 10 / 3600.0;
    sets[2].second.push_back(energy);
    sets[3].second.push_back(std::round((20 + 5 * std::sin(j / 500.0)) * 100) / 100 * 1.1);
  }
  for (const auto& [name, values] : sets) {
    const auto points = doubles(values);
    const std::string chunk = round_trip(points);
    std::printf("[ChunkCodec] %-20s %.3f B/pt raw, %.3f B/pt after zstd -3\n", name,
                double(chunk.size()) / 8640, double(zstd_size(chunk)) / 8640);
    EXPECT_LT(chunk.size(), 8640u * 8);
  }
}

TEST(ChunkCodecSize, NumericThroughput) {
  // Integers with jittered times and decimal doubles at regular times: the two hot shapes of history reads.
  std::mt19937_64 rng(8);
  std::vector<Point> ints, reals;
  int64_t t = kDay0;
  int64_t counter = 0;
  for (int j = 0; j < 100000; ++j) {
    t += 1000 + int64_t(rng() % 7);
    counter += int64_t(rng() % 100);
    ints.push_back(at(t, Value::of_int(counter)));
    reals.push_back(at(kDay0 + j * 1000, Value::of_double(double(int64_t(rng() % 5000)) / 100)));
  }
  for (const auto* points : {&ints, &reals}) {
    const std::string chunk = encode(*points);
    std::vector<Point> out;
    const double enc = rate([&] {
      std::string s;
      encode_chunk(*points, s);
    });
    const double dec = rate([&] {
      out.clear();
      ASSERT_FALSE(decode(chunk, out));
    });
    std::printf("[ChunkCodec] %s: %.3f B/pt, encode %.1f M points/s, decode %.1f M points/s\n",
                points == &ints ? "ints, jittered times" : "2-place doubles", double(chunk.size()) / 1e5,
                enc * 1e5 / 1e6, dec * 1e5 / 1e6);
  }
}

}  // namespace
}  // namespace gridhub::tsdb
