// MQTT UTF-8 rule: well-formed UTF-8, no U+0000.
#include "mqtt/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gridhub::mqtt {
namespace {

TEST(Utf8, AcceptsAsciiAndEveryEncodingLength) {
  EXPECT_TRUE(valid_mqtt_utf8(""));
  EXPECT_TRUE(valid_mqtt_utf8("plain ascii text longer than eight bytes"));
  EXPECT_TRUE(valid_mqtt_utf8("\x7F\x01"));                  // controls are discouraged, not forbidden
  EXPECT_TRUE(valid_mqtt_utf8("\xC2\x80\xDF\xBF"));          // U+0080, U+07FF
  EXPECT_TRUE(valid_mqtt_utf8("\xE0\xA0\x80\xEF\xBF\xBF"));  // U+0800, U+FFFF
  EXPECT_TRUE(valid_mqtt_utf8("\xED\x9F\xBF\xEE\x80\x80"));  // U+D7FF, U+E000 around the surrogates
  EXPECT_TRUE(valid_mqtt_utf8("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));  // U+10000, U+10FFFF
}

TEST(Utf8, RejectsNulAnywhereIncludingTheAsciiFastPath) {
  for (std::size_t pos = 0; pos < 20; ++pos) {
    std::string s(20, 'a');
    s[pos] = '\0';
    EXPECT_FALSE(valid_mqtt_utf8(s)) << pos;
  }
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_FALSE(valid_mqtt_utf8("\xC0\x80"));  // overlong U+0000
  EXPECT_FALSE(valid_mqtt_utf8("\xC1\xBF"));
  EXPECT_FALSE(valid_mqtt_utf8("\xE0\x9F\xBF"));
  EXPECT_FALSE(valid_mqtt_utf8("\xF0\x8F\xBF\xBF"));
}

TEST(Utf8, RejectsSurrogatesAndCodePointsAbove10FFFF) {
  EXPECT_FALSE(valid_mqtt_utf8("\xED\xA0\x80"));  // U+D800
  EXPECT_FALSE(valid_mqtt_utf8("\xED\xBF\xBF"));  // U+DFFF
  EXPECT_FALSE(valid_mqtt_utf8("\xF4\x90\x80\x80"));
  EXPECT_FALSE(valid_mqtt_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(valid_mqtt_utf8("\xFF"));
}

TEST(Utf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(valid_mqtt_utf8("\x80"));
  EXPECT_FALSE(valid_mqtt_utf8("a\xC3"));
  EXPECT_FALSE(valid_mqtt_utf8("\xE4\xB8"));
  EXPECT_FALSE(valid_mqtt_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(valid_mqtt_utf8("\xE4\x41\x80"));
  EXPECT_FALSE(valid_mqtt_utf8("12345678\xC3(abcdefgh"));
}

}  // namespace
}  // namespace gridhub::mqtt
