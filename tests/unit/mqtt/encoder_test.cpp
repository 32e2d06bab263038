// Encoder: exact wire bytes for each packet type, and encode -> decode round trips.
#include "mqtt/encoder.hpp"

#include <gtest/gtest.h>

#include "mqtt/decoder.hpp"
#include "wire_bytes.hpp"

namespace gridhub::mqtt {
namespace {

using test::bytes;
using test::decode_one;
using test::packet;
using test::str;
using test::u16;

std::string encoded(const Packet& p) {
  std::string out;
  encode(p, out);
  return out;
}

TEST(Encoder, EncodesSdkStyleConnectExactly) {
  Connect c;
  c.protocol_name = "MQTT";
  c.protocol_level = 4;
  c.clean_session = true;
  c.keepalive = 60;
  c.client_id = "dk1|securemode=2,signmethod=hmacsha256,timestamp=1795462872612.4607|";
  c.username = "dk1&pk1";
  c.password = "abc";
  EXPECT_EQ(encoded(c), packet(0x10, str("MQTT") + bytes({0x04, 0xC2, 0x00, 0x3C}) + str(c.client_id) +
                                         str("dk1&pk1") + str("abc")));
}

TEST(Encoder, WritesProtocolNameAndLevelAsGiven) {
  Connect c;
  c.protocol_name = "MQTT";
  c.protocol_level = 5;
  c.client_id = "x";
  EXPECT_EQ(encoded(c), packet(0x10, str("MQTT") + bytes({0x05, 0x00, 0x00, 0x00}) + str("x")));
}

TEST(Encoder, EncodesWillFlagsAndFields) {
  Connect c{"MQTT", 4, false, 5, "id", std::nullopt, std::nullopt, true, 1, true, "w/t", "bye"};
  EXPECT_EQ(encoded(c), packet(0x10, str("MQTT") + bytes({0x04, 0x2C, 0x00, 0x05}) + str("id") + str("w/t") +
                                         str("bye")));
}

TEST(Encoder, EncodesConnack) {
  EXPECT_EQ(encoded(Connack{false, kConnackBadProtocol}), bytes({0x20, 0x02, 0x00, 0x01}));
  EXPECT_EQ(encoded(Connack{true, kConnackAccepted}), bytes({0x20, 0x02, 0x01, 0x00}));
}

TEST(Encoder, EncodesPublishQos0WithoutPacketId) {
  EXPECT_EQ(encoded(Publish{"a/b", "hi", 0, false, false, 77}), packet(0x30, str("a/b") + "hi"));
}

TEST(Encoder, EncodesPublishQos1WithFlags) {
  EXPECT_EQ(encoded(Publish{"a/b", "hi", 1, true, true, 0x0102}),
            packet(0x3B, str("a/b") + u16(0x0102) + "hi"));
}

TEST(Encoder, EncodePublishFastPathMatchesStructEncoding) {
  for (uint8_t qos : {0, 1}) {
    std::string fast;
    encode_publish("/sys/pk/dk/thing/measurepoint/post_reply", "{\"code\":200}", qos, 42, fast);
    EXPECT_EQ(fast, encoded(Publish{"/sys/pk/dk/thing/measurepoint/post_reply", "{\"code\":200}", qos, false,
                                    false, static_cast<uint16_t>(qos ? 42 : 0)}));
  }
}

TEST(Encoder, EncodesPacketsWithIdOnly) {
  EXPECT_EQ(encoded(Puback{0x1234}), bytes({0x40, 0x02, 0x12, 0x34}));
  EXPECT_EQ(encoded(Unsuback{7}), bytes({0xB0, 0x02, 0x00, 0x07}));
}

TEST(Encoder, EncodesSubscribeAndSuback) {
  EXPECT_EQ(encoded(Subscribe{10, {{"a/+", 1}, {"b", 0}}}),
            packet(0x82, u16(10) + str("a/+") + bytes({1}) + str("b") + bytes({0})));
  EXPECT_EQ(encoded(Suback{10, {0x01, 0x80}}), bytes({0x90, 0x04, 0x00, 0x0A, 0x01, 0x80}));
}

TEST(Encoder, EncodesUnsubscribe) {
  EXPECT_EQ(encoded(Unsubscribe{3, {"a/+", "b"}}), packet(0xA2, u16(3) + str("a/+") + str("b")));
}

TEST(Encoder, EncodesEmptyPackets) {
  EXPECT_EQ(encoded(Pingreq{}), bytes({0xC0, 0x00}));
  EXPECT_EQ(encoded(Pingresp{}), bytes({0xD0, 0x00}));
  EXPECT_EQ(encoded(Disconnect{}), bytes({0xE0, 0x00}));
}

TEST(Encoder, AppendsWithoutClearingOutput) {
  std::string out = "prefix";
  encode(Pingreq{}, out);
  encode(Puback{1}, out);
  EXPECT_EQ(out, "prefix" + bytes({0xC0, 0x00, 0x40, 0x02, 0x00, 0x01}));
}

TEST(Encoder, WritesRemainingLengthAtEveryVarintBoundary) {
  // Remaining length = 3 + payload for a QoS 0 PUBLISH to "t".
  for (std::size_t remaining : {0x7Fu, 0x80u, 0x3FFFu, 0x4000u, 0x1FFFFFu, 0x200000u}) {
    std::string out;
    encode_publish("t", std::string(remaining - 3, 'x'), 0, 0, out);
    const std::string header = bytes({0x30}) + test::varint(remaining);
    ASSERT_EQ(out.size(), header.size() + remaining);
    EXPECT_EQ(out.substr(0, header.size()), header) << remaining;
  }
}

// --- round trips
// ---------------------------------------------------------------------------------------------

void expect_round_trip(const Packet& p) {
  Decoder d(64 * 1024 * 1024);
  const std::string wire = encoded(p);
  d.feed(wire.data(), wire.size());
  boost::system::error_code ec;
  auto back = d.next(ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, p);
  EXPECT_EQ(d.buffered(), 0u);
}

Connect mqtt311(std::string client_id) {
  Connect c;
  c.protocol_name = "MQTT";
  c.protocol_level = 4;
  c.client_id = std::move(client_id);
  return c;
}

TEST(Encoder, RoundTripsConnect) {
  Connect sdk = mqtt311("dk1|securemode=2|");
  sdk.clean_session = true;
  sdk.keepalive = 60;
  sdk.username = "dk1&pk1";
  sdk.password = "pw";
  expect_round_trip(sdk);

  Connect will = mqtt311("");
  will.will = true;
  will.will_qos = 2;
  will.will_topic = "w";
  expect_round_trip(will);

  Connect empty_username = mqtt311("id");
  empty_username.keepalive = 65535;
  empty_username.username = "";
  expect_round_trip(empty_username);

  Connect v5;  // other levels keep only name and level
  v5.protocol_name = "MQTT";
  v5.protocol_level = 5;
  expect_round_trip(v5);
}

TEST(Encoder, RoundTripsConnack) {
  for (uint8_t rc = 0; rc <= kConnackNotAuthorized; ++rc) expect_round_trip(Connack{rc == 0, rc});
}

TEST(Encoder, RoundTripsPublish) {
  expect_round_trip(Publish{"/sys/pk/dk/thing/measurepoint/post", "{\"params\":{}}", 1, false, false, 65535});
  expect_round_trip(Publish{"t", "", 0, true, true, 0});
  expect_round_trip(Publish{"raw", std::string("\0\1\2\xff", 4), 1, true, false, 1});
  expect_round_trip(
      Publish{std::string(kMaxStringLength, 'a'), std::string(3 * 1024 * 1024, 'b'), 1, false, false, 2});
}

TEST(Encoder, RoundTripsPuback) { expect_round_trip(Puback{1}); }

TEST(Encoder, RoundTripsSubscribe) { expect_round_trip(Subscribe{1, {{"a/+", 0}, {"#", 1}, {"x/y", 2}}}); }

TEST(Encoder, RoundTripsSuback) { expect_round_trip(Suback{9, {0, 1, 2, kSubackFailure}}); }

TEST(Encoder, RoundTripsUnsubscribe) { expect_round_trip(Unsubscribe{65535, {"a", "b/#"}}); }

TEST(Encoder, RoundTripsUnsuback) { expect_round_trip(Unsuback{2}); }

TEST(Encoder, RoundTripsEmptyPackets) {
  expect_round_trip(Pingreq{});
  expect_round_trip(Pingresp{});
  expect_round_trip(Disconnect{});
}

TEST(Encoder, RoundTripsThroughPacketVariant) {
  const Packet p = Publish{"a", "b", 1, false, false, 5};
  EXPECT_EQ(decode_one(encoded(p)), p);
}

}  // namespace
}  // namespace gridhub::mqtt
