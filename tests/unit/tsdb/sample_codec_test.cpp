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
  // Layout: kind, count, flags, asset(len,'a'), point(len,'p'), time, history mask, value kind, bool.
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
  EXPECT_TRUE(refused(8, 0x20));  // a history bit past the last category
  EXPECT_TRUE(refused(8, 0x01));  // a history mask without its flag (and group)
}

TEST(SampleCodec, GroupOfALatestOnlySampleRoundTrips) {
  std::vector<Sample> batch{make_sample("a", "p", 1, Value::of_int(1)), make_sample("a", "q", 1, Value::of_int(2))};
  batch[0].group = 9;  // history 0: the group still travels, so latest() reads the same sample back
  std::string payload;
  ASSERT_FALSE(encode_samples_payload(batch, payload));
  DecodedPayload out;
  ASSERT_FALSE(decode_payload(bytes_of(payload), out));
  ASSERT_EQ(out.samples.size(), 2u);
  test::expect_same(out.samples[0], batch[0]);
  test::expect_same(out.samples[1], batch[1]);
}

TEST(SampleCodec, DeletePayloadRoundTrips) {
  Deletion d;
  d.asset_id = "dev";
  d.point_ids = {"a", "b"};
  d.start_ms = -5;
  d.end_ms = INT64_MAX;
  std::string payload;
  encode_delete_payload(d, payload);
  DecodedPayload out;
  ASSERT_FALSE(decode_payload(bytes_of(payload), out));
  EXPECT_EQ(out.kind, wal::PayloadKind::DeleteRange);
  EXPECT_EQ(out.deletion.asset_id, "dev");
  EXPECT_EQ(out.deletion.point_ids, d.point_ids);
  EXPECT_EQ(out.deletion.start_ms, -5);
  EXPECT_EQ(out.deletion.end_ms, INT64_MAX);
  for (std::size_t n = 0; n < payload.size(); ++n) {
    EXPECT_EQ(decode_payload(bytes_of(payload.substr(0, n)), out), errc::corrupt_record) << n;
  }
}

TEST(SampleCodec, MalformedDeletePayloadsAreRefused) {
  DecodedPayload out;
  auto refused = [&](const Deletion& d) {
    std::string payload;
    // Written by hand: encode_delete_payload asserts what the decoder must refuse.
    payload.push_back(static_cast<char>(wal::PayloadKind::DeleteRange));
    coding::put_bytes(payload, d.asset_id);
    coding::put_varint64(payload, d.point_ids.size());
    for (const auto& p : d.point_ids) coding::put_bytes(payload, p);
    coding::put_varint64(payload, coding::zigzag(d.start_ms));
    coding::put_varint64(payload, coding::zigzag(d.end_ms));
    return decode_payload(bytes_of(payload), out) == errc::corrupt_record;
  };
  Deletion d;
  d.asset_id = "a";
  d.point_ids = {"x", "y"};
  d.start_ms = 1;
  d.end_ms = 1;
  EXPECT_FALSE(refused(d)) << "an empty range is a valid (if useless) deletion";
  d.end_ms = 0;
  EXPECT_TRUE(refused(d)) << "start > end";
  d.end_ms = 2;
  d.point_ids = {"y", "x"};
  EXPECT_TRUE(refused(d)) << "point ids out of order";
  d.point_ids = {"x", "x"};
  EXPECT_TRUE(refused(d)) << "a repeated point id";
  d.point_ids = {""};
  EXPECT_TRUE(refused(d)) << "an empty point id";
  d.point_ids = {};
  d.asset_id = "";
  EXPECT_TRUE(refused(d)) << "an empty asset id";
  d.asset_id = "a";
  for (std::size_t k = 0; k < kMaxDeletePoints; ++k) d.point_ids.push_back(std::to_string(1000000 + k));
  EXPECT_FALSE(refused(d)) << "kMaxDeletePoints ids";
  d.point_ids.push_back("9999999");
  EXPECT_TRUE(refused(d)) << "one past kMaxDeletePoints";
}

TEST(SampleCodec, DropGroupPayloadRoundTrips) {
  std::string payload;
  encode_drop_group_payload(UINT32_MAX, payload);
  DecodedPayload out;
  ASSERT_FALSE(decode_payload(bytes_of(payload), out));
  EXPECT_EQ(out.kind, wal::PayloadKind::DropGroup);
  EXPECT_EQ(out.group, UINT32_MAX);
  payload.clear();
  payload.push_back(static_cast<char>(wal::PayloadKind::DropGroup));
  coding::put_varint64(payload, uint64_t{UINT32_MAX} + 1);
  EXPECT_EQ(decode_payload(bytes_of(payload), out), errc::corrupt_record);
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
