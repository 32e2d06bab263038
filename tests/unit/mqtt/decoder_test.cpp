// Decoder: every packet type from hand-written bytes, framing across arbitrary splits, limits and
// malformations.
#include "mqtt/decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>

#include "mqtt/encoder.hpp"
#include "wire_bytes.hpp"

namespace gridhub::mqtt {
namespace {

using test::bytes;
using test::decode_all;
using test::decode_error;
using test::decode_one;
using test::packet;
using test::str;
using test::u16;

const std::string kSdkClientId = "dk1|securemode=2,signmethod=hmacsha256,timestamp=1795462872612.4607|";
const std::string kSdkPassword = "9f2c4e0d8b7a61532e4f8c9d0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

// The CONNECT the Python SDK sends (spec §1.1-1.2): flags 0xC2 (username, password, clean session),
// keepalive 60.
std::string sdk_connect() {
  return packet(0x10, str("MQTT") + bytes({0x04, 0xC2, 0x00, 0x3C}) + str(kSdkClientId) + str("dk1&pk1") +
                          str(kSdkPassword));
}

std::string publish_qos1(std::string_view topic, std::string_view payload, unsigned id) {
  return packet(0x32, str(topic) + u16(id) + std::string(payload));
}

// --- every packet type from hand-written bytes
// ---------------------------------------------------------------

TEST(Decoder, DecodesPythonSdkConnect) {
  auto c = std::get<Connect>(decode_one(sdk_connect()));
  EXPECT_EQ(c.protocol_name, "MQTT");
  EXPECT_EQ(c.protocol_level, 4);
  EXPECT_TRUE(c.clean_session);
  EXPECT_EQ(c.keepalive, 60);
  EXPECT_EQ(c.client_id, kSdkClientId);
  EXPECT_EQ(c.username, "dk1&pk1");
  EXPECT_EQ(c.password, kSdkPassword);
  EXPECT_FALSE(c.will);
}

TEST(Decoder, DecodesConnectWithWillAndNoCredentials) {
  // flags: will retain 0x20, will QoS 1 0x08, will 0x04 -> 0x2C
  auto c = std::get<Connect>(decode_one(
      packet(0x10, str("MQTT") + bytes({4, 0x2C, 0, 0}) + str("") + str("dev/gone") + str("bye"))));
  EXPECT_FALSE(c.clean_session);
  EXPECT_EQ(c.keepalive, 0);
  EXPECT_EQ(c.client_id, "");
  EXPECT_TRUE(c.will);
  EXPECT_EQ(c.will_qos, 1);
  EXPECT_TRUE(c.will_retain);
  EXPECT_EQ(c.will_topic, "dev/gone");
  EXPECT_EQ(c.will_payload, "bye");
  EXPECT_FALSE(c.username);
  EXPECT_FALSE(c.password);
}

TEST(Decoder, DecodesBinaryPasswordAndWillPayload) {
  const std::string binary("\x00\xff\x80\x01", 4);
  auto c = std::get<Connect>(decode_one(packet(0x10, str("MQTT") + bytes({4, 0xC6, 0, 10}) + str("id") +
                                                         str("t") + str(binary) + str("u") + str(binary))));
  EXPECT_EQ(c.will_payload, binary);
  EXPECT_EQ(c.password, binary);
}

TEST(Decoder, DecodesConnectWithOtherProtocolLevelSoServerCanAnswerConnack1) {
  // An MQTT 5 CONNECT: level 5 and a properties block the 3.1.1 layout does not have.
  auto c = std::get<Connect>(
      decode_one(packet(0x10, str("MQTT") + bytes({5, 0x02, 0, 60, 0x05, 0x11, 0, 0, 0, 10}) + str("id5"))));
  EXPECT_EQ(c.protocol_name, "MQTT");
  EXPECT_EQ(c.protocol_level, 5);
  auto c3 = std::get<Connect>(decode_one(packet(0x10, str("MQTT") + bytes({3}))));
  EXPECT_EQ(c3.protocol_level, 3);
}

TEST(Decoder, DecodesConnack) {
  auto a = std::get<Connack>(decode_one(bytes({0x20, 0x02, 0x01, 0x00})));
  EXPECT_TRUE(a.session_present);
  EXPECT_EQ(a.return_code, kConnackAccepted);
  auto b = std::get<Connack>(decode_one(bytes({0x20, 0x02, 0x00, 0x05})));
  EXPECT_FALSE(b.session_present);
  EXPECT_EQ(b.return_code, kConnackNotAuthorized);
}

TEST(Decoder, DecodesPublishQos0WithoutPacketId) {
  auto p = std::get<Publish>(
      decode_one(packet(0x30, str("/sys/pk1/dk1/thing/measurepoint/post") + "{\"id\":\"1\"}")));
  EXPECT_EQ(p.topic, "/sys/pk1/dk1/thing/measurepoint/post");
  EXPECT_EQ(p.payload, "{\"id\":\"1\"}");
  EXPECT_EQ(p.qos, 0);
  EXPECT_EQ(p.packet_id, 0);
  EXPECT_FALSE(p.dup);
  EXPECT_FALSE(p.retain);
}

TEST(Decoder, DecodesPublishQos1WithFlagsAndPacketId) {
  auto p =
      std::get<Publish>(decode_one(packet(0x3B, str("a/b") + u16(0x1234) + "xy")));  // dup, QoS 1, retain
  EXPECT_EQ(p.qos, 1);
  EXPECT_TRUE(p.dup);
  EXPECT_TRUE(p.retain);
  EXPECT_EQ(p.packet_id, 0x1234);
  EXPECT_EQ(p.payload, "xy");
}

TEST(Decoder, DecodesPublishWithEmptyAndBinaryPayload) {
  EXPECT_EQ(std::get<Publish>(decode_one(packet(0x30, str("t")))).payload, "");
  const std::string binary("\x00\xff\xfe\x00", 4);  // raw topics carry opaque bytes: no UTF-8 rule
  EXPECT_EQ(std::get<Publish>(decode_one(packet(0x30, str("t") + binary))).payload, binary);
}

TEST(Decoder, DecodesPuback) {
  EXPECT_EQ(std::get<Puback>(decode_one(bytes({0x40, 0x02, 0xAB, 0xCD}))).packet_id, 0xABCD);
}

TEST(Decoder, DecodesSubscribeWithSeveralFilters) {
  auto s = std::get<Subscribe>(decode_one(
      packet(0x82, u16(10) + str("/sys/pk1/dk1/thing/service/+") + bytes({1}) + str("a/#") + bytes({0}))));
  EXPECT_EQ(s.packet_id, 10);
  ASSERT_EQ(s.filters.size(), 2u);
  EXPECT_EQ(s.filters[0], (std::pair<std::string, uint8_t>{"/sys/pk1/dk1/thing/service/+", 1}));
  EXPECT_EQ(s.filters[1], (std::pair<std::string, uint8_t>{"a/#", 0}));
}

TEST(Decoder, PassesSyntacticallyBadFiltersThroughForSubackFailure) {
  auto s = std::get<Subscribe>(
      decode_one(packet(0x82, u16(1) + str("a/#/b") + bytes({2}) + str("") + bytes({0}))));
  EXPECT_EQ(s.filters[0].first, "a/#/b");
  EXPECT_EQ(s.filters[0].second, 2);
  EXPECT_EQ(s.filters[1].first, "");
}

TEST(Decoder, DecodesSuback) {
  auto s = std::get<Suback>(decode_one(bytes({0x90, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x02, 0x80})));
  EXPECT_EQ(s.packet_id, 10);
  EXPECT_EQ(s.return_codes, (std::vector<uint8_t>{0x00, 0x01, 0x02, 0x80}));
}

TEST(Decoder, DecodesUnsubscribe) {
  auto u = std::get<Unsubscribe>(decode_one(packet(0xA2, u16(7) + str("a/b") + str("c/+"))));
  EXPECT_EQ(u.packet_id, 7);
  EXPECT_EQ(u.filters, (std::vector<std::string>{"a/b", "c/+"}));
}

TEST(Decoder, DecodesUnsuback) {
  EXPECT_EQ(std::get<Unsuback>(decode_one(bytes({0xB0, 0x02, 0x00, 0x07}))).packet_id, 7);
}

TEST(Decoder, DecodesPingreqPingrespDisconnect) {
  EXPECT_TRUE(std::holds_alternative<Pingreq>(decode_one(bytes({0xC0, 0x00}))));
  EXPECT_TRUE(std::holds_alternative<Pingresp>(decode_one(bytes({0xD0, 0x00}))));
  EXPECT_TRUE(std::holds_alternative<Disconnect>(decode_one(bytes({0xE0, 0x00}))));
}

// --- framing
// -------------------------------------------------------------------------------------------------

std::string sample_stream() {
  return sdk_connect() + publish_qos1("/sys/pk1/dk1/thing/measurepoint/post", std::string(300, 'p'), 1) +
         bytes({0xC0, 0x00}) + packet(0x30, str("t") + "tiny") +
         packet(0x82, u16(2) + str("/sys/pk1/dk1/thing/measurepoint/post_reply") + bytes({1})) +
         bytes({0x40, 0x02, 0x00, 0x09}) + bytes({0xE0, 0x00});
}

TEST(Decoder, NeedsMoreBytesWithoutErrorOnPartialPacket) {
  const std::string wire = sdk_connect();
  Decoder d;
  boost::system::error_code ec;
  EXPECT_FALSE(d.next(ec));  // empty
  EXPECT_FALSE(ec);
  d.feed(wire.data(), wire.size() - 1);
  EXPECT_FALSE(d.next(ec));
  EXPECT_FALSE(ec);
  EXPECT_EQ(d.buffered(), wire.size() - 1);
  d.feed(wire.data() + wire.size() - 1, 1);
  EXPECT_TRUE(d.next(ec));
  EXPECT_FALSE(ec);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(Decoder, DecodesStreamFedOneByteAtATime) {
  const std::string wire = sample_stream();
  const auto expected = decode_all(wire).packets;
  ASSERT_EQ(expected.size(), 7u);
  Decoder d;
  std::vector<Packet> got;
  boost::system::error_code ec;
  for (char c : wire) {
    d.feed(&c, 1);
    while (auto p = d.next(ec)) got.push_back(std::move(*p));
    ASSERT_FALSE(ec) << ec.message();
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(Decoder, DecodesStreamInRandomSplitsThroughFeedAndPrepareCommit) {
  const std::string one = sample_stream();
  std::string wire;
  for (int i = 0; i < 20; ++i) wire += one;
  const auto expected = decode_all(wire).packets;
  ASSERT_EQ(expected.size(), 140u);
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    Decoder d;
    std::vector<Packet> got;
    boost::system::error_code ec;
    std::size_t pos = 0;
    while (pos < wire.size()) {
      std::size_t n = std::min<std::size_t>(wire.size() - pos, rng() % 700 + 1);
      if (round % 2 == 0) {
        d.feed(wire.data() + pos, n);
      } else {
        auto space = d.prepare(n + 16);  // callers prepare more than they end up reading
        ASSERT_EQ(space.size(), n + 16);
        std::memcpy(space.data(), wire.data() + pos, n);
        d.commit(n);
      }
      pos += n;
      while (auto p = d.next(ec)) got.push_back(std::move(*p));
      ASSERT_FALSE(ec) << ec.message();
    }
    ASSERT_EQ(got, expected);
    EXPECT_EQ(d.buffered(), 0u);
  }
}

TEST(Decoder, KeepsOnlyUnconsumedBytesBuffered) {
  const std::string pub = publish_qos1("t/x", std::string(100, 'v'), 3);
  Decoder d;
  boost::system::error_code ec;
  // A partial packet stays behind each feed; the buffer holds at most that plus one feed.
  for (int i = 0; i < 10000; ++i) {
    const std::string chunk = pub.substr(i == 0 ? 0 : 50) + pub.substr(0, 50);
    d.feed(chunk.data(), chunk.size());
    while (d.next(ec)) {
    }
    ASSERT_FALSE(ec);
    ASSERT_EQ(d.buffered(), 50u);
  }
}

// --- limits
// --------------------------------------------------------------------------------------------------

// A QoS 0 PUBLISH whose whole encoding is exactly `total` bytes (total >= 200, so a 2-byte remaining length).
std::string publish_of_total_size(std::size_t total) {
  const std::size_t remaining = total - 1 - test::varint(total).size();
  std::string p = packet(0x30, str("t") + std::string(remaining - 3, 'x'));
  EXPECT_EQ(p.size(), total);
  return p;
}

TEST(Decoder, AcceptsPacketOfExactlyMaxPacketSize) {
  const std::size_t n = 4096;
  auto r = decode_all(publish_of_total_size(n), n);
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.packets.size(), 1u);
}

TEST(Decoder, RefusesPacketOneByteOverMaxPacketSize) {
  const std::size_t n = 4096;
  EXPECT_EQ(decode_error(publish_of_total_size(n + 1), n), errc::packet_too_large);
}

TEST(Decoder, RefusesOversizePacketFromFixedHeaderAlone) {
  const std::string wire = publish_of_total_size(4097);
  Decoder d(4096);
  d.feed(wire.data(), 3);  // type byte + 2-byte remaining length, no body
  boost::system::error_code ec;
  EXPECT_FALSE(d.next(ec));
  EXPECT_EQ(ec, errc::packet_too_large);
}

TEST(Decoder, RefusesAnnounced200MiBAfterFiveBytes) {
  Decoder d;
  const std::string header = bytes({0x30}) + test::varint(200u * 1024 * 1024);
  ASSERT_EQ(header.size(), 5u);
  d.feed(header.data(), header.size());
  boost::system::error_code ec;
  EXPECT_FALSE(d.next(ec));
  EXPECT_EQ(ec, errc::packet_too_large);
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(Decoder, DefaultLimitIsOneMiB) {
  EXPECT_FALSE(decode_error(publish_of_total_size(kDefaultMaxPacketSize)));
  EXPECT_EQ(decode_error(publish_of_total_size(kDefaultMaxPacketSize + 1)), errc::packet_too_large);
}

std::string connect_of_total_size(std::size_t total) {
  // CONNECT with only a client id; header is 1 + 2 bytes for these sizes.
  const std::size_t id_len = total - 3 - (6 + 1 + 1 + 2) - 2;
  std::string p = packet(0x10, str("MQTT") + bytes({4, 0x02, 0, 60}) + str(std::string(id_len, 'i')));
  EXPECT_EQ(p.size(), total);
  return p;
}

TEST(Decoder, ConnectLimitAcceptsNAndRefusesNPlus1) {
  EXPECT_FALSE(decode_error(connect_of_total_size(kMaxConnectPacketSize), kMaxConnectPacketSize));
  EXPECT_EQ(decode_error(connect_of_total_size(kMaxConnectPacketSize + 1), kMaxConnectPacketSize),
            errc::packet_too_large);
}

TEST(Decoder, RaisedLimitAppliesToPartlyBufferedPacket) {
  const std::string wire = sdk_connect() + publish_of_total_size(20000);
  Decoder d(kMaxConnectPacketSize);
  d.feed(wire.data(), sdk_connect().size() + 10);
  boost::system::error_code ec;
  ASSERT_TRUE(d.next(ec));                       // the CONNECT
  d.set_max_packet_size(kDefaultMaxPacketSize);  // login succeeded
  d.feed(wire.data() + sdk_connect().size() + 10, wire.size() - sdk_connect().size() - 10);
  auto p = d.next(ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(p && std::holds_alternative<Publish>(*p));
}

TEST(Decoder, AcceptsFourByteRemainingLength) {
  // 0xFF 0xFF 0xFF 0x7F = 268,435,455, the largest MQTT length: only the header arrives, and it is not an
  // error.
  Decoder d(kMaxRemainingLength + kMaxFixedHeaderSize);
  const std::string header = bytes({0x30, 0xFF, 0xFF, 0xFF, 0x7F});
  d.feed(header.data(), header.size());
  boost::system::error_code ec;
  EXPECT_FALSE(d.next(ec));
  EXPECT_FALSE(ec);
  // A 4-byte encoding of a small length decodes too (the spec does not require the shortest form).
  auto r = decode_all(bytes({0xC0, 0x80, 0x80, 0x80, 0x00}));
  EXPECT_FALSE(r.ec);
  EXPECT_EQ(r.packets.size(), 1u);
}

TEST(Decoder, RejectsFiveByteRemainingLength) {
  // Refused as soon as the 4th length byte says "more follows", before a 5th length byte arrives.
  EXPECT_EQ(decode_error(bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF}), SIZE_MAX), errc::remaining_length_too_long);
  EXPECT_EQ(decode_error(bytes({0xC0, 0x80, 0x80, 0x80, 0x80, 0x00}), SIZE_MAX),
            errc::remaining_length_too_long);
}

TEST(Decoder, SubscribeFilterLimitAcceptsNAndRefusesNPlus1) {
  auto subscribe = [](std::size_t n) {
    std::string body = u16(1);
    for (std::size_t i = 0; i < n; ++i) body += str("f/" + std::to_string(i)) + bytes({0});
    return packet(0x82, body);
  };
  auto r = decode_all(subscribe(kMaxSubscribeFilters));
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(std::get<Subscribe>(r.packets.at(0)).filters.size(), kMaxSubscribeFilters);
  EXPECT_EQ(decode_error(subscribe(kMaxSubscribeFilters + 1)), errc::too_many_topic_filters);
}

TEST(Decoder, UnsubscribeFilterLimitAcceptsNAndRefusesNPlus1) {
  auto unsubscribe = [](std::size_t n) {
    std::string body = u16(1);
    for (std::size_t i = 0; i < n; ++i) body += str("f/" + std::to_string(i));
    return packet(0xA2, body);
  };
  auto r = decode_all(unsubscribe(kMaxUnsubscribeFilters));
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(std::get<Unsubscribe>(r.packets.at(0)).filters.size(), kMaxUnsubscribeFilters);
  EXPECT_EQ(decode_error(unsubscribe(kMaxUnsubscribeFilters + 1)), errc::too_many_topic_filters);
}

TEST(Decoder, AcceptsTopicOf65535Bytes) {
  const std::string topic(kMaxStringLength, 't');
  EXPECT_EQ(std::get<Publish>(decode_one(packet(0x30, str(topic) + "p"))).topic, topic);
}

// --- errors
// --------------------------------------------------------------------------------------------------

TEST(Decoder, ErrorIsStickyAndDropsFurtherInput) {
  Decoder d;
  const std::string bad = bytes({0x00, 0x00});
  d.feed(bad.data(), bad.size());
  boost::system::error_code ec;
  EXPECT_FALSE(d.next(ec));
  EXPECT_EQ(ec, errc::reserved_packet_type);
  const std::string good = bytes({0xC0, 0x00});
  d.feed(good.data(), good.size());
  auto space = d.prepare(8);
  std::memcpy(space.data(), good.data(), good.size());
  d.commit(good.size());
  EXPECT_EQ(d.buffered(), 0u);
  ec.clear();
  EXPECT_FALSE(d.next(ec));
  EXPECT_EQ(ec, errc::reserved_packet_type);
}

TEST(Decoder, ErrorsHaveDistinctMessagesInMqttCategory) {
  std::set<std::string> messages;
  const int last = static_cast<int>(errc::bad_suback);
  for (int e = 1; e <= last; ++e) {
    boost::system::error_code ec = static_cast<errc>(e);
    EXPECT_STREQ(ec.category().name(), "gridhub.mqtt");
    EXPECT_NE(ec.message(), "unknown mqtt error") << e;
    messages.insert(ec.message());
  }
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(last));
  EXPECT_EQ(boost::system::error_code(errc::qos2_not_supported).message(), "QoS 2 is not supported");
  std::error_code std_ec = errc::packet_too_large;  // usable as std::error_code too
  EXPECT_EQ(std_ec, errc::packet_too_large);
}

TEST(Decoder, RejectsReservedPacketTypes) {
  EXPECT_EQ(decode_error(bytes({0x00, 0x00})), errc::reserved_packet_type);
  EXPECT_EQ(decode_error(bytes({0xF0, 0x00})), errc::reserved_packet_type);
}

TEST(Decoder, RejectsWrongFixedHeaderFlagsFromFirstByteAlone) {
  for (int first :
       {0x11, 0x21, 0x48, 0x80, 0x83, 0x92, 0xA0, 0xA3, 0xB1, 0xC2, 0xD4, 0xE8, 0x60, 0x51, 0x71}) {
    EXPECT_EQ(decode_error(bytes({first})), errc::bad_fixed_header_flags) << std::hex << first;
  }
}

TEST(Decoder, RejectsPublishQos3) { EXPECT_EQ(decode_error(bytes({0x36})), errc::bad_publish_qos); }

TEST(Decoder, RefusesPublishQos2) {
  EXPECT_EQ(decode_error(packet(0x34, str("t") + u16(1))), errc::qos2_not_supported);
}

TEST(Decoder, RefusesPubrecPubrelPubcomp) {
  EXPECT_EQ(decode_error(bytes({0x50, 0x02, 0x00, 0x01})), errc::qos2_not_supported);
  EXPECT_EQ(decode_error(bytes({0x62, 0x02, 0x00, 0x01})), errc::qos2_not_supported);
  EXPECT_EQ(decode_error(bytes({0x70, 0x02, 0x00, 0x01})), errc::qos2_not_supported);
}

TEST(Decoder, RejectsZeroPacketIds) {
  EXPECT_EQ(decode_error(packet(0x32, str("t") + u16(0) + "p")), errc::zero_packet_id);
  EXPECT_EQ(decode_error(bytes({0x40, 0x02, 0x00, 0x00})), errc::zero_packet_id);
  EXPECT_EQ(decode_error(packet(0x82, u16(0) + str("t") + bytes({0}))), errc::zero_packet_id);
  EXPECT_EQ(decode_error(bytes({0x90, 0x03, 0x00, 0x00, 0x00})), errc::zero_packet_id);
  EXPECT_EQ(decode_error(packet(0xA2, u16(0) + str("t"))), errc::zero_packet_id);
  EXPECT_EQ(decode_error(bytes({0xB0, 0x02, 0x00, 0x00})), errc::zero_packet_id);
}

TEST(Decoder, RejectsPublishTopicWithWildcardsOrEmpty) {
  EXPECT_EQ(decode_error(packet(0x30, str("a/+/c"))), errc::invalid_topic_name);
  EXPECT_EQ(decode_error(packet(0x30, str("a/#"))), errc::invalid_topic_name);
  EXPECT_EQ(decode_error(packet(0x30, str("a+b"))), errc::invalid_topic_name);
  EXPECT_EQ(decode_error(packet(0x30, str("") + "payload")), errc::invalid_topic_name);
}

TEST(Decoder, RejectsInvalidUtf8InEveryStringField) {
  const std::string overlong = "a\xC0\xAF";
  const std::string nul("a\0b", 3);
  for (const std::string& bad :
       {overlong, nul, std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80")}) {
    EXPECT_EQ(decode_error(packet(0x30, str(bad))), errc::bad_utf8);
    EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0x02, 0, 0}) + str(bad))), errc::bad_utf8);
    EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0x82, 0, 0}) + str("id") + str(bad))),
              errc::bad_utf8);
    EXPECT_EQ(
        decode_error(packet(0x10, str("MQTT") + bytes({4, 0x06, 0, 0}) + str("id") + str(bad) + str("p"))),
        errc::bad_utf8);
    EXPECT_EQ(decode_error(packet(0x82, u16(1) + str(bad) + bytes({0}))), errc::bad_utf8);
    EXPECT_EQ(decode_error(packet(0xA2, u16(1) + str(bad))), errc::bad_utf8);
  }
}

TEST(Decoder, AcceptsMultibyteUtf8Topic) {
  EXPECT_EQ(
      std::get<Publish>(decode_one(packet(0x30, str("caf\xC3\xA9/\xE4\xB8\xAD/\xF0\x9F\x98\x80")))).topic,
      "caf\xC3\xA9/\xE4\xB8\xAD/\xF0\x9F\x98\x80");
}

TEST(Decoder, RejectsProtocolNameOtherThanMqtt) {
  EXPECT_EQ(decode_error(packet(0x10, str("MQIsdp") + bytes({3, 0x02, 0, 60}) + str("id"))),
            errc::bad_protocol_name);
  EXPECT_EQ(decode_error(packet(0x10, str("mqtt") + bytes({4, 0x02, 0, 60}) + str("id"))),
            errc::bad_protocol_name);
}

TEST(Decoder, RejectsReservedConnectFlag) {
  EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0x03, 0, 60}) + str("id"))),
            errc::reserved_connect_flag);
}

TEST(Decoder, RejectsPasswordWithoutUsername) {
  EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0x42, 0, 60}) + str("id") + str("pw"))),
            errc::password_without_username);
}

TEST(Decoder, RejectsWillQos3) {
  EXPECT_EQ(
      decode_error(packet(0x10, str("MQTT") + bytes({4, 0x1E, 0, 60}) + str("id") + str("t") + str("p"))),
      errc::bad_will_qos);
}

TEST(Decoder, RejectsWillQosOrRetainWithoutWillFlag) {
  EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0x0A, 0, 60}) + str("id"))),
            errc::will_flags_without_will);
  EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0x22, 0, 60}) + str("id"))),
            errc::will_flags_without_will);
}

TEST(Decoder, RejectsWillTopicWithWildcard) {
  EXPECT_EQ(
      decode_error(packet(0x10, str("MQTT") + bytes({4, 0x06, 0, 60}) + str("id") + str("a/#") + str("p"))),
      errc::invalid_topic_name);
}

TEST(Decoder, RejectsTrailingBytesInsideAPacket) {
  EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0x02, 0, 60}) + str("id") + "x")),
            errc::trailing_bytes);
  EXPECT_EQ(decode_error(bytes({0x20, 0x03, 0x00, 0x00, 0x00})), errc::trailing_bytes);
  EXPECT_EQ(decode_error(bytes({0x40, 0x03, 0x00, 0x01, 0x00})), errc::trailing_bytes);
  EXPECT_EQ(decode_error(bytes({0xB0, 0x03, 0x00, 0x01, 0x00})), errc::trailing_bytes);
  EXPECT_EQ(decode_error(bytes({0xC0, 0x01, 0x00})), errc::trailing_bytes);
  EXPECT_EQ(decode_error(bytes({0xD0, 0x01, 0x00})), errc::trailing_bytes);
  EXPECT_EQ(decode_error(bytes({0xE0, 0x01, 0x00})), errc::trailing_bytes);
}

TEST(Decoder, RejectsBodyShorterThanItsFields) {
  // The remaining length ends inside a field: the packet is complete on the wire but its fields run past it.
  const std::string body = str("MQTT") + bytes({4, 0xC2, 0, 60}) + str("id") + str("user") + str("password");
  EXPECT_EQ(decode_error(packet(0x10, body.substr(0, body.size() - 1))), errc::truncated_body);
  EXPECT_EQ(decode_error(bytes({0x20, 0x01, 0x00})), errc::truncated_body);
  EXPECT_EQ(decode_error(bytes({0x30, 0x00})), errc::truncated_body);
  EXPECT_EQ(decode_error(bytes({0x30, 0x03, 0x00, 0x05, 'a'})), errc::truncated_body);
  EXPECT_EQ(decode_error(packet(0x32, str("t") + bytes({0x01}))), errc::truncated_body);
  EXPECT_EQ(decode_error(bytes({0x40, 0x01, 0x01})), errc::truncated_body);
  EXPECT_EQ(decode_error(packet(0x82, u16(1) + str("t"))), errc::truncated_body);
  EXPECT_EQ(decode_error(packet(0x10, str("MQTT"))), errc::truncated_body);
  EXPECT_EQ(decode_error(packet(0x10, str("MQTT") + bytes({4, 0xC2, 0, 60}) + str("id") + str("user"))),
            errc::truncated_body);
}

TEST(Decoder, RejectsSubscribeWithoutFilters) {
  EXPECT_EQ(decode_error(packet(0x82, u16(1))), errc::no_topic_filters);
}

TEST(Decoder, RejectsUnsubscribeWithoutFilters) {
  EXPECT_EQ(decode_error(packet(0xA2, u16(1))), errc::no_topic_filters);
}

TEST(Decoder, RejectsSubscribeRequestedQosAbove2OrReservedBits) {
  EXPECT_EQ(decode_error(packet(0x82, u16(1) + str("t") + bytes({3}))), errc::bad_requested_qos);
  EXPECT_EQ(decode_error(packet(0x82, u16(1) + str("t") + bytes({0x04}))), errc::bad_requested_qos);
  EXPECT_FALSE(decode_error(packet(0x82, u16(1) + str("t") + bytes({2}))));
}

TEST(Decoder, RejectsConnackWithReservedFlagsOrReturnCode) {
  EXPECT_EQ(decode_error(bytes({0x20, 0x02, 0x02, 0x00})), errc::bad_connack);
  EXPECT_EQ(decode_error(bytes({0x20, 0x02, 0x00, 0x06})), errc::bad_connack);
}

TEST(Decoder, RejectsSubackWithoutCodesOrWithReservedCode) {
  EXPECT_EQ(decode_error(bytes({0x90, 0x02, 0x00, 0x01})), errc::bad_suback);
  EXPECT_EQ(decode_error(bytes({0x90, 0x03, 0x00, 0x01, 0x03})), errc::bad_suback);
  EXPECT_EQ(decode_error(bytes({0x90, 0x03, 0x00, 0x01, 0x81})), errc::bad_suback);
}

// --- robustness
// ----------------------------------------------------------------------------------------------

std::vector<std::string> valid_corpus() {
  std::vector<std::string> out{sdk_connect(), sample_stream()};
  std::vector<Packet> packets{
      Connect{"MQTT", 4, true, 60, "c", std::string("u"), std::string("p"), true, 1, true, "w/t", "bye"},
      Connack{true, 0},
      Publish{"/sys/pk/dk/thing/measurepoint/post", R"({"id":"1","params":{"v":1}})", 1, false, false, 9},
      Publish{"t", std::string(200, 'z'), 0, false, true, 0},
      Puback{3},
      Subscribe{4, {{"a/+", 1}, {"b/#", 0}}},
      Suback{4, {0, 1, 0x80}},
      Unsubscribe{5, {"a/+"}},
      Unsuback{5},
      Pingreq{},
      Pingresp{},
      Disconnect{}};
  for (const auto& p : packets) {
    std::string wire;
    encode(p, wire);
    out.push_back(wire);
  }
  return out;
}

std::string mutate(std::string s, std::mt19937& rng, const std::vector<std::string>& corpus) {
  switch (rng() % 6) {
    case 0:  // truncation
      s.resize(s.empty() ? 0 : rng() % s.size());
      break;
    case 1:  // bit flips
      for (unsigned k = 0, n = 1 + rng() % 4; k < n && !s.empty(); ++k)
        s[rng() % s.size()] ^= char(1 << (rng() % 8));
      break;
    case 2:  // length-field edits: the remaining length, or a string length inside the body
      if (s.size() > 1) s[1 + rng() % std::min<std::size_t>(4, s.size() - 1)] = static_cast<char>(rng());
      if (s.size() > 4 && rng() % 2) s[2 + rng() % (s.size() - 2)] = static_cast<char>(rng() % 4 ? 0 : 0xff);
      break;
    case 3:  // random bytes
      s.assign(rng() % 64, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      break;
    case 4:  // concatenation with another packet, then a flip
      s += corpus[rng() % corpus.size()];
      s[rng() % s.size()] ^= char(1 << (rng() % 8));
      break;
    default:  // byte insertion / deletion
      if (!s.empty() && rng() % 2)
        s.erase(rng() % s.size(), 1);
      else
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(s.empty() ? 0 : rng() % s.size()), char(rng()));
      break;
  }
  return s;
}

TEST(Decoder, SurvivesRandomAndMutatedInputWithBoundedBuffer) {
  const auto corpus = valid_corpus();
  std::mt19937 rng(0x6d717474);
  std::size_t decoded = 0, errors = 0;
  for (int i = 0; i < 200000; ++i) {
    const std::string input = mutate(corpus[rng() % corpus.size()], rng, corpus);
    const std::size_t limit = rng() % 4 ? kMaxConnectPacketSize : 256;
    Decoder d(limit);
    boost::system::error_code ec;
    std::size_t pos = 0;
    while (pos < input.size() && !ec) {
      const std::size_t n = std::min<std::size_t>(input.size() - pos, 1 + rng() % 40);
      d.feed(input.data() + pos, n);
      pos += n;
      while (auto p = d.next(ec)) {
        ++decoded;
        // Whatever decodes re-encodes to something that decodes to the same packet.
        std::string again;
        encode(*p, again);
        auto r = decode_all(again);
        ASSERT_FALSE(r.ec) << r.ec.message() << " at input " << i;
        ASSERT_EQ(r.packets.size(), 1u);
        ASSERT_EQ(r.packets[0], *p) << "at input " << i;
      }
      // Bounded: never more than was fed, and once drained at most one partial packet under the limit.
      ASSERT_LE(d.buffered(), pos);
      ASSERT_LE(d.buffered(), limit);
    }
    if (ec) {
      ++errors;
      ASSERT_EQ(ec.category(), mqtt_category());
      ASSERT_EQ(d.buffered(), 0u);
    }
  }
  // The mutations reach both outcomes often (otherwise the test would exercise little).
  EXPECT_GT(decoded, 20000u);
  EXPECT_GT(errors, 20000u);
}

}  // namespace
}  // namespace gridhub::mqtt
