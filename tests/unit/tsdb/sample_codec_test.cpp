// Tests for tsdb/sample_codec.cpp: bit-exact round trips, the id and value limits at N and N+1, and refusal
// of every malformed payload.
#include "tsdb/sample_codec.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <limits>

#include "test_util.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"

namespace gridhub::tsdb {
namespace {

using test::expect_same;
using test::make_sample;

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(SampleCodec, EveryKindRoundTripsBitExact) {
  const auto batch = test::every_kind();
  std::string payload;
  ASSERT_FALSE(encode_samples_payload(batch, payload));
  DecodedPayload out;
  ASSERT_FALSE(decode_payload(bytes_of(payload), out));
  EXPECT_EQ(out.kind, wal::PayloadKind::Samples);
  ASSERT_EQ(out.samples.size(), batch.size());
  for (std::size_t k = 0; k < batch.size(); ++k) expect_same(out.samples[k], batch[k]);
}

TEST(SampleCodec, EmptyBatchRoundTrips) {
  std::string payload;
  ASSERT_FALSE(encode_samples_payload({}, payload));
  DecodedPayload out;
  ASSERT_FALSE(decode_payload(bytes_of(payload), out));
  EXPECT_TRUE(out.samples.empty());
}

TEST(SampleCodec, RepeatedAssetIdIsWrittenOnce) {
  std::vector<Sample> same{test::dbl("a-long-asset-identifier", "p1", 1, 1),
                           test::dbl("a-long-asset-identifier", "p2", 1, 2)};
  std::vector<Sample> differ{test::dbl("a-long-asset-identifier", "p1", 1, 1),
                             test::dbl("b-long-asset-identifier", "p2", 1, 2)};
  std::string a, b;
  ASSERT_FALSE(encode_samples_payload(same, a));
  ASSERT_FALSE(encode_samples_payload(differ, b));
  EXPECT_EQ(b.size() - a.size(), 1 + std::string("b-long-asset-identifier").size());
}

TEST(SampleCodec, ForgetPayloadRoundTrips) {
  std::string payload;
  encode_forget_payload("dev9", payload);
  DecodedPayload out;
  ASSERT_FALSE(decode_payload(bytes_of(payload), out));
  EXPECT_EQ(out.kind, wal::PayloadKind::ForgetAsset);
  EXPECT_EQ(out.asset_id, "dev9");
}

TEST(SampleCodec, IdsAreAcceptedAtLimitAndRefusedPastIt) {
  Sample s = test::dbl(std::string(kMaxAssetIdBytes, 'a'), std::string(kMaxPointIdBytes, 'p'), 1, 1);
  EXPECT_FALSE(check_sample(s));
  std::string payload;
  ASSERT_FALSE(encode_samples_payload({&s, 1}, payload));
  DecodedPayload out;
  EXPECT_FALSE(decode_payload(bytes_of(payload), out));

  Sample long_asset = s;
  long_asset.asset_id.push_back('a');
  EXPECT_EQ(check_sample(long_asset), errc::id_too_long);
  Sample long_point = s;
  long_point.point_id.push_back('p');
  EXPECT_EQ(check_sample(long_point), errc::id_too_long);
}

TEST(SampleCodec, ValueIsAcceptedAtLimitAndRefusedPastIt) {
  Sample s = make_sample("dev", "p", 1, Value::of_string(std::string(kMaxValueBytes, 'x')));
  EXPECT_FALSE(check_sample(s));
  s.value.s.push_back('x');
  EXPECT_EQ(check_sample(s), errc::value_too_large);
  s.value.kind = ValueKind::Json;
  EXPECT_EQ(check_sample(s), errc::value_too_large);
}

TEST(SampleCodec, EmptyIdsAndUnknownKindsAreRefused) {
  EXPECT_EQ(check_sample(test::dbl("", "p", 1, 1)), errc::bad_sample);
  EXPECT_EQ(check_sample(test::dbl("a", "", 1, 1)), errc::bad_sample);
  Sample s = test::dbl("a", "p", 1, 1);
  s.value.kind = static_cast<ValueKind>(9);
  EXPECT_EQ(check_sample(s), errc::bad_sample);
  std::vector<Sample> batch{test::dbl("a", "p", 1, 1), s};
  std::string payload = "keep";
  EXPECT_EQ(encode_samples_payload(batch, payload), errc::bad_sample);
  EXPECT_EQ(payload, "keep");
}

TEST(SampleCodec, EveryTruncationIsRefused) {
  std::string payload;
  ASSERT_FALSE(encode_samples_payload(test::every_kind(), payload));
  DecodedPayload out;
  for (std::size_t n = 0; n < payload.size(); ++n) {
    EXPECT_EQ(decode_payload(bytes_of(payload.substr(0, n)), out), errc::corrupt_record) << n;
  }
}

TEST(SampleCodec, TrailingBytesAreRefused) {
  std::string payload;
  ASSERT_FALSE(encode_samples_payload(test::every_kind(), payload));
  payload.push_back('\0');
  DecodedPayload out;
  EXPECT_EQ(decode_payload(bytes_of(payload), out), errc::corrupt_record);
}

TEST(SampleCodec, MalformedFieldsAreRefused) {
  std::vector<Sample> one{make_sample("a", "p", 1, Value::of_bool(true))};
  std::string good;
  ASSERT_FALSE(encode_samples_payload(one, good));
  // Layout: kind, count, flags, asset(len,'a'), point(len,'p'), time, category, value kind, bool.
  DecodedPayload out;
  ASSERT_FALSE(decode_payload(bytes_of(good), out));
  auto refused = [&](std::size_t at, char byte) {
    std::string bad = good;
    bad[at] = byte;
    return decode_payload(bytes_of(bad), out) == errc::corrupt_record;
  };
  EXPECT_TRUE(refused(0, 7));     // unknown payload kind
  EXPECT_TRUE(refused(1, 100));   // count larger than the bytes could hold
  EXPECT_TRUE(refused(2, 0x40));  // unknown flag
  EXPECT_TRUE(refused(2, 0x04));  // "same asset" on the first sample
  EXPECT_TRUE(refused(3, 0));     // empty asset id
  EXPECT_TRUE(refused(9, 6));     // unknown value kind
  EXPECT_TRUE(refused(10, 2));    // bool that is neither 0 nor 1
}

TEST(SampleCodec, QualityOutsideInt32IsRefused) {
  Sample s = test::dbl("a", "p", 1, 1);
  s.quality = 1;
  std::string payload;
  ASSERT_FALSE(encode_samples_payload({&s, 1}, payload));
  // Replace the one-byte quality varint (zigzag(1) = 2) with zigzag(2^31) = 2^32 as a varint.
  payload.pop_back();
  coding::put_varint64(payload, coding::zigzag(int64_t{1} << 31));
  DecodedPayload out;
  EXPECT_EQ(decode_payload(bytes_of(payload), out), errc::corrupt_record);
}

}  // namespace
}  // namespace gridhub::tsdb
